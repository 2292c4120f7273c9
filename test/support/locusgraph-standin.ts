/**
 * A LocusGraph v1 stand-in for tests: a real HTTP server on 127.0.0.1 (random port) speaking the documented
 * wire protocol (the LocusGraph v1 REST API, summarised in docs/locusgraph-cloud.md) for the routes Podd uses:
 *
 *   GET    /v1/event-kinds                         POST /v1/events            POST /v1/events/batch
 *   GET    /v1/events/:g   GET /v1/events/:g/rejected                          POST /v1/memories (search)
 *   GET    /v1/locus/:g/:id   DELETE /v1/locus/:g/:id   GET /v1/locuses/:g
 *   GET    /v1/context/:g?context_id=…   GET /v1/contexts/:g   GET|DELETE /v1/contexts/:g/:type/:name
 *
 * Faithful parts: bearer auth (401), graph-pinned keys (403) and read-only keys, unknown graph (404),
 * `{success, data}` / `{success:false, error:{code,message}}` envelopes, strict validation (unknown fields → 400
 * naming all of them, unknown event_kind → 400 listing the valid kinds, source enum + aliases, link arrays,
 * 64 KB payloads → 413), the 22 kinds → 8 canonical kinds table with noise `filtered`, one memory per context
 * (created / unchanged / 409 CONFLICT + held / replaced keeping the locus id, links kept or cleared with
 * `links_replaced`), forget context with `deleted_locus_ids`, token-overlap search restricted by
 * `context_ids` / `context_types` / `sources`, and per-key, per-bucket rate limits (20/10/120/300 a minute)
 * with `X-RateLimit-*` on every response and `Retry-After` on 429.
 *
 * Test switches: inject 429 / 5xx / any status (next N requests, or by rule), refuse one context ("poison"),
 * latency, search lag, downtime (the listener is closed and reopened on the same port), and an inspection
 * API (what it holds, the write log, the request log).
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

// ---- the engine's tables -------------------------------------------------------------------------------

/** type → canonical kind, default source, admitted (noise is stored as "filtered", never searchable). */
export const KIND_TABLE: Record<string, { kind: string; source: string; admitted: boolean }> = {
  fact: { kind: 'knowledge', source: 'user', admitted: true },
  knowledge: { kind: 'knowledge', source: 'user', admitted: true },
  observation: { kind: 'knowledge', source: 'tool', admitted: true },
  learned: { kind: 'knowledge', source: 'derived', admitted: true },
  feedback: { kind: 'knowledge', source: 'user', admitted: true },
  constraint: { kind: 'constraint', source: 'verified', admitted: true },
  rule: { kind: 'rule', source: 'verified', admitted: true },
  constraint_violation: { kind: 'constraint_violation', source: 'tool', admitted: true },
  action: { kind: 'action', source: 'assistant', admitted: true },
  task: { kind: 'action', source: 'assistant', admitted: true },
  operation: { kind: 'action', source: 'tool', admitted: true },
  execution: { kind: 'action', source: 'tool', admitted: true },
  completed: { kind: 'action', source: 'tool', admitted: true },
  decision: { kind: 'decision', source: 'assistant', admitted: true },
  choice: { kind: 'decision', source: 'assistant', admitted: true },
  selection: { kind: 'decision', source: 'assistant', admitted: true },
  determination: { kind: 'decision', source: 'assistant', admitted: true },
  routine: { kind: 'routine', source: 'system', admitted: true },
  heartbeat: { kind: 'routine', source: 'system', admitted: true },
  status: { kind: 'routine', source: 'system', admitted: true },
  noise: { kind: 'noise', source: 'system', admitted: false },
  debug: { kind: 'noise', source: 'system', admitted: false },
  log: { kind: 'noise', source: 'system', admitted: false },
};
const VALID_KINDS = Object.keys(KIND_TABLE);

const SOURCES = ['policy', 'verified', 'tool', 'document', 'user', 'assistant', 'derived', 'system'];
const SOURCE_ALIASES: Record<string, string> = {
  validator: 'verified',
  executor: 'tool',
  agent: 'assistant',
  model: 'assistant',
};
/** Source → confidence ("user" → 0.7 is recorded; the rest is a plausible ladder). */
const CONFIDENCE: Record<string, number> = {
  policy: 1,
  verified: 0.9,
  tool: 0.8,
  document: 0.75,
  user: 0.7,
  assistant: 0.6,
  derived: 0.5,
  system: 0.4,
};
const LINK_FIELDS = ['extends', 'related_to', 'reinforces', 'contradicts'] as const;
type LinkField = (typeof LINK_FIELDS)[number];
const EVENT_FIELDS = [
  'event_kind',
  'payload',
  'context_id',
  'source',
  ...LINK_FIELDS,
  'timestamp',
  'replace',
];
const SEARCH_FIELDS = [
  'graph_id',
  'query',
  'limit',
  'offset',
  'format',
  'context_ids',
  'boost_context_ids',
  'context_types',
  'sources',
  'expand_depth',
];
const MAX_PAYLOAD = 64 * 1024;
const EMPTY_MARKDOWN = '## Relevant Memories\n\nNo relevant memories found.';

export type Bucket = 'spend' | 'ingest' | 'write' | 'read';
export const DEFAULT_RATE_LIMITS: Record<Bucket, number> = { spend: 20, ingest: 10, write: 120, read: 300 };

// ---- public types --------------------------------------------------------------------------------------

export interface StandInKey {
  /** Pinned graph; null = unscoped (every graph). */
  graphId: string | null;
  /** Default both. A key without memory.write gets 403 on writes. */
  scopes?: ('memory.read' | 'memory.write')[];
}

