/**
 * HTTP client for the LocusGraph v1 REST routes Podd uses (the LocusGraph v1 REST API; see docs/locusgraph-cloud.md).
 * Written over Node's global fetch (undici): `@locusgraph/client` is not installable here.
 *
 * - `Authorization: Bearer <secret>` on every request; the secret is never logged or put in an error.
 * - `{success, data}` envelopes are unwrapped; errors are parsed tolerantly (enveloped, bare `{"error": …}`,
 *   non-JSON) into one typed class per status (see locusgraph-client.errors.ts).
 * - Requests are checked locally first (event kinds, sources, links, 64 KB payloads, batch and search limits):
 *   the engine refuses unknown fields, so only fields it reads are sent.
 * - No retries here: the caller (the replication worker) owns the retry policy; `err.retryable` says
 *   whether a retry makes sense (429, 5xx, network/timeout only).
 */
import { histogram } from '../../ops/metrics.js';
import {
  LocusGraphBadRequestError,
  LocusGraphConflictError,
  LocusGraphError,
  LocusGraphForbiddenError,
  LocusGraphNetworkError,
  LocusGraphNotFoundError,
  LocusGraphPayloadTooLargeError,
  LocusGraphPaymentRequiredError,
  LocusGraphProtocolError,
  LocusGraphRateLimitedError,
  LocusGraphServerError,
  LocusGraphUnauthorizedError,
  type HeldMemory,
  type LocusGraphErrorInit,
  type RateLimitInfo,
} from './locusgraph-client.errors.js';
import {
  LocusGraphValidationError,
  MAX_BATCH_EVENTS,
  MAX_SEARCH_LIMIT,
  MAX_SEARCH_OFFSET,
  isContextId,
  validateEvent,
  type BatchItemResult,
  type BatchResponse,
  type ContextResponse,
  type EventKindInfo,
  type ForgetContextResponse,
  type LocusResponse,
  type SearchRequest,
  type SearchResponse,
  type StoreEventResponse,
  type WireEvent,
} from './locusgraph-wire.js';

export interface LocusGraphClientOptions {
  /** REST base, e.g. `https://api.locusgraph.com` (routes are under `/v1`). */
  baseUrl: string;
  /** Agent secret / API key. Calls fail before any I/O when it is missing. */
  apiKey: string | null;
  /** Default graph; a call may name another one. */
  graphId: string | null;
  /** Per-request timeout (connect + response + body). Default 10 s. */
  timeoutMs?: number;
  /** Extra timeout per batch item: a full 1000-event batch takes about 60 s on the engine. Default 100 ms. */
  batchItemTimeoutMs?: number;
  /** Injected for tests; defaults to the global fetch. */
  fetch?: typeof fetch;
}

