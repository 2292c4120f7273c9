import { ArgumentsHost, Catch, HttpException, Logger, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { reportError } from './error-reporting.js';
import { AppError, ErrorCode, type ErrorBody } from './errors.js';

export interface RenderedError {
  status: number;
  body: ErrorBody;
  headers: Record<string, string>;
}

const STATUS_CODES: Record<number, ErrorCode> = {
  400: ErrorCode.BAD_REQUEST,
  401: ErrorCode.NOT_AUTHENTICATED,
  403: ErrorCode.FORBIDDEN,
  404: ErrorCode.NOT_FOUND,
  405: ErrorCode.METHOD_NOT_ALLOWED,
  409: ErrorCode.CONFLICT,
  413: ErrorCode.PAYLOAD_TOO_LARGE,
  415: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
  422: ErrorCode.VALIDATION_FAILED,
  429: ErrorCode.RATE_LIMITED,
  503: ErrorCode.SERVICE_UNAVAILABLE,
};

/** Fastify's own errors (body parsing happens before Nest sees the request). */
const FASTIFY_CODES: Record<string, { status: number; code: ErrorCode; detail: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: {
    status: 400,
    code: ErrorCode.MALFORMED_JSON,
    detail: 'Malformed JSON body',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    status: 400,
    code: ErrorCode.MALFORMED_JSON,
    detail: "Body cannot be empty when content-type is set to 'application/json'",
  },
  FST_ERR_CTP_BODY_TOO_LARGE: {
    status: 413,
    code: ErrorCode.PAYLOAD_TOO_LARGE,
    detail: 'Request body is too large',
  },
  FST_REQ_FILE_TOO_LARGE: {
    status: 413,
    code: ErrorCode.PAYLOAD_TOO_LARGE,
    detail: 'Uploaded file is too large',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    code: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
    detail: 'Unsupported content type',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    status: 400,
    code: ErrorCode.BAD_REQUEST,
    detail: 'Invalid content-length',
  },
  FST_INVALID_MULTIPART_CONTENT_TYPE: {
    status: 415,
    code: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
    detail: 'Expected multipart/form-data',
  },
};

const logger = new Logger('Errors');

/** Turns any thrown value into the `{detail, code}` response. Never exposes stacks or internal messages. */
export function renderError(err: unknown): RenderedError {
  if (err instanceof AppError) {
    return { status: err.status, body: { detail: err.detail, code: err.code }, headers: err.headers };
  }
  // Fastify's own errors (body parsing…) arrive raw or wrapped in an HttpException with the original as cause.
  const fastifyErr = (err instanceof HttpException ? err.cause : err) as
    { code?: unknown } | null | undefined;
  if (fastifyErr && typeof fastifyErr.code === 'string' && FASTIFY_CODES[fastifyErr.code]) {
    const m = FASTIFY_CODES[fastifyErr.code];
    return { status: m.status, body: { detail: m.detail, code: m.code }, headers: {} };
  }
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const res = err.getResponse();
    let detail: string = err.message;
    if (typeof res === 'object' && res && 'message' in res) {
      const m = (res as { message: unknown }).message;
      detail = Array.isArray(m) ? m.join('; ') : String(m);
    } else if (typeof res === 'string') {
      detail = res;
    }
    let code = STATUS_CODES[status] ?? (status >= 500 ? ErrorCode.INTERNAL_ERROR : ErrorCode.BAD_REQUEST);
    if (status === 404 && /^Cannot (GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)/.test(detail)) {
      code = ErrorCode.ROUTE_NOT_FOUND;
      detail = 'Not Found';
    }
    if (status === 429) detail = 'Too many requests, please slow down';
    if (status >= 500) {
      logger.error(`${err.name}: ${err.message}`);
      reportError(err);
      detail = status === 503 ? detail : 'Internal server error';
    }
    return { status, body: { detail, code }, headers: {} };
  }
  const fe = err as { statusCode?: number } | null;
  if (fe && typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    const status = fe.statusCode;
    return {
      status,
      body: {
        detail: status === 413 ? 'Request body is too large' : 'Bad request',
        code: STATUS_CODES[status] ?? ErrorCode.BAD_REQUEST,
      },
      headers: {},
    };
  }
  const e = err instanceof Error ? err : new Error(String(err));
  logger.error(`Unhandled ${e.name}: ${e.message}`, e.stack);
  reportError(e);
  return {
    status: 500,
    body: { detail: 'Internal server error', code: ErrorCode.INTERNAL_ERROR },
    headers: {},
  };
}

export function sendError(reply: FastifyReply, err: unknown): void {
  const r = renderError(err);
  if (reply.sent) return;
  reply
    .code(r.status)
    .headers(r.headers)
    .header('content-type', 'application/json; charset=utf-8')
    .send(JSON.stringify(r.body));
}

/** The one global filter: every error leaves as `{"detail", "code"}` with the request id header already set. */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    sendError(host.switchToHttp().getResponse<FastifyReply>(), exception);
  }
}
