/**
 * Stable machine codes returned as `code` in every error body. Clients switch on these, so they never change
 * meaning; the HTTP status for each lives in the exception, not here.
 */
export enum ErrorCode {
  BAD_REQUEST = 'BAD_REQUEST',
  MALFORMED_JSON = 'MALFORMED_JSON',
  JSON_TOO_COMPLEX = 'JSON_TOO_COMPLEX',
  VALIDATION_FAILED = 'VALIDATION_FAILED',
  NOT_AUTHENTICATED = 'NOT_AUTHENTICATED',
  INVALID_TOKEN = 'INVALID_TOKEN',
  INVALID_CREDENTIALS = 'INVALID_CREDENTIALS',
  INVALID_REFRESH_TOKEN = 'INVALID_REFRESH_TOKEN',
  TOKEN_REVOKED = 'TOKEN_REVOKED',
  USER_NOT_FOUND = 'USER_NOT_FOUND',
  FORBIDDEN = 'FORBIDDEN',
  NOT_FOUND = 'NOT_FOUND',
  ROUTE_NOT_FOUND = 'ROUTE_NOT_FOUND',
  METHOD_NOT_ALLOWED = 'METHOD_NOT_ALLOWED',
  CONFLICT = 'CONFLICT',
  EMAIL_TAKEN = 'EMAIL_TAKEN',
  PAYLOAD_TOO_LARGE = 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE = 'UNSUPPORTED_MEDIA_TYPE',
  RATE_LIMITED = 'RATE_LIMITED',
  LOGIN_THROTTLED = 'LOGIN_THROTTLED',
  SERVICE_UNAVAILABLE = 'SERVICE_UNAVAILABLE',
  SHUTTING_DOWN = 'SHUTTING_DOWN',
  UPSTREAM_FAILED = 'UPSTREAM_FAILED',
  INTERNAL_ERROR = 'INTERNAL_ERROR',
}

/** One entry of a 422 `detail` list (FastAPI-compatible). */
export interface ValidationIssue {
  /** Built with numbers for array indexes; AppError renders every entry as a string. */
  loc: (string | number)[];
  msg: string;
  type: string;
}

/** The body of every error response. */
export interface ErrorBody {
  detail: string | ValidationIssue[];
  code: string;
}

/**
 * The application's one exception type: a status, a stable code and a client-safe detail.
 * Services throw it (or a helper below); the global filter renders it.
 */
export class AppError extends Error {
  readonly detail: string | ValidationIssue[];
  constructor(
    readonly status: number,
    readonly code: ErrorCode | string,
    detail: string | ValidationIssue[],
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof detail === 'string' ? detail : code);
    // `loc` entries are strings on the wire (array indexes too: "0"), so every client types them as one thing.
    this.detail = typeof detail === 'string' ? detail : detail.map((i) => ({ ...i, loc: i.loc.map(String) }));
  }
}

export const notFound = (detail = 'Not found'): AppError => new AppError(404, ErrorCode.NOT_FOUND, detail);
export const badRequest = (detail: string, code: ErrorCode | string = ErrorCode.BAD_REQUEST): AppError =>
  new AppError(400, code, detail);
export const conflict = (detail: string, code: ErrorCode | string = ErrorCode.CONFLICT): AppError =>
  new AppError(409, code, detail);
export const unauthorized = (
  detail = 'Invalid token',
  code: ErrorCode | string = ErrorCode.INVALID_TOKEN,
): AppError => new AppError(401, code, detail, { 'www-authenticate': 'Bearer' });
export const serviceUnavailable = (
  detail: string,
  code: ErrorCode | string = ErrorCode.SERVICE_UNAVAILABLE,
): AppError => new AppError(503, code, detail);
/** A single-field validation error, shaped like the framework's own 422s. */
export const validationError = (loc: (string | number)[], msg: string, type = 'value_error'): AppError =>
  new AppError(422, ErrorCode.VALIDATION_FAILED, [{ loc, msg, type }]);