export interface CallOptions {
  graphId?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** The engine's rate-limit buckets (§2.3): search is `spend` (20/min), everything Podd calls otherwise is `read`. */
export type RateBucket = 'spend' | 'read';

/** The result of a batch: the engine's counts and per-item results in request order, over all chunks. */
export interface BatchOutcome extends BatchResponse {
  /** Set when a later chunk failed as a whole: its items (and the following ones) are reported as errors. */
  aborted?: LocusGraphError;
}

const requestSeconds = histogram({
  name: 'podd_locusgraph_request_duration_seconds',
  help: 'LocusGraph cloud HTTP requests by route template and status (0 = network error/timeout)',
  labelNames: ['route', 'status'],
  buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
});

type Query = Record<string, string | number | boolean | object | undefined>;

interface RequestSpec {
  method: 'GET' | 'POST' | 'DELETE';
  /** Route template for metrics, e.g. `/v1/contexts/:g/:type/:name`. */
  route: string;
  path: string;
  query?: Query;
  body?: unknown;
  bucket: RateBucket;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export class LocusGraphClient {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly batchItemTimeoutMs: number;
  private readonly fetchImpl: typeof fetch;
  private readonly rateLimits = new Map<RateBucket, RateLimitInfo>();

  constructor(private readonly options: LocusGraphClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.batchItemTimeoutMs = options.batchItemTimeoutMs ?? 100;
    this.fetchImpl = options.fetch ?? globalThis.fetch;
  }

  get graphId(): string | null {
    return this.options.graphId;
  }

  /** The last `X-RateLimit-*` values seen for a bucket (null before the first response). */
  rateLimitFor(bucket: RateBucket): RateLimitInfo | null {
    return this.rateLimits.get(bucket) ?? null;
  }

  // ---- writes ------------------------------------------------------------------------------------------

  /** POST /v1/events. A different text for an occupied context needs `replace: true`, else 409 (ConflictError). */
  async storeEvent(event: WireEvent, opts: CallOptions = {}): Promise<StoreEventResponse> {
    const graph_id = this.graph(opts);
    const body = { graph_id, ...validateEvent(event) };
    const data = await this.request<StoreEventResponse>({
      method: 'POST',
      route: '/v1/events',
      path: '/v1/events',
      body,
      bucket: 'read',
      signal: opts.signal,
      timeoutMs: opts.timeoutMs,
    });
    if (!data || typeof data !== 'object' || typeof data.status !== 'string') {
      throw protocolError('store response has no status');
    }
    return data;
  }

  /**
   * POST /v1/events/batch, split into chunks of ≤ 1000 sent in order. The engine answers 200 even when items
   * failed: check `failed` and each result's `status` ("error" + `error`). If the first chunk fails as a whole
   * the error is thrown; if a later one does, its items and the rest are reported as errors and `aborted` is set.
   */
  async storeEventsBatch(events: WireEvent[], opts: CallOptions = {}): Promise<BatchOutcome> {
    const graph_id = this.graph(opts);
    if (events.length === 0) throw new LocusGraphValidationError('batch: events must not be empty');
    const checked = events.map((e, i) => validateEvent(e, `events[${i}]`));
    const out: BatchOutcome = { stored: 0, filtered: 0, failed: 0, results: [] };
    for (let start = 0; start < checked.length; start += MAX_BATCH_EVENTS) {
      const chunk = checked.slice(start, start + MAX_BATCH_EVENTS);
      let data: BatchResponse;
      try {
        data = await this.request<BatchResponse>({
          method: 'POST',
          route: '/v1/events/batch',
          path: '/v1/events/batch',
          body: { graph_id, events: chunk },
          bucket: 'read',
          signal: opts.signal,
          timeoutMs: opts.timeoutMs ?? this.timeoutMs + this.batchItemTimeoutMs * chunk.length,
        });
      } catch (err) {
        if (start === 0 || !(err instanceof LocusGraphError)) throw err;
        const rest = checked.length - start;
        for (let i = 0; i < rest; i++)
          out.results.push({ status: 'error', error: `not sent: ${err.describe()}` });
        out.failed += rest;
        out.aborted = err;
        return out;
      }
      const results: BatchItemResult[] = Array.isArray(data?.results) ? data.results : [];
      for (let i = 0; i < chunk.length; i++) {
        const r = results[i];
        if (!r || typeof r.status !== 'string') {
          out.results.push({ status: 'error', error: 'no result returned for this item' });
          out.failed++;
          continue;
        }
        out.results.push(r);
        if (r.status === 'error') out.failed++;
        else if (r.status === 'filtered') out.filtered++;
        else out.stored++;
      }
    }
    return out;
  }

  /**
   * DELETE /v1/contexts/:g/:type/:name: removes the context, its links and the memories it alone held.
   * A 404 means it is already gone: returned as `already_gone: true`, not thrown (deletes are idempotent).
   */
  async forgetContext(contextId: string, opts: CallOptions = {}): Promise<ForgetContextResponse> {
    const graph = this.graph(opts);
    const { type, name } = splitContext(contextId);
    try {
      const data = await this.request<ForgetContextResponse>({
        method: 'DELETE',
        route: '/v1/contexts/:g/:type/:name',
        path: `/v1/contexts/${enc(graph)}/${enc(type)}/${enc(name)}`,
        bucket: 'read',
        signal: opts.signal,
        timeoutMs: opts.timeoutMs,
      });
      return {
        context_id: data?.context_id ?? contextId,
        deleted_locus_ids: data?.deleted_locus_ids ?? [],
        unlinked_locus_ids: data?.unlinked_locus_ids ?? [],
      };
    } catch (err) {
      if (err instanceof LocusGraphNotFoundError) {
        return { context_id: contextId, deleted_locus_ids: [], unlinked_locus_ids: [], already_gone: true };
      }
      throw err;
    }
  }

  // ---- reads -------------------------------------------------------------------------------------------

  /**
   * POST /v1/memories with `format: "json"` (items). Search is the scarce `spend` bucket (20/min).
   * `limit` above 100 is clamped (as the engine does); `offset` above 1000 is refused.
   */
  async search(req: SearchRequest, opts: CallOptions = {}): Promise<SearchResponse> {
    const graph_id = this.graph(opts);
    if (typeof req.query !== 'string' || !req.query.trim())
      throw new LocusGraphValidationError('search: query is required');
    const body: Record<string, unknown> = { graph_id, query: req.query, format: 'json' };
    if (req.limit !== undefined) body.limit = Math.max(1, Math.min(MAX_SEARCH_LIMIT, Math.trunc(req.limit)));
    if (req.offset !== undefined) {
      if (!Number.isInteger(req.offset) || req.offset < 0 || req.offset > MAX_SEARCH_OFFSET) {
        throw new LocusGraphValidationError(`search: offset must be an integer 0…${MAX_SEARCH_OFFSET}`);
      }
      body.offset = req.offset;
    }
    for (const key of ['context_ids', 'boost_context_ids'] as const) {
      const v = req[key];
      if (v === undefined) continue;
      if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) {
        throw new LocusGraphValidationError(`search: ${key} must be an array of context ids`);
      }
      body[key] = v;
    }
    if (req.context_types !== undefined) body.context_types = req.context_types;
    if (req.sources !== undefined) body.sources = req.sources;
    if (req.expand_depth !== undefined) body.expand_depth = req.expand_depth;
    const data = await this.request<Partial<SearchResponse> & { memories?: unknown }>({
      method: 'POST',
      route: '/v1/memories',
      path: '/v1/memories',
      body,
      bucket: 'spend',
      signal: opts.signal,
      timeoutMs: opts.timeoutMs,
    });
    const items = Array.isArray(data?.items) ? data.items : [];
    return {
      items,
      items_found: typeof data?.items_found === 'number' ? data.items_found : items.length,
      offset: typeof data?.offset === 'number' ? data.offset : (req.offset ?? 0),
      has_more: data?.has_more === true,
    };
  }

