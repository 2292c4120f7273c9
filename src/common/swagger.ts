import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { getMetadataStorage } from 'class-validator';

export class ValidationIssueDto {
  @ApiProperty({
    type: 'array',
    items: { oneOf: [{ type: 'string' }, { type: 'integer' }] },
    example: ['body', 'email'],
  })
  loc: (string | number)[];
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

type Rule = { propertyName: string; name?: string; constraints?: unknown[] };

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

/**
 * Per DTO class name: property → JSON type, from the class-validator rules of the class and its ancestors.
 * `classes` adds DTOs that declare no rule of their own (`class VitalsUpdateDto extends VitalsFields {}`).
 */
function validatedTypes(classes: Iterable<object>): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  const all = (getMetadataStorage() as unknown as { validationMetadatas?: unknown }).validationMetadatas;
  if (!(all instanceof Map)) return out;
  const rules = all as Map<object, Rule[]>;
  for (const cls of new Set([...rules.keys(), ...classes])) {
    const best = new Map<string, [string, number]>();
    for (let c: object | null = cls; c && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
      for (const rule of rules.get(c) ?? []) {
        const t = typeOfRule(rule);
        const had = best.get(rule.propertyName);
        if (t && (!had || t[1] > had[1])) best.set(rule.propertyName, t);
      }
    }
    const name = (cls as { name?: string }).name;
    if (name) out.set(name, new Map([...best].map(([p, [t]]) => [p, t])));
  }
  return out;
}

/**
 * Fixes properties that the Swagger plugin documents as `type: object` only because TypeScript reflects a union
 * (`number | null`, `string | null`) as Object: their real type is taken from the class-validator rules the API
 * enforces on them (`@IsInt` → integer, `@IsString` → string…). Without this, clients and fuzzers read "object"
 * where the API accepts only a number or a string.
 */
export function documentValidatedTypes<T extends object>(doc: T, classes: Iterable<object> = []): T {
  const schemas = (
    doc as {
      components?: { schemas?: Record<string, { properties?: Record<string, Record<string, unknown>> }> };
    }
  ).components?.schemas;
  if (!schemas) return doc;
  const types = validatedTypes(classes);
  for (const [name, schema] of Object.entries(schemas)) {
    const byProp = types.get(name);
    for (const [prop, p] of Object.entries(schema.properties ?? {})) {
      if (
        p.type !== 'object' ||
        p.properties ||
        p.additionalProperties ||
        p.allOf ||
        p.oneOf ||
        p.anyOf ||
        p.$ref
      )
        continue;
      // A rule of the API decides; else the documented example (a custom validator names no type).
      const example = typeof p.example;
      const t =
        byProp?.get(prop) ??
        (example === 'string' || example === 'boolean'
          ? example
          : example === 'number'
            ? 'number'
            : undefined);
      if (t) p.type = t;
    }
  }
  return doc;
}
