/**
 * Errors of the LocusGraph HTTP client, one class per status family (spec §2.2, §10.7).
 * They never carry the secret; `body` is the raw response text and may hold record contents
 * (a 409 `held` memory), so log `status`, `code` and `message` only, never `body` or `held`.
 */

/** The `X-RateLimit-*` headers of a response (any of them may be missing). */
export interface RateLimitInfo {
  limit: number | null;
  remaining: number | null;
  /** Epoch ms when the bucket refills, when the server said. */
  resetAt: number | null;
}

/** The memory a context already holds, from a 409 CONFLICT body. */
export interface HeldMemory {
  locus_id?: string;
  text?: string;
  source?: string;
  confidence?: number;
}

export interface LocusGraphErrorInit {
  status: number;
  code: string;
  message: string;
  body?: string;
  rateLimit?: RateLimitInfo | null;
  cause?: unknown;
}

export class LocusGraphError extends Error {
  override name = 'LocusGraphError';
  /** HTTP status; 0 for network errors and timeouts. */
  readonly status: number;
  /** The engine's `error.code` (BAD_REQUEST, CONFLICT …), or a client code (NETWORK_ERROR, TIMEOUT, HTTP_<status>). */
  readonly code: string;
  /** Raw response body (never log it). */
  readonly body: string;
  readonly rateLimit: RateLimitInfo | null;

  constructor(init: LocusGraphErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.status = init.status;
    this.code = init.code;
    this.body = init.body ?? '';
    this.rateLimit = init.rateLimit ?? null;
  }

  /** Retry only 429, 5xx and network failures (§2.5, §10.7). */
  get retryable(): boolean {
    return false;
  }

  /** A one-line, log-safe description: status, code and the engine's message. */
  describe(): string {
    const status = this.status === 0 ? this.code : `${this.status} ${this.code}`;
    return `${status}: ${this.message}`.slice(0, 500);
  }
}

export class LocusGraphBadRequestError extends LocusGraphError {
  override name = 'LocusGraphBadRequestError';
}
export class LocusGraphUnauthorizedError extends LocusGraphError {
  override name = 'LocusGraphUnauthorizedError';
}
export class LocusGraphPaymentRequiredError extends LocusGraphError {
  override name = 'LocusGraphPaymentRequiredError';
}
export class LocusGraphForbiddenError extends LocusGraphError {
  override name = 'LocusGraphForbiddenError';
}
export class LocusGraphNotFoundError extends LocusGraphError {
  override name = 'LocusGraphNotFoundError';
}

export class LocusGraphConflictError extends LocusGraphError {
  override name = 'LocusGraphConflictError';
  constructor(
    init: LocusGraphErrorInit,
    /** What the context already holds (may contain record text: never log it). */
    readonly held: HeldMemory | null,
  ) {
    super(init);
  }
}

export class LocusGraphPayloadTooLargeError extends LocusGraphError {
  override name = 'LocusGraphPayloadTooLargeError';
}

export class LocusGraphRateLimitedError extends LocusGraphError {
  override name = 'LocusGraphRateLimitedError';
  constructor(
    init: LocusGraphErrorInit,
    /** From `Retry-After` (seconds or an HTTP date), else from `X-RateLimit-Reset`; null when neither was sent. */
    readonly retryAfterMs: number | null,
  ) {
    super(init);
  }
  override get retryable(): boolean {
    return true;
  }
}

export class LocusGraphServerError extends LocusGraphError {
  override name = 'LocusGraphServerError';
  override get retryable(): boolean {
    return true;
  }
}

/** Connection refused/reset, DNS failure, or the request timed out (status 0). */
export class LocusGraphNetworkError extends LocusGraphError {
  override name = 'LocusGraphNetworkError';
  get timedOut(): boolean {
    return this.code === 'TIMEOUT';
  }
  override get retryable(): boolean {
    return true;
  }
}

/** A response with an unexpected shape (a 2xx that is not the documented envelope). */
export class LocusGraphProtocolError extends LocusGraphError {
  override name = 'LocusGraphProtocolError';
  /** A server fault like a 5xx: the write may or may not have landed, and retrying a context write is idempotent. */
  override get retryable(): boolean {
    return true;
  }
}

/** True for errors a caller may retry later (429, 5xx, network). */
export const isRetryable = (err: unknown): boolean => err instanceof LocusGraphError && err.retryable;