  /**
   * GET /v1/locus/:g/:id. The engine returns `payload` as JSON text holding an envelope whose `data` is the
   * payload as written (plus `kind`); both are returned parsed. Null on 404.
   */
  async getLocus(locusId: string, opts: CallOptions = {}): Promise<LocusResponse | null> {
    const graph = this.graph(opts);
    const data = await nullOn404(
      this.request<{
        locus: { locus_id: string; value: string; payload: unknown; source: string | null; created: number };
        links?: LocusResponse['links'];
        metadata?: Record<string, unknown>;
        contexts?: string[];
      }>({
        method: 'GET',
        route: '/v1/locus/:g/:id',
        path: `/v1/locus/${enc(graph)}/${enc(locusId)}`,
        bucket: 'read',
        signal: opts.signal,
        timeoutMs: opts.timeoutMs,
      }),
    );
    if (data === null) return null;
    if (!data?.locus) throw protocolError('locus response has no locus');
    const { payload: raw, ...locus } = data.locus;
    let envelope: Record<string, unknown>;
    try {
      envelope = typeof raw === 'string' ? JSON.parse(raw) : ((raw ?? {}) as Record<string, unknown>);
    } catch {
      throw protocolError('locus payload is not valid JSON');
    }
    const inner = envelope?.data;
    const payload =
      inner && typeof inner === 'object' && !Array.isArray(inner)
        ? (inner as Record<string, unknown>)
        : envelope;
    return {
      locus,
      payload,
      envelope,
      links: data.links ?? { outgoing: [], incoming: [] },
      metadata: data.metadata ?? {},
      contexts: data.contexts ?? [],
    };
  }