export interface StandInOptions {
  /** Secret → key. Default: one key `lg_live_standin_key` pinned to `graph_standin`. */
  keys?: Record<string, StandInKey>;
  /** Graphs that exist (pinned keys' graphs are added). */
  graphs?: string[];
  /** Per-minute limits per key and bucket; `false` disables limiting. Default: the documented limits. */
  rateLimits?: Partial<Record<Bucket, number>> | false;
  /** Rate-limit window. Default 60 s. */
  windowMs?: number;
  /** How a batch item that would overwrite without `replace` fails: as the item (default) or the whole request. */
  batchConflict?: 'item' | 'request';
  /** Port to listen on (default: random). */
  port?: number;
}

export interface Memory {
  graphId: string;
  contextId: string;
  locusId: string;
  /** As stored: the payload as sent plus `kind`. */
  payload: unknown;
  sentKind: string;
  kind: string;
  source: string;
  confidence: number;
  links: Record<LinkField, string[]>;
  created: number;
  updated: number;
  /** Writes that changed it (created + replaced). */
  writes: number;
}

export interface LoggedEvent {
  graphId: string;
  context_id: string | null;
  source: string;
  kind: string;
  sent_kind: string;
  payload: unknown;
  timestamp: number;
  status: 'created' | 'unchanged' | 'replaced' | 'filtered';
  extends: string[] | null;
  related_to: string[] | null;
  reinforces: string[] | null;
  contradicts: string[] | null;
}

export interface LoggedRequest {
  at: number;
  method: string;
  path: string;
  route: string;
  status: number;
  /** Context ids the request named (events, batch items, forget). */
  contextIds: string[];
  body: unknown;
  authorization: string | undefined;
}

export interface FaultSpec {
  status: number;
  /** Seconds, sent as `Retry-After` (429 defaults to 1). */
  retryAfter?: number;
  code?: string;
  message?: string;
  /** Raw body instead of the envelope (e.g. `{"error":"rate limit exceeded"}` or HTML). */
  rawBody?: string;
}

export interface RequestInfo {
  method: string;
  route: string;
  path: string;
  body: unknown;
  contextIds: string[];
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

interface Graph {
  id: string;
  contexts: Map<string, Memory>;
  log: LoggedEvent[];
}

interface RouteMatch {
  route: string;
  bucket: Bucket;
  write: boolean;
  params: string[];
  handler: (ctx: HandlerCtx) => unknown;
}

interface HandlerCtx {
  params: string[];
  query: URLSearchParams;
  body: unknown;
  key: StandInKey;
}

// ---- the server ----------------------------------------------------------------------------------------

export class LocusGraphStandIn {
  static readonly DEFAULT_KEY = 'lg_live_standin_key';
  static readonly DEFAULT_GRAPH = 'graph_standin';

  readonly requests: LoggedRequest[] = [];
  private readonly keys: Record<string, StandInKey>;
  private readonly graphs = new Map<string, Graph>();
  private readonly limits: Record<Bucket, number> | null;
  private readonly windowMs: number;
  private readonly buckets = new Map<string, { windowStart: number; used: number }>();
  private readonly sockets = new Set<Socket>();
  private server: Server;
  private listening = false;
  private _port: number;

  // switches
  private queuedFaults: { spec: FaultSpec; match?: (r: RequestInfo) => boolean }[] = [];
  private rules = new Map<number, (r: RequestInfo) => FaultSpec | null>();
  private nextRuleId = 1;
  private poisoned = new Map<string, FaultSpec>();
  /** Added to every response (ms). */
  latencyMs = 0;
  /** Search does not see a memory until this long after its last write (ms). */
  searchLagMs = 0;
  batchConflict: 'item' | 'request';

  private constructor(options: StandInOptions) {
    this.keys = options.keys ?? {
      [LocusGraphStandIn.DEFAULT_KEY]: { graphId: LocusGraphStandIn.DEFAULT_GRAPH },
    };
    const graphIds = new Set(options.graphs ?? [LocusGraphStandIn.DEFAULT_GRAPH]);
    for (const k of Object.values(this.keys)) if (k.graphId) graphIds.add(k.graphId);
    for (const id of graphIds) this.graphs.set(id, { id, contexts: new Map(), log: [] });
    this.limits = options.rateLimits === false ? null : { ...DEFAULT_RATE_LIMITS, ...options.rateLimits };
    this.windowMs = options.windowMs ?? 60_000;
    this.batchConflict = options.batchConflict ?? 'item';
    this._port = options.port ?? 0;
    this.server = this.createServer();
  }

  static async start(options: StandInOptions = {}): Promise<LocusGraphStandIn> {
    const s = new LocusGraphStandIn(options);
    await s.up();
    return s;
  }

  get port(): number {
    return this._port;
  }
  get url(): string {
    return `http://127.0.0.1:${this._port}`;
  }
  get isUp(): boolean {
    return this.listening;
  }

  // ---- lifecycle / downtime ----------------------------------------------------------------------------

  /** Starts (or restarts after `down()`) listening on the same port. */
  async up(): Promise<void> {
    if (this.listening) return;
    this.server = this.createServer();
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this._port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this._port = (this.server.address() as { port: number }).port;
    this.listening = true;
  }

  /** Downtime: closes the listener and every open connection (clients see connection refused/reset). */
  async down(): Promise<void> {
    if (!this.listening) return;
    this.listening = false;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await closed;
  }

  async close(): Promise<void> {
    await this.down();
  }

  // ---- fault switches ----------------------------------------------------------------------------------

  /** The next `count` requests (optionally only those matching) fail with `spec`. */
  failNext(count: number, spec: FaultSpec, match?: (r: RequestInfo) => boolean): void {
    for (let i = 0; i < count; i++) this.queuedFaults.push({ spec, match });
  }

  /** A persistent rule: every request for which it returns a spec fails with it. Returns a remover. */
  failWhen(rule: (r: RequestInfo) => FaultSpec | null): () => void {
    const id = this.nextRuleId++;
    this.rules.set(id, rule);
    return () => this.rules.delete(id);
  }

