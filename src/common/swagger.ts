import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { getMetadataStorage } from 'class-validator';

export class ValidationIssueDto {
  @ApiProperty({
    type: [String],
    example: ['body', 'email'],
    description:
      'Where the problem is: "body", "query" or "path", then field names; array indexes as strings ("0")',
  })
  loc: string[];
  @ApiProperty({ example: 'Field required' })
  msg: string;
  @ApiProperty({ example: 'missing' })
  type: string;
}

export class ErrorResponseDto {
  @ApiProperty({ example: 'Not found', description: 'Human-readable reason' })
  detail: string;
  @ApiProperty({ example: 'NOT_FOUND', description: 'Stable machine code' })
  code: string;
}

export class ValidationErrorResponseDto {
  @ApiProperty({ type: [ValidationIssueDto] })
  detail: ValidationIssueDto[];
  @ApiProperty({ example: 'VALIDATION_FAILED' })
  code: string;
}

const DESCRIPTIONS: Record<number, string> = {
  400: 'Bad request (malformed JSON or a rule of this resource)',
  401: 'Missing, invalid or expired bearer token',
  403: 'Forbidden',
  404: 'Not found (or owned by another user)',
  409: 'Conflict',
  413: 'Payload too large',
  415: 'Unsupported media type',
  422: 'Validation failed',
  429: 'Too many requests (see Retry-After)',
  503: 'Service unavailable',
};

/**
 * Documents error responses of a route: `@ApiErrors(401, 404, 422)`. 401, 400 (malformed JSON), 413 and 429
 * apply to nearly every route, so they are added by default unless `{ only: true }` is passed first.
 */
export function ApiErrors(
  ...statuses: (number | { only: true } | { status: number; description: string })[]
): MethodDecorator & ClassDecorator {
  const only = statuses.some((s) => typeof s === 'object' && 'only' in s);
  const list = statuses.filter((s) => !(typeof s === 'object' && 'only' in s)) as (
    number | { status: number; description: string }
  )[];
  const entries = new Map<number, string>();
  if (!only) for (const s of [401, 429]) entries.set(s, DESCRIPTIONS[s]);
  for (const s of list) {
    if (typeof s === 'number') entries.set(s, DESCRIPTIONS[s] ?? 'Error');
    else entries.set(s.status, s.description);
  }
  return applyDecorators(
    ApiExtraModels(ErrorResponseDto, ValidationErrorResponseDto),
    ...[...entries].map(([status, description]) =>
      ApiResponse({
        status,
        description,
        schema: { $ref: getSchemaPath(status === 422 ? ValidationErrorResponseDto : ErrorResponseDto) },
      }),
    ),
  );
}

type OpenApiDoc = {
  paths?: Record<
    string,
    Record<string, { requestBody?: unknown; security?: unknown[]; responses?: Record<string, unknown> }>
  >;
};

const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options']);

/**
 * Documents the error responses the framework itself gives on every route, so the OpenAPI document stays true
 * as routes are added without each controller repeating them: any route with a body can answer 400 (malformed
 * JSON), 413 (too large), 415 (unsupported content type) and 422 (not an object) before its handler runs;
 * every /api route can answer 429 (rate limit) and every authenticated one 401.
 */
export function documentFrameworkErrors<T extends object>(doc: T): T {
  const d = doc as OpenApiDoc;
  for (const [path, item] of Object.entries(d.paths ?? {})) {
    for (const [method, op] of Object.entries(item)) {
      if (!METHODS.has(method) || !op || typeof op !== 'object') continue;
      const statuses: number[] = [];
      if (op.requestBody) statuses.push(400, 413, 415, 422);
      if (path.startsWith('/api/')) statuses.push(429);
      if (op.security?.length) statuses.push(401);
      op.responses ??= {};
      for (const s of statuses) {
        if (op.responses[String(s)]) continue;
        op.responses[String(s)] = {
          description: DESCRIPTIONS[s] ?? 'Error',
          content: {
            'application/json': {
              schema: {
                $ref:
                  s === 422
                    ? '#/components/schemas/ValidationErrorResponseDto'
                    : '#/components/schemas/ErrorResponseDto',
              },
            },
          },
        };
      }
    }
  }
  return doc;
}