  /** GET /v1/context/:g?context_id=…: the context and its memory. Null when the context does not exist (404). */
  async getContext(contextId: string, opts: CallOptions = {}): Promise<ContextResponse | null> {
    const graph = this.graph(opts);
    if (!isContextId(contextId))
      throw new LocusGraphValidationError(`context_id '${contextId}' is not of the form type:name`);
    return nullOn404(
      this.request<ContextResponse>({
        method: 'GET',
        route: '/v1/context/:g',
        path: `/v1/context/${enc(graph)}`,
        query: { context_id: contextId },
        bucket: 'read',
        signal: opts.signal,
        timeoutMs: opts.timeoutMs,
      }),
    );
  }

  /**
   * GET /v1/event-kinds: the engine's accepted kinds. Needs no graph; cheap. The replication worker uses it as a
   * reachability probe (LocusGraph has no health route) to tell an outage from a failure of one item.
   */
  async eventKinds(opts: CallOptions = {}): Promise<EventKindInfo[]> {
    this.secret();
    const data = await this.request<{ kinds?: EventKindInfo[] }>({
      method: 'GET',
      route: '/v1/event-kinds',
      path: '/v1/event-kinds',
      bucket: 'read',
      signal: opts.signal,
      timeoutMs: opts.timeoutMs,
    });
    return Array.isArray(data?.kinds) ? data.kinds : [];
  }

  // ---- transport ---------------------------------------------------------------------------------------

  private secret(): string {
    const key = this.options.apiKey;
    if (!key) {
      throw new LocusGraphValidationError(
        'Agent secret is required. Set LOCUSGRAPH_API_KEY (or LOCUSGRAPH_AGENT_SECRET).',
      );
    }
    return key;
  }

  private graph(opts: CallOptions): string {
    this.secret();
    const g = opts.graphId ?? this.options.graphId;
    if (!g)
      throw new LocusGraphValidationError('Graph ID is required. Set LOCUSGRAPH_GRAPH_ID or pass graphId.');
    return g;
  }