  /** Every request fails with this status (e.g. 503) until `clearFaults()`. */
  failAll(spec: FaultSpec): () => void {
    return this.failWhen(() => spec);
  }

  /**
   * A poison context: a single store naming it fails with `spec` (default 400 BAD_REQUEST); in a batch the item
   * fails alone (`status: "error"`), as the engine reports per-item failures.
   */
  poison(
    contextId: string,
    spec: FaultSpec = { status: 400, message: `payload of ${contextId} failed its check` },
  ): void {
    this.poisoned.set(normalizeContext(contextId), spec);
  }

  /** Uses up a bucket so the next call of that bucket gets 429. */
  exhaust(bucket: Bucket, secret = LocusGraphStandIn.DEFAULT_KEY): void {
    if (!this.limits) return;
    const state = this.bucketState(secret, bucket);
    state.used = this.limits[bucket];
  }

  clearFaults(): void {
    this.queuedFaults = [];
    this.rules.clear();
    this.poisoned.clear();
    this.latencyMs = 0;
    this.searchLagMs = 0;
    this.buckets.clear();
  }

  // ---- inspection --------------------------------------------------------------------------------------

  memories(graphId = LocusGraphStandIn.DEFAULT_GRAPH): Memory[] {
    return [...(this.graphs.get(graphId)?.contexts.values() ?? [])];
  }

  memory(contextId: string, graphId = LocusGraphStandIn.DEFAULT_GRAPH): Memory | undefined {
    return this.graphs.get(graphId)?.contexts.get(normalizeContext(contextId));
  }

  /** The accepted writes, oldest first (what `GET /v1/events/:g` serves). */
  writeLog(graphId = LocusGraphStandIn.DEFAULT_GRAPH): LoggedEvent[] {
    return [...(this.graphs.get(graphId)?.log ?? [])];
  }

  requestsTo(route: string): LoggedRequest[] {
    return this.requests.filter((r) => r.route === route);
  }

  clearRequests(): void {
    this.requests.length = 0;
  }

  /** Forgets everything held (graphs stay), the request log and the rate-limit counters. */
  reset(): void {
    for (const g of this.graphs.values()) {
      g.contexts.clear();
      g.log.length = 0;
    }
    this.requests.length = 0;
    this.buckets.clear();
  }

  // ---- HTTP plumbing -----------------------------------------------------------------------------------

  private createServer(): Server {
    const server = createServer((req, res) => void this.handle(req, res));
    server.keepAliveTimeout = 30_000;
    server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    return server;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://standin');
    const method = req.method ?? 'GET';
    const entry: LoggedRequest = {
      at: Date.now(),
      method,
      path: url.pathname,
      route: 'unknown',
      status: 0,
      contextIds: [],
      body: undefined,
      authorization: req.headers.authorization,
    };
    const headers: Record<string, string> = {};
    let status = 200;
    let payload: string;
    try {
      const raw = await readBody(req);
      const match = this.match(method, url.pathname);
      if (!match)
        throw new HttpError(
          404,
          'NOT_FOUND',
          `no route ${method} ${url.pathname} (not served by the stand-in)`,
        );
      entry.route = match.route;
      const key = this.authenticate(req);
      this.rateLimit(req, match.bucket, headers);
      let body: unknown = undefined;
      if (raw.length > 0) {
        try {
          body = JSON.parse(raw.toString('utf8'));
        } catch {
          throw new HttpError(400, 'BAD_REQUEST', 'body must be valid JSON');
        }
      }
      entry.body = body;
      entry.contextIds = contextIdsOf(match.route, body, match.params);
      const fault = this.fault({
        method,
        route: match.route,
        path: url.pathname,
        body,
        contextIds: entry.contextIds,
      });
      if (fault) throw faultError(fault);
      if (match.write && !(key.scopes ?? ['memory.read', 'memory.write']).includes('memory.write')) {
        throw new HttpError(403, 'FORBIDDEN', 'This key lacks the memory.write scope.');
      }
      const data = match.handler({ params: match.params, query: url.searchParams, body, key });
      payload = JSON.stringify({ success: true, data });
    } catch (err) {
      if (err instanceof HttpError) {
        status = err.status;
        Object.assign(headers, err.headers);
        payload =
          err.extra.rawBody !== undefined
            ? String(err.extra.rawBody)
            : JSON.stringify({
                success: false,
                error: { code: err.code, message: err.message, ...err.extra },
              });
      } else {
        status = 500;
        payload = JSON.stringify({
          success: false,
          error: { code: 'INTERNAL', message: 'stand-in failure' },
        });
        console.error('locusgraph stand-in:', err);
      }
    }
    entry.status = status;
    this.requests.push(entry);
    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
    if (res.destroyed) return;
    res.writeHead(status, {
      'content-type': payload.startsWith('{') ? 'application/json' : 'text/html',
      'content-length': Buffer.byteLength(payload),
      ...headers,
    });
    res.end(payload);
  }

  private authenticate(req: IncomingMessage): StandInKey {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    const key = m ? this.keys[m[1]] : undefined;
    if (!key)
      throw new HttpError(401, 'UNAUTHORIZED', m ? 'Invalid or revoked API key.' : 'Missing API key.');
    return key;
  }

  private bucketState(secret: string, bucket: Bucket): { windowStart: number; used: number } {
    const now = Date.now();
    const windowStart = now - (now % this.windowMs);
    const id = `${secret}\u0000${bucket}`;
    let state = this.buckets.get(id);
    if (!state || state.windowStart !== windowStart) {
      state = { windowStart, used: 0 };
      this.buckets.set(id, state);
    }
    return state;
  }