type Rule = { propertyName: string; name?: string; constraints?: unknown[]; each?: boolean };

/** JSON type a validation rule implies, and how sure it is (a type check beats a bound). */
function typeOfRule(rule: Rule): [string, number] | null {
  switch (rule.name) {
    case 'isBoolean':
      return ['boolean', 3];
    case 'isInt':
      return ['integer', 3];
    case 'isNumber':
      return ['number', 3];
    case 'isString':
    case 'isISO8601':
    case 'isDateString':
    case 'isEmail':
    case 'isUrl':
    case 'isUUID':
    case 'matches':
      return ['string', 3];
    case 'min':
    case 'max':
      return ['number', 1];
    case 'minLength':
    case 'maxLength':
      return ['string', 1];
    case 'isIn': {
      const values = rule.constraints?.[0];
      const first = Array.isArray(values) ? values[0] : undefined;
      return typeof first === 'string' ? ['string', 2] : typeof first === 'number' ? ['number', 2] : null;
    }
    default:
      return null;
  }
}

/** JSON Schema keywords a rule enforces (`@Max(500)` → maximum 500, `@Matches(re)` → pattern). */
function keywordsOfRule(rule: Rule): Record<string, unknown> {
  const [a, b] = rule.constraints ?? [];
  const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
  switch (rule.name) {
    case 'isInt':
      return { type: 'integer' };
    case 'min':
      return { minimum: num(a) };
    case 'max':
      return { maximum: num(a) };
    case 'minLength':
      return { minLength: num(a) };
    case 'maxLength':
      return { maxLength: num(a) };
    case 'isLength':
      return { minLength: num(a), maxLength: num(b) };
    case 'arrayMinSize':
      return { minItems: num(a) };
    case 'arrayMaxSize':
      return { maxItems: num(a) };
    case 'arrayUnique':
      return { uniqueItems: true };
    default:
      // `@Matches(re)` and the custom rules that carry their pattern (IsDateTimeInput, IsTimeOfDay…).
      return a instanceof RegExp ? { pattern: a.source } : {};
  }
}

type PropertyRules = Map<string, Rule[]>;

/** Rules of every validated class (with those of its ancestors), by class, then by property. */
function rulesByClass(classes: Iterable<object>): Map<object, PropertyRules> {
  const out = new Map<object, PropertyRules>();
  // class-validator keeps every rule in a private map and has no public way to list it all; TypeScript allows
  // reading a private member by name, and `unknown` until checked keeps that honest.
  const all: unknown = getMetadataStorage()['validationMetadatas'];
  if (!(all instanceof Map)) return out;
  const rules = all as Map<object, Rule[]>;
  for (const cls of new Set([...rules.keys(), ...classes])) {
    const byProp: PropertyRules = new Map();
    for (let c: object | null = cls; c && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
      for (const rule of rules.get(c) ?? []) {
        byProp.set(rule.propertyName, [...(byProp.get(rule.propertyName) ?? []), rule]);
      }
    }
    out.set(cls, byProp);
  }
  return out;
}

/** The JSON type the rules imply (a type check beats a bound). */
function typeOfRules(rules: Rule[]): string | undefined {
  let best: [string, number] | null = null;
  for (const rule of rules) {
    const t = typeOfRule(rule);
    if (t && (!best || t[1] > best[1])) best = t;
  }
  return best?.[0];
}

type Schema = Record<string, unknown> & { items?: Record<string, unknown> };