  private async request<T>(spec: RequestSpec): Promise<T> {
    const url = new URL(this.baseUrl + spec.path);
    for (const [k, v] of Object.entries(spec.query ?? {})) {
      if (v === undefined) continue;
      url.searchParams.set(k, typeof v === 'object' ? JSON.stringify(v) : String(v));
    }
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.secret()}`,
      accept: 'application/json',
      'user-agent': 'podd-backend (locusgraph-v1)',
    };
    let body: string | undefined;
    if (spec.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(spec.body);
    }
    const timeoutMs = spec.timeoutMs ?? this.timeoutMs;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = spec.signal ? AbortSignal.any([spec.signal, timeout]) : timeout;
    const started = performance.now();
    const observe = (status: number): void =>
      requestSeconds.observe(
        { route: spec.route, status: String(status) },
        (performance.now() - started) / 1000,
      );

    let res: Response;
    let text: string;
    try {
      res = await this.fetchImpl(url, { method: spec.method, headers, body, signal });
      text = await res.text();
    } catch (err) {
      observe(0);
      const timedOut = timeout.aborted && !spec.signal?.aborted;
      const aborted = !timedOut && spec.signal?.aborted;
      const code = timedOut ? 'TIMEOUT' : aborted ? 'ABORTED' : 'NETWORK_ERROR';
      const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
      const detail = timedOut
        ? `no response within ${timeoutMs} ms`
        : aborted
          ? 'request aborted'
          : (cause?.code ?? cause?.message ?? (err as Error)?.message ?? 'fetch failed');
      throw new LocusGraphNetworkError({
        status: 0,
        code,
        message: `${spec.method} ${spec.route}: ${detail}`,
        cause: err,
      });
    }
    observe(res.status);
    const rateLimit = parseRateLimit(res.headers);
    if (rateLimit) this.rateLimits.set(spec.bucket, rateLimit);

    const json = parseJson(text);
    if (res.ok) {
      if (json === undefined)
        throw protocolError(`${spec.route} answered ${res.status} with a non-JSON body`, res.status, text);
      if (isObject(json) && json.success === false) {
        throw errorFor(res.status >= 400 ? res.status : 500, json, text, res, rateLimit);
      }
      if (isObject(json) && 'data' in json && (json.success === true || !('success' in json)))
        return json.data as T;
      if (isObject(json) && !('success' in json) && !('error' in json)) return json as T;
      throw protocolError(
        `${spec.route} answered ${res.status} without a {success, data} envelope`,
        res.status,
        text,
      );
    }
    throw errorFor(res.status, json, text, res, rateLimit);
  }
}

// ---- helpers -------------------------------------------------------------------------------------------

const enc = encodeURIComponent;

/** Reads of one thing answer null when the engine says 404 (docs client: "Context not found"). */
async function nullOn404<T>(request: Promise<T>): Promise<T | null> {
  try {
    return await request;
  } catch (err) {
    if (err instanceof LocusGraphNotFoundError) return null;
    throw err;
  }
}

function splitContext(contextId: string): { type: string; name: string } {
  if (!isContextId(contextId))
    throw new LocusGraphValidationError(`context_id '${contextId}' is not of the form type:name`);
  const i = contextId.indexOf(':');
  return { type: contextId.slice(0, i), name: contextId.slice(i + 1) };
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

function parseJson(text: string): unknown {
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function protocolError(message: string, status = 200, body = ''): LocusGraphProtocolError {
  return new LocusGraphProtocolError({ status, code: 'PROTOCOL_ERROR', message, body });
}

function num(v: string | null): number | null {
  if (v === null || v.trim() === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

/**
 * `X-RateLimit-Reset` is not specified precisely: accept epoch ms, epoch seconds, or seconds from now.
 */
function resetToEpochMs(v: number | null, now = Date.now()): number | null {
  if (v === null || v < 0) return null;
  if (v > 1e12) return v;
  if (v > 1e9) return v * 1000;
  return now + v * 1000;
}

export function parseRateLimit(headers: Headers): RateLimitInfo | null {
  const limit = num(headers.get('x-ratelimit-limit'));
  const remaining = num(headers.get('x-ratelimit-remaining'));
  const resetAt = resetToEpochMs(num(headers.get('x-ratelimit-reset')));
  if (limit === null && remaining === null && resetAt === null) return null;
  return { limit, remaining, resetAt };
}

/** `Retry-After`: delay-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (value === null || value.trim() === '') return null;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const date = Date.parse(v);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

const STATUS_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  402: 'PAYMENT_REQUIRED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  429: 'RATE_LIMITED',
};

/** Builds the typed error from any error body: enveloped, bare `{"error": "…"}`, `{message}`, or not JSON. */
function errorFor(
  status: number,
  json: unknown,
  text: string,
  res: Response,
  rateLimit: RateLimitInfo | null,
): LocusGraphError {
  let code: string | undefined;
  let message: string | undefined;
  let held: HeldMemory | null = null;
  if (isObject(json)) {
    const e = json.error;
    if (isObject(e)) {
      if (typeof e.code === 'string') code = e.code;
      if (typeof e.message === 'string') message = e.message;
      if (isObject(e.held)) held = e.held as HeldMemory;
    } else if (typeof e === 'string') {
      message = e;
    }
    if (!message && typeof json.message === 'string') message = json.message;
    if (!code && typeof json.code === 'string') code = json.code;
    if (!held && isObject(json.held)) held = json.held as HeldMemory;
  } else if (text.trim()) {
    message = text.replace(/\s+/g, ' ').trim().slice(0, 200);
  }
  const init: LocusGraphErrorInit = {
    status,
    code: code ?? STATUS_CODES[status] ?? (status >= 500 ? 'SERVER_ERROR' : `HTTP_${status}`),
    message: message ?? `${status} ${res.statusText || 'error'}`,
    body: text,
    rateLimit,
  };
  switch (status) {
    case 400:
    case 422:
      return new LocusGraphBadRequestError(init);
    case 401:
      return new LocusGraphUnauthorizedError(init);
    case 402:
      return new LocusGraphPaymentRequiredError(init);
    case 403:
      return new LocusGraphForbiddenError(init);
    case 404:
      return new LocusGraphNotFoundError(init);
    case 409:
      return new LocusGraphConflictError(init, held);
    case 413:
      return new LocusGraphPayloadTooLargeError(init);
    case 429: {
      const after = parseRetryAfter(res.headers.get('retry-after'));
      const reset = rateLimit?.resetAt != null ? Math.max(0, rateLimit.resetAt - Date.now()) : null;
      return new LocusGraphRateLimitedError(init, after ?? reset);
    }
    default:
      if (status >= 500) return new LocusGraphServerError(init);
      return new LocusGraphError(init);
  }
}