  private rateLimit(req: IncomingMessage, bucket: Bucket, headers: Record<string, string>): void {
    if (!this.limits) return;
    const secret = /^Bearer\s+(\S+)/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
    const state = this.bucketState(secret, bucket);
    const limit = this.limits[bucket];
    const resetAt = state.windowStart + this.windowMs;
    const retryAfter = Math.max(1, Math.ceil((resetAt - Date.now()) / 1000));
    headers['x-ratelimit-limit'] = String(limit);
    headers['x-ratelimit-reset'] = String(Math.ceil(resetAt / 1000));
    if (state.used >= limit) {
      headers['x-ratelimit-remaining'] = '0';
      throw new HttpError(
        429,
        'RATE_LIMITED',
        `rate limit exceeded for the ${bucket} bucket`,
        {},
        {
          'retry-after': String(retryAfter),
        },
      );
    }
    state.used++;
    headers['x-ratelimit-remaining'] = String(limit - state.used);
  }

  private fault(info: RequestInfo): FaultSpec | null {
    const i = this.queuedFaults.findIndex((f) => !f.match || f.match(info));
    if (i >= 0) return this.queuedFaults.splice(i, 1)[0].spec;
    for (const rule of this.rules.values()) {
      const spec = rule(info);
      if (spec) return spec;
    }
    return null;
  }

  private graph(id: unknown, key: StandInKey, allowPinnedDefault = false): Graph {
    let graphId = id;
    if (graphId === undefined && allowPinnedDefault && key.graphId) graphId = key.graphId;
    if (typeof graphId !== 'string' || !graphId)
      throw new HttpError(400, 'BAD_REQUEST', 'graph_id is required');
    if (key.graphId && key.graphId !== graphId) {
      throw new HttpError(
        403,
        'FORBIDDEN',
        'The key is pinned to a different graph. A key cannot widen itself.',
      );
    }
    const g = this.graphs.get(graphId);
    if (!g) throw new HttpError(404, 'NOT_FOUND', 'Nothing with that id in this graph.');
    return g;
  }

  // ---- routing -----------------------------------------------------------------------------------------

  private match(method: string, path: string): RouteMatch | null {
    const seg = path.split('/').filter(Boolean).map(safeDecode);
    if (seg[0] !== 'v1') return null;
    const s = seg.slice(1);
    const r = (
      route: string,
      bucket: Bucket,
      write: boolean,
      params: string[],
      handler: RouteMatch['handler'],
    ) => ({
      route,
      bucket,
      write,
      params,
      handler,
    });
    const is = (m: string, ...shape: (string | null)[]) =>
      method === m && s.length === shape.length && shape.every((p, i) => p === null || p === s[i]);
    if (is('GET', 'event-kinds')) return r('/v1/event-kinds', 'read', false, [], () => this.eventKinds());
    if (is('POST', 'events')) return r('/v1/events', 'read', true, [], (c) => this.storeOne(c));
    if (is('POST', 'events', 'batch'))
      return r('/v1/events/batch', 'read', true, [], (c) => this.storeBatch(c));
    if (is('GET', 'events', null, 'rejected'))
      return r('/v1/events/:g/rejected', 'read', false, [s[1]], (c) => this.listRejected(c));
    if (is('GET', 'events', null))
      return r('/v1/events/:g', 'read', false, [s[1]], (c) => this.listEvents(c));
    if (is('POST', 'memories')) return r('/v1/memories', 'spend', false, [], (c) => this.search(c));
    if (is('GET', 'locus', null, null))
      return r('/v1/locus/:g/:id', 'read', false, [s[1], s[2]], (c) => this.getLocus(c));
    if (is('DELETE', 'locus', null, null))
      return r('/v1/locus/:g/:id', 'read', true, [s[1], s[2]], (c) => this.deleteLocus(c));
    if (is('GET', 'locuses', null))
      return r('/v1/locuses/:g', 'read', false, [s[1]], (c) => this.listLocuses(c));
    if (is('GET', 'context', null))
      return r('/v1/context/:g', 'read', false, [s[1]], (c) => this.getContext(c));
    if (is('GET', 'contexts', null))
      return r('/v1/contexts/:g', 'read', false, [s[1]], (c) => this.listContexts(c));
    if (is('GET', 'contexts', null, null, null))
      return r('/v1/contexts/:g/:type/:name', 'read', false, [s[1], s[2], s[3]], (c) =>
        this.contextDetails(c),
      );
    if (is('DELETE', 'contexts', null, null, null))
      return r('/v1/contexts/:g/:type/:name', 'read', true, [s[1], s[2], s[3]], (c) => this.forget(c));
    return null;
  }

  // ---- handlers ----------------------------------------------------------------------------------------

  private eventKinds(): unknown {
    return { kinds: Object.entries(KIND_TABLE).map(([type, k]) => ({ type, ...k })) };
  }

  private storeOne(c: HandlerCtx): unknown {
    const body = requireObject(c.body, 'body');
    refuseUnknown(body, ['graph_id', ...EVENT_FIELDS]);
    const g = this.graph(body.graph_id, c.key);
    const ev = validateEvent(body, '');
    const poison = ev.contextId ? this.poisoned.get(ev.contextId) : undefined;
    if (poison) throw faultError(poison);
    return this.write(g, ev);
  }