/** Writes the keywords of the rules into a property schema; `each` rules go to its items. */
function applyRules(schema: Schema, rules: Rule[]): void {
  for (const rule of rules) {
    // A query parameter can share its name with an array field of the body DTO: array rules are not its own.
    const forArray = rule.each || rule.name === 'arrayMinSize' || rule.name === 'arrayMaxSize';
    if (forArray && schema.type !== undefined && schema.type !== 'array') continue;
    const target = rule.each ? (schema.items ??= {}) : schema;
    for (const [k, v] of Object.entries(keywordsOfRule(rule))) {
      if (v === undefined) continue;
      if (k === 'type' && rule.each) continue;
      // A number field checked with @IsInt is an integer; a string or array keeps its type.
      if (k === 'type' && target.type !== 'number' && target.type !== 'object') continue;
      target[k] = v;
    }
  }
}

const isObjectTyped = (p: Schema): boolean =>
  p.type === 'object' &&
  !p.properties &&
  !p.additionalProperties &&
  !p.allOf &&
  !p.oneOf &&
  !p.anyOf &&
  !p.$ref;

/**
 * Makes the document say what the validation enforces, from the class-validator rules of the request DTOs:
 * - properties the Swagger plugin documents as `type: object` only because TypeScript reflects a union
 *   (`number | null`) as Object get the type their rules check (`@IsInt` → integer, `@IsString` → string…);
 * - bounds, lengths, item counts, integer-ness and patterns (`minimum`, `maxLength`, `maxItems`, `type:
 *   integer`, `pattern`…) come from the rules, in request bodies and in query parameters alike;
 * - array request bodies (the batch routes) get their item limits.
 * `classes` adds DTOs that declare no rule of their own (`class VitalsUpdateDto extends VitalsFields {}`);
 * `operations` maps an operationId to the DTO classes of its handler, for its query parameters.
 */
export function documentValidatedTypes<T extends object>(
  doc: T,
  classes: Iterable<object> = [],
  operations: Map<string, object[]> = new Map(),
  batch: { minItems: number; maxItems: number } = { minItems: 1, maxItems: 100 },
): T {
  const d = doc as {
    components?: { schemas?: Record<string, { properties?: Record<string, Schema> }> };
    paths?: Record<string, Record<string, Operation>>;
  };
  const byClass = rulesByClass(classes);
  const byName = new Map([...byClass].map(([cls, r]) => [(cls as { name?: string }).name, r]));
  for (const [name, schema] of Object.entries(d.components?.schemas ?? {})) {
    const byProp = byName.get(name);
    for (const [prop, p] of Object.entries(schema.properties ?? {})) {
      const rules = byProp?.get(prop) ?? [];
      if (isObjectTyped(p)) {
        // A rule of the API decides; else the documented example (a custom validator names no type).
        const example = typeof p.example;
        const t =
          typeOfRules(rules) ??
          (example === 'string' || example === 'boolean' || example === 'number' ? example : undefined);
        if (t) p.type = t;
      }
      applyRules(p, rules);
      // OpenAPI 3.0: a nullable enum must list null, or null is outside the enum.
      if (p.nullable && Array.isArray(p.enum) && !p.enum.includes(null)) p.enum = [...p.enum, null];
    }
  }
  for (const item of Object.values(d.paths ?? {})) {
    for (const op of Object.values(item)) {
      if (!op || typeof op !== 'object') continue;
      const dtos = operations.get(op.operationId ?? '') ?? [];
      for (const param of op.parameters ?? []) {
        if (param.in !== 'query' || !param.schema) continue;
        for (const cls of dtos) applyRules(param.schema, byClass.get(cls)?.get(param.name ?? '') ?? []);
      }
      const body = op.requestBody?.content?.['application/json']?.schema;
      if (body?.type === 'array') Object.assign(body, batch);
    }
  }
  return doc;
}

type Operation = {
  operationId?: string;
  parameters?: { in?: string; name?: string; schema?: Schema }[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
};
