import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError, ErrorCode } from './errors.js';

/**
 * The shape budget of a JSON request body, checked on the raw bytes before `JSON.parse`. Deep nesting overflows
 * the stack of class-transformer (a 20 KB body was a 500), and an object with many keys costs it quadratic time
 * (its key de-duplication), so both are refused before any parsing. No DTO comes near these limits.
 */
export const JSON_BUDGET = {
  /** Nesting of objects and arrays. */
  maxDepth: 32,
  /** Object members plus array items, over the whole body. */
  maxElements: 10_000,
  /** Members of any one object. */
  maxKeysPerObject: 256,
};

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

/**
 * One linear pass over the bytes (UTF-8 multi-byte sequences never contain these ASCII bytes; string contents
 * are skipped with a native search for the closing quote): why the body exceeds the budget, or null.
 * Malformed JSON is left to the parser.
 */
export function jsonBudgetViolation(body: Uint8Array, budget = JSON_BUDGET): string | null {
  const keys = new Int32Array(budget.maxDepth + 1);
  const isObject = new Uint8Array(budget.maxDepth + 1);
  let depth = 0;
  let elements = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    switch (c) {
      case QUOTE:
        i = endOfString(body, i);
        break;
      case OPEN_OBJECT:
      case OPEN_ARRAY:
        if (++depth > budget.maxDepth) return `JSON body is nested deeper than ${budget.maxDepth} levels`;
        if (++elements > budget.maxElements) return `JSON body has more than ${budget.maxElements} elements`;
        isObject[depth] = c === OPEN_OBJECT ? 1 : 0;
        keys[depth] = 0;
        break;
      case CLOSE_OBJECT:
      case CLOSE_ARRAY:
        if (depth > 0) depth--;
        break;
      case COMMA:
        if (++elements > budget.maxElements) return `JSON body has more than ${budget.maxElements} elements`;
        break;
      case COLON:
        if (isObject[depth] && ++keys[depth] > budget.maxKeysPerObject)
          return `A JSON object of the body has more than ${budget.maxKeysPerObject} members`;
        break;
    }
  }
  return null;
}

/** Index of the quote closing the string that opens at `start` (native search; escaped quotes skipped). */
function endOfString(body: Uint8Array, start: number): number {
  for (let j = body.indexOf(QUOTE, start + 1); j !== -1; j = body.indexOf(QUOTE, j + 1)) {
    let backslashes = 0;
    while (body[j - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return j;
  }
  return body.length; // unterminated: the parser reports it
}

type Done = (err: Error | null, body?: unknown) => void;

/**
 * The `application/json` body parser: an empty body is no body (a bodiless POST or DELETE sent with a JSON
 * content type proceeds; a route that needs a body answers 422 "Field required"), a body over budget is a 400
 * `JSON_TOO_COMPLEX`, anything else goes to Fastify's own parser (prototype-poisoning keys removed).
 */
export function budgetedJsonParser(
  fastify: FastifyInstance,
): (req: FastifyRequest, body: Buffer, done: Done) => void {
  // `__proto__` / `constructor.prototype` members are removed (no prototype pollution); refusing the whole body
  // for one, deep in a member nobody reads, answered a valid request "Malformed JSON body".
  const parse = fastify.getDefaultJsonParser('remove', 'remove');
  return (req, body, done) => {
    if (body.length === 0) return done(null, undefined);
    const violation = jsonBudgetViolation(body);
    if (violation) return done(new AppError(400, ErrorCode.JSON_TOO_COMPLEX, violation));
    // Fastify's parser is typed for a string; it would decode the Buffer the same way (UTF-8) itself.
    parse(req, body.toString('utf8'), done);
  };
}