  private storeBatch(c: HandlerCtx): unknown {
    const body = requireObject(c.body, 'body');
    refuseUnknown(body, ['graph_id', 'events']);
    const g = this.graph(body.graph_id, c.key);
    if (!Array.isArray(body.events) || body.events.length === 0) {
      throw new HttpError(400, 'BAD_REQUEST', 'events must be a non-empty array');
    }
    if (body.events.length > 1000) throw new HttpError(400, 'BAD_REQUEST', 'events: at most 1000 per batch');
    const events = body.events.map((item, i) => {
      const o = requireObject(item, `events[${i}]`);
      refuseUnknown(o, EVENT_FIELDS, `events[${i}]: `);
      return validateEvent(o, `events[${i}]: `, true);
    });
    const results: unknown[] = [];
    let stored = 0;
    let filtered = 0;
    let failed = 0;
    events.forEach((ev, i) => {
      try {
        if (ev.tooLarge)
          throw new HttpError(413, 'PAYLOAD_TOO_LARGE', `payload is ${ev.bytes} bytes; the limit is 65536`);
        const poison = ev.contextId ? this.poisoned.get(ev.contextId) : undefined;
        if (poison) throw faultError(poison);
        const r = this.write(g, ev);
        results.push(r);
        if (r.status === 'filtered') filtered++;
        else stored++;
      } catch (err) {
        if (!(err instanceof HttpError)) throw err;
        if (err.status === 409 && this.batchConflict === 'request') {
          throw new HttpError(409, 'CONFLICT', `events[${i}]: ${err.message}`, { index: i, ...err.extra });
        }
        failed++;
        results.push({ locus_id: null, status: 'error', context_id: ev.contextId, error: err.message });
      }
    });
    return { stored, filtered, failed, results };
  }

  private write(
    g: Graph,
    ev: ValidEvent,
  ): {
    locus_id: string | null;
    status: string;
    confidence: number;
    context_id: string;
    links_replaced?: string[];
  } {
    const info = KIND_TABLE[ev.eventKind];
    const source = ev.source ?? info.source;
    const confidence = CONFIDENCE[source];
    const timestamp = ev.timestamp ?? Math.floor(Date.now() / 1000);
    const contextId = ev.contextId ?? `${info.kind}:${hex(`${stableJson(ev.payload)}|${timestamp}`, 12)}`;
    const stored = isPlainObject(ev.payload) ? { ...ev.payload, kind: ev.eventKind } : ev.payload;
    const logIt = (status: LoggedEvent['status']): void => {
      g.log.push({
        graphId: g.id,
        context_id: contextId,
        source,
        kind: info.kind,
        sent_kind: ev.eventKind,
        payload: stored,
        timestamp,
        status,
        extends: ev.links.extends ?? null,
        related_to: ev.links.related_to ?? null,
        reinforces: ev.links.reinforces ?? null,
        contradicts: ev.links.contradicts ?? null,
      });
    };
    if (!info.admitted) {
      logIt('filtered');
      return { locus_id: null, status: 'filtered', confidence, context_id: contextId };
    }
    const now = Date.now();
    const existing = g.contexts.get(contextId);
    if (!existing) {
      const links = Object.fromEntries(
        LINK_FIELDS.map((f) => [f, [...(ev.links[f] ?? [])]]),
      ) as Memory['links'];
      g.contexts.set(contextId, {
        graphId: g.id,
        contextId,
        locusId: `L${hex(`${g.id}|${contextId}`, 16)}`,
        payload: stored,
        sentKind: ev.eventKind,
        kind: info.kind,
        source,
        confidence,
        links,
        created: now,
        updated: now,
        writes: 1,
      });
      logIt('created');
      return {
        locus_id: g.contexts.get(contextId)!.locusId,
        status: 'created',
        confidence,
        context_id: contextId,
      };
    }
    if (stableJson(existing.payload) === stableJson(stored)) {
      return {
        locus_id: existing.locusId,
        status: 'unchanged',
        confidence: existing.confidence,
        context_id: contextId,
      };
    }
    if (!ev.replace) {
      throw new HttpError(
        409,
        'CONFLICT',
        `${contextId} already holds a memory; send replace: true to write over it`,
        {
          held: {
            locus_id: existing.locusId,
            text: textOf(existing.payload),
            source: existing.source,
            confidence: existing.confidence,
          },
        },
      );
    }
    const cleared: string[] = [];
    for (const f of LINK_FIELDS) {
      const v = ev.links[f];
      if (v === undefined) continue;
      if (v.length === 0 && existing.links[f].length > 0) cleared.push(f);
      existing.links[f] = [...v];
    }
    Object.assign(existing, {
      payload: stored,
      sentKind: ev.eventKind,
      kind: info.kind,
      source,
      confidence,
      updated: now,
    });
    existing.writes++;
    logIt('replaced');
    const out: {
      locus_id: string;
      status: string;
      confidence: number;
      context_id: string;
      links_replaced?: string[];
    } = {
      locus_id: existing.locusId,
      status: 'replaced',
      confidence,
      context_id: contextId,
    };
    if (cleared.length) out.links_replaced = cleared;
    return out;
  }

  private listEvents(c: HandlerCtx): unknown {
    const g = this.graph(c.params[0], c.key);
    const kind = c.query.get('kind');
    const source = c.query.get('source');
    const since = c.query.get('since');
    const page = intParam(c.query.get('page'), 0, 'page');
    const pageSize = Math.min(1000, intParam(c.query.get('page_size'), 100, 'page_size'));
    const canonical = kind ? (KIND_TABLE[kind]?.kind ?? kind) : null;
    const events = g.log.filter(
      (e) =>
        e.status !== 'filtered' &&
        (!canonical || e.kind === canonical) &&
        (!source || e.source === (SOURCE_ALIASES[source] ?? source)) &&
        (!since || e.timestamp >= Number(since)),
    );
    return {
      events: events.slice(page * pageSize, (page + 1) * pageSize).map(publicEvent),
      total: events.length,
      page,
      page_size: pageSize,
    };
  }

  private listRejected(c: HandlerCtx): unknown {
    const g = this.graph(c.params[0], c.key);
    const limit = intParam(c.query.get('limit'), 100, 'limit');
    const events = g.log.filter((e) => e.status === 'filtered').slice(-limit);
    return { events: events.map(publicEvent), count: events.length };
  }

