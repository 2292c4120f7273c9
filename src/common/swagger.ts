import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiResponse, getSchemaPath } from '@nestjs/swagger';

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