  private search(c: HandlerCtx): unknown {
    const body = requireObject(c.body, 'body');
    refuseUnknown(body, SEARCH_FIELDS);
    const g = this.graph(body.graph_id, c.key, true);
    if (typeof body.query !== 'string' || !body.query.trim())
      throw new HttpError(400, 'BAD_REQUEST', 'query is required');
    const format = body.format ?? 'markdown';
    if (!['markdown', 'toon', 'json'].includes(format as string)) {
      throw new HttpError(400, 'BAD_REQUEST', 'format must be one of markdown, toon, json');
    }
    const limit = body.limit === undefined ? 5 : Math.min(100, positiveInt(body.limit, 'limit'));
    const offset = body.offset === undefined ? 0 : positiveInt(body.offset, 'offset', 0);
    if (offset > 1000) throw new HttpError(400, 'BAD_REQUEST', 'offset must be at most 1000');
    const contextIds =
      body.context_ids === undefined
        ? null
        : stringArray(body.context_ids, 'context_ids').map(normalizeContext);
    const boost =
      body.boost_context_ids === undefined ? [] : stringArray(body.boost_context_ids, 'boost_context_ids');
    const sources =
      body.sources === undefined
        ? null
        : stringArray(body.sources, 'sources').map((s) => SOURCE_ALIASES[s] ?? s);
    let types: Record<string, string[]> | null = null;
    if (body.context_types !== undefined) {
      const t = requireObject(body.context_types, 'context_types');
      types = Object.fromEntries(
        Object.entries(t).map(([k, v]) => [k, stringArray(v, `context_types.${k}`)]),
      );
    }
    const queryTokens = new Set(tokens(body.query));
    const now = Date.now();
    const boosted = new Set(boost.map(normalizeContext));
    const scored: { m: Memory; score: number }[] = [];
    for (const m of g.contexts.values()) {
      if (m.updated + this.searchLagMs > now) continue;
      if (contextIds && !contextIds.includes(m.contextId)) continue;
      if (sources && !sources.includes(m.source)) continue;
      if (types) {
        const [type, name] = splitContext(m.contextId);
        const names = types[type];
        if (!names || (names.length > 0 && !names.includes(name))) continue;
      }
      const memoryTokens = new Set(tokens(textOf(m.payload)));
      let hits = 0;
      for (const t of queryTokens) if (memoryTokens.has(t)) hits++;
      let score = queryTokens.size ? hits / queryTokens.size : 0;
      if (score === 0 && boosted.size && LINK_FIELDS.some((f) => m.links[f].some((l) => boosted.has(l))))
        score = 0.01;
      if (score > 0) scored.push({ m, score });
    }
    scored.sort((a, b) => b.score - a.score || b.m.updated - a.m.updated);
    const page = scored.slice(offset, offset + limit);
    const base = { items_found: page.length, offset, has_more: scored.length > offset + limit };
    if (format === 'json') {
      return {
        items: page.map(({ m, score }) => ({
          locus_id: m.locusId,
          context_ids: [m.contextId],
          text: textOf(m.payload),
          match_score: Math.round(score * 1000) / 1000,
          confidence: m.confidence,
          value: 'medium',
          event_kind: m.sentKind,
          source: m.source,
          created: Math.floor(m.created / 1000),
        })),
        ...base,
      };
    }
    if (page.length === 0)
      return { memories: format === 'markdown' ? EMPTY_MARKDOWN : 'memories[0]:', ...base };
    const lines = page.map(({ m }) => textOf(m.payload));
    const memories =
      format === 'markdown'
        ? `## Relevant Memories\n\n${lines.map((l) => `- ${l}`).join('\n')}`
        : `memories[${lines.length}]:\n${lines.map((l) => `  - ${JSON.stringify(l)}`).join('\n')}`;
    return { memories, ...base };
  }

  private findLocus(g: Graph, locusId: string): Memory {
    for (const m of g.contexts.values()) if (m.locusId === locusId) return m;
    throw new HttpError(404, 'NOT_FOUND', 'Nothing with that id in this graph.');
  }

  private getLocus(c: HandlerCtx): unknown {
    const g = this.graph(c.params[0], c.key);
    const m = this.findLocus(g, c.params[1]);
    const outgoing = LINK_FIELDS.flatMap((f) => m.links[f].map((to) => ({ context_id: to, link_type: f })));
    const incoming: unknown[] = [];
    for (const other of g.contexts.values()) {
      for (const f of LINK_FIELDS) {
        if (other.links[f].includes(m.contextId))
          incoming.push({ context_id: other.contextId, link_type: f });
      }
    }
    return {
      locus: {
        locus_id: m.locusId,
        value: 'medium',
        payload: JSON.stringify({
          context_id: m.contextId,
          data: m.payload,
          kind: m.sentKind,
          source: m.source,
        }),
        source: m.source,
        created: Math.floor(m.created / 1000),
      },
      links: { outgoing, incoming },
      metadata: { confidence: m.confidence, decay_days: 180, last_accessed: null },
      contexts: [m.contextId],
    };
  }

  private deleteLocus(c: HandlerCtx): unknown {
    const g = this.graph(c.params[0], c.key);
    const m = this.findLocus(g, c.params[1]);
    g.contexts.delete(m.contextId);
    const affected = LINK_FIELDS.reduce((n, f) => n + m.links[f].length, 0);
    return { locus_id: m.locusId, affected_links: affected, unbound_links: 0 };
  }

  private listLocuses(c: HandlerCtx): unknown {
    const g = this.graph(c.params[0], c.key);
    const page = intParam(c.query.get('page'), 0, 'page');
    const all = [...g.contexts.values()].sort((a, b) => a.created - b.created);
    return {
      locuses: all.slice(page * 50, (page + 1) * 50).map((m) => ({
        locus_id: m.locusId,
        value: 'medium',
        confidence: m.confidence,
        created_at: Math.floor(m.created / 1000),
        last_accessed: null,
        content_preview: textOf(m.payload).slice(0, 120),
        link_count: LINK_FIELDS.reduce((n, f) => n + m.links[f].length, 0),
      })),
      total: all.length,
      page,
      page_size: 50,
    };
  }

  private contextRow(m: Memory, g: Graph): Record<string, unknown> {
    const [type, name] = splitContext(m.contextId);
    let refs = 0;
    for (const other of g.contexts.values())
      if (LINK_FIELDS.some((f) => other.links[f].includes(m.contextId))) refs++;
    return {
      context_id: m.contextId,
      context_type: type,
      context_name: name,
      created_at: Math.floor(m.created / 1000),
      updated_at: Math.floor(m.updated / 1000),
      reference_count: refs,
    };
  }

  private getContext(c: HandlerCtx): unknown {
    const g = this.graph(c.params[0], c.key);
    const byId = c.query.get('context_id');
    const type = c.query.get('type');
    const name = c.query.get('context_name');
    let m: Memory | undefined;
    if (byId) m = g.contexts.get(normalizeContext(byId));
    else if (name && type) m = g.contexts.get(normalizeContext(`${type}:${name}`));
    else if (name)
      m = [...g.contexts.values()].find((x) => splitContext(x.contextId)[1] === name.trim().toLowerCase());
    else throw new HttpError(400, 'BAD_REQUEST', 'context_id or context_name is required');
    if (!m) throw new HttpError(404, 'NOT_FOUND', 'Context not found');
    return {
      context_id: m.contextId,
      context: this.contextRow(m, g),
      locus_id: m.locusId,
      payload: { context_id: m.contextId, data: m.payload, kind: m.sentKind, source: m.source },
    };
  }

  private listContexts(c: HandlerCtx): unknown {
    const g = this.graph(c.params[0], c.key);
    const type = c.query.get('context_type');
    const name = c.query.get('context_name');
    const limit = Math.min(1000, intParam(c.query.get('limit'), 100, 'limit'));
    const page = intParam(c.query.get('page'), 0, 'page');
    const all = [...g.contexts.values()];
    if (!type) {
      const counts = new Map<string, number>();
      for (const m of all)
        counts.set(splitContext(m.contextId)[0], (counts.get(splitContext(m.contextId)[0]) ?? 0) + 1);
      const rows = [...counts].map(([context_type, count]) => ({ context_type, count }));
      return {
        context_types: rows.slice(page * limit, (page + 1) * limit),
        total: rows.length,
        page,
        page_size: limit,
      };
    }
    const rows = all
      .filter((m) => {
        const [t, n] = splitContext(m.contextId);
        return t === type && (!name || n === name);
      })
      .map((m) => ({ context_id: m.contextId, count: 1 }));
    return {
      contexts: rows.slice(page * limit, (page + 1) * limit),
      total: rows.length,
      page,
      page_size: limit,
    };
  }

  private contextDetails(c: HandlerCtx): unknown {
    const g = this.graph(c.params[0], c.key);
    const m = g.contexts.get(normalizeContext(`${c.params[1]}:${c.params[2]}`));
    if (!m) throw new HttpError(404, 'NOT_FOUND', 'Nothing with that id in this graph.');
    const row = this.contextRow(m, g);
    const { reference_count: incoming, ...context } = row;
    return {
      context,
      stats: {
        locus_count: 1,
        outgoing_links: LINK_FIELDS.reduce((n, f) => n + m.links[f].length, 0),
        incoming_links: incoming,
      },
    };
  }

  private forget(c: HandlerCtx): unknown {
    const g = this.graph(c.params[0], c.key);
    const contextId = normalizeContext(`${c.params[1]}:${c.params[2]}`);
    const m = g.contexts.get(contextId);
    if (!m) throw new HttpError(404, 'NOT_FOUND', 'Nothing with that id in this graph.');
    g.contexts.delete(contextId);
    return { context_id: contextId, deleted_locus_ids: [m.locusId], unlinked_locus_ids: [] };
  }
}

// ---- validation ----------------------------------------------------------------------------------------

interface ValidEvent {
  eventKind: string;
  payload: unknown;
  contextId?: string;
  source?: string;
  links: Partial<Record<LinkField, string[]>>;
  timestamp?: number;
  replace: boolean;
  tooLarge: boolean;
  bytes: number;
}

function validateEvent(o: Record<string, unknown>, where: string, deferSize = false): ValidEvent {
  if (typeof o.event_kind !== 'string' || !o.event_kind)
    throw new HttpError(400, 'BAD_REQUEST', `${where}event_kind is required`);
  if (!KIND_TABLE[o.event_kind]) {
    throw new HttpError(
      400,
      'BAD_REQUEST',
      `${where}unknown event_kind '${o.event_kind}'; valid kinds: ${VALID_KINDS.join(', ')}`,
    );
  }
  if (o.payload === undefined || o.payload === null)
    throw new HttpError(400, 'BAD_REQUEST', `${where}payload is required`);
  const bytes = Buffer.byteLength(JSON.stringify(o.payload), 'utf8');
  if (bytes > MAX_PAYLOAD && !deferSize) {
    throw new HttpError(413, 'PAYLOAD_TOO_LARGE', `${where}payload is ${bytes} bytes; the limit is 65536`);
  }
  let contextId: string | undefined;
  if (o.context_id !== undefined) {
    if (typeof o.context_id !== 'string' || !isContextId(o.context_id.trim())) {
      throw new HttpError(400, 'BAD_REQUEST', `${where}context_id must be of the form type:name`);
    }
    contextId = normalizeContext(o.context_id);
  }
  let source: string | undefined;
  if (o.source !== undefined) {
    const s = typeof o.source === 'string' ? (SOURCE_ALIASES[o.source] ?? o.source) : '';
    if (!SOURCES.includes(s)) {
      throw new HttpError(
        400,
        'BAD_REQUEST',
        `${where}unknown source '${String(o.source)}'; valid sources: ${[...SOURCES, ...Object.keys(SOURCE_ALIASES)].join(', ')}`,
      );
    }
    source = s;
  }
  const links: Partial<Record<LinkField, string[]>> = {};
  for (const f of LINK_FIELDS) {
    if (o[f] === undefined) continue;
    const list = stringArray(o[f], `${where}${f}`, 'must be an array of context ids');
    if (!list.every((l) => isContextId(l.trim())))
      throw new HttpError(400, 'BAD_REQUEST', `${where}${f} must hold type:name context ids`);
    links[f] = list.map(normalizeContext);
  }
  if (contextId && links.contradicts?.includes(contextId)) {
    throw new HttpError(400, 'BAD_REQUEST', `${where}contradicts cannot name the context being written`);
  }
  let timestamp: number | undefined;
  if (o.timestamp !== undefined) {
    if (typeof o.timestamp !== 'string' || !/^\d+$/.test(o.timestamp)) {
      throw new HttpError(400, 'BAD_REQUEST', `${where}timestamp must be a unix timestamp as a string`);
    }
    timestamp = Number(o.timestamp);
  }
  if (o.replace !== undefined && typeof o.replace !== 'boolean')
    throw new HttpError(400, 'BAD_REQUEST', `${where}replace must be a boolean`);
  return {
    eventKind: o.event_kind,
    payload: o.payload,
    contextId,
    source,
    links,
    timestamp,
    replace: o.replace === true,
    tooLarge: bytes > MAX_PAYLOAD,
    bytes,
  };
}

function requireObject(v: unknown, what: string): Record<string, unknown> {
  if (!isPlainObject(v)) throw new HttpError(400, 'BAD_REQUEST', `${what} must be a JSON object`);
  return v;
}

function refuseUnknown(o: Record<string, unknown>, allowed: string[], prefix = ''): void {
  const unknown = Object.keys(o).filter((k) => !allowed.includes(k));
  if (unknown.length)
    throw new HttpError(
      400,
      'BAD_REQUEST',
      `${prefix}unknown field${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`,
    );
}

function stringArray(v: unknown, what: string, msg = 'must be an array of strings'): string[] {
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string'))
    throw new HttpError(400, 'BAD_REQUEST', `${what} ${msg}`);
  return v as string[];
}

function positiveInt(v: unknown, what: string, min = 1): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new HttpError(400, 'BAD_REQUEST', `${what} must be an integer ≥ ${min}`);
  }
  return v;
}

function intParam(v: string | null, dflt: number, what: string): number {
  if (v === null || v === '') return dflt;
  if (!/^\d+$/.test(v)) throw new HttpError(400, 'BAD_REQUEST', `${what} must be a non-negative integer`);
  return Number(v);
}

// ---- helpers -------------------------------------------------------------------------------------------

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

function isContextId(id: string): boolean {
  const i = id.indexOf(':');
  return i > 0 && i < id.length - 1;
}

/** The engine returns a normalised id; the stand-in trims and lowercases. */
function normalizeContext(id: string): string {
  return id.trim().toLowerCase();
}

function splitContext(id: string): [string, string] {
  const i = id.indexOf(':');
  return [id.slice(0, i), id.slice(i + 1)];
}

function textOf(payload: unknown): string {
  if (typeof payload === 'string') return payload;
  if (isPlainObject(payload) && typeof payload.data === 'string') return payload.data;
  return JSON.stringify(payload);
}

function tokens(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (isPlainObject(v)) {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson(v[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

const hex = (s: string, n: number): string => createHash('sha256').update(s).digest('hex').slice(0, n);

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 100 * 1024 * 1024) {
        reject(new HttpError(413, 'PAYLOAD_TOO_LARGE', 'request body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function faultError(f: FaultSpec): HttpError {
  const codes: Record<number, string> = {
    400: 'BAD_REQUEST',
    401: 'UNAUTHORIZED',
    402: 'PAYMENT_REQUIRED',
    403: 'FORBIDDEN',
    404: 'NOT_FOUND',
    409: 'CONFLICT',
    413: 'PAYLOAD_TOO_LARGE',
    429: 'RATE_LIMITED',
  };
  const headers: Record<string, string> = {};
  const retryAfter = f.retryAfter ?? (f.status === 429 ? 1 : undefined);
  if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter);
  if (f.status === 429) headers['x-ratelimit-remaining'] = '0';
  return new HttpError(
    f.status,
    f.code ?? codes[f.status] ?? (f.status >= 500 ? 'INTERNAL' : `HTTP_${f.status}`),
    f.message ??
      (f.status === 429
        ? 'rate limit exceeded'
        : f.status >= 500
          ? 'injected server failure'
          : 'injected failure'),
    f.rawBody !== undefined ? { rawBody: f.rawBody } : {},
    headers,
  );
}

function contextIdsOf(route: string, body: unknown, params: string[]): string[] {
  if (route === '/v1/contexts/:g/:type/:name') return [normalizeContext(`${params[1]}:${params[2]}`)];
  if (!isPlainObject(body)) return [];
  if (route === '/v1/events' && typeof body.context_id === 'string')
    return [normalizeContext(body.context_id)];
  if (route === '/v1/events/batch' && Array.isArray(body.events)) {
    return body.events
      .map((e) =>
        isPlainObject(e) && typeof e.context_id === 'string' ? normalizeContext(e.context_id) : null,
      )
      .filter((x): x is string => x !== null);
  }
  return [];
}

function publicEvent(e: LoggedEvent): Record<string, unknown> {
  return {
    context_id: e.context_id,
    source: e.source,
    kind: e.kind,
    sent_kind: e.sent_kind,
    payload: e.payload,
    timestamp: e.timestamp,
    reinforces: e.reinforces,
    extends: e.extends,
    contradicts: e.contradicts,
    related_to: e.related_to,
  };
}
