import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LocusGraphClient } from '../../../src/locusgraph/cloud/locusgraph-client.js';
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
  isRetryable,
} from '../../../src/locusgraph/cloud/locusgraph-client.errors.js';
import { LocusGraphValidationError, type WireEvent } from '../../../src/locusgraph/cloud/locusgraph-wire.js';
import { LocusGraphStandIn } from '../../support/locusgraph-standin.js';

type ErrorBody = { error: { message: string } };

const KEY = LocusGraphStandIn.DEFAULT_KEY;
const GRAPH = LocusGraphStandIn.DEFAULT_GRAPH;

let standin: LocusGraphStandIn;
let client: LocusGraphClient;

const makeClient = (
  over: Partial<ConstructorParameters<typeof LocusGraphClient>[0]> = {},
): LocusGraphClient =>
  new LocusGraphClient({ baseUrl: standin.url, apiKey: KEY, graphId: GRAPH, timeoutMs: 2000, ...over });

const event = (contextId: string, data: string, extra: Partial<WireEvent> = {}): WireEvent => ({
  event_kind: 'observation',
  context_id: contextId,
  source: 'user',
  payload: { data, record: { n: 1 } },
  ...extra,
});

/** Runs `fn` and returns what it threw. */
async function thrown(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

/** The error storing a plain event fails with, checked to be a `type`. */
async function storeError<E>(type: new (...args: never[]) => E): Promise<E> {
  const err = await thrown(() => client.storeEvent(event('a:b', 'x')));
  expect(err).toBeInstanceOf(type);
  return err as E;
}

beforeAll(async () => {
  standin = await LocusGraphStandIn.start({
    keys: {
      [KEY]: { graphId: GRAPH },
      lg_unscoped: { graphId: null },
      lg_readonly: { graphId: GRAPH, scopes: ['memory.read'] },
    },
    graphs: [GRAPH, 'graph_other'],
  });
  client = makeClient();
});
afterEach(() => {
  standin.clearFaults();
  standin.reset();
});
afterAll(async () => {
  await standin.close();
});

describe('store (POST /v1/events)', () => {
  it('creates, sends the bearer secret, and returns the engine result unwrapped', async () => {
    const r = await client.storeEvent(event('Vitals:ABC123', 'blood pressure 120/80'));
    expect(r.status).toBe('created');
    expect(r.locus_id).toMatch(/^L[0-9a-f]{16}$/);
    expect(r.context_id).toBe('vitals:abc123'); // the normalised id the engine stored
    expect(r.confidence).toBe(0.7);
    const [req] = standin.requestsTo('/v1/events');
    expect(req.authorization).toBe(`Bearer ${KEY}`);
    expect(Object.keys(req.body as object).sort()).toEqual(
      ['context_id', 'event_kind', 'graph_id', 'payload', 'source'].sort(),
    );
    // the engine adds `kind` to the stored payload
    expect(standin.memory('vitals:abc123')?.payload).toEqual({
      data: 'blood pressure 120/80',
      record: { n: 1 },
      kind: 'observation',
    });
  });

  it('answers unchanged for a byte-identical retry (same locus id)', async () => {
    const a = await client.storeEvent(event('vitals:r1', 'same'));
    const b = await client.storeEvent(event('vitals:r1', 'same'));
    expect(b.status).toBe('unchanged');
    expect(b.locus_id).toBe(a.locus_id);
    expect(standin.memories()).toHaveLength(1);
  });

  it('refuses a different text without replace: 409 ConflictError with the held memory, not retryable', async () => {
    const a = await client.storeEvent(event('vitals:r2', 'first'));
    const err = await thrown(() => client.storeEvent(event('vitals:r2', 'second')));
    expect(err).toBeInstanceOf(LocusGraphConflictError);
    const c = err as LocusGraphConflictError;
    expect(c.status).toBe(409);
    expect(c.code).toBe('CONFLICT');
    expect(c.retryable).toBe(false);
    expect(c.held).toMatchObject({ locus_id: a.locus_id, text: 'first', source: 'user', confidence: 0.7 });
    expect(c.message).toContain('vitals:r2 already holds a memory');
  });

  it('replaces with replace: true, keeps the locus id, keeps omitted links and clears [] ones', async () => {
    const a = await client.storeEvent(
      event('vitals:r3', 'v1', { related_to: ['person:u1'], extends: ['vitals:anchor'] }),
    );
    const b = await client.storeEvent(event('vitals:r3', 'v2', { replace: true, extends: [] }));
    expect(b).toMatchObject({ status: 'replaced', locus_id: a.locus_id, links_replaced: ['extends'] });
    const m = standin.memory('vitals:r3')!;
    expect(m.links.related_to).toEqual(['person:u1']);
    expect(m.links.extends).toEqual([]);
    expect((m.payload as { data: string }).data).toBe('v2');
    expect(m.writes).toBe(2);
  });

  it('reports noise kinds as filtered with a null locus id, never searchable', async () => {
    const r = await client.storeEvent({
      event_kind: 'debug',
      context_id: 'log:x',
      payload: { data: 'noise text' },
    });
    expect(r).toMatchObject({ status: 'filtered', locus_id: null });
    expect(standin.memories()).toHaveLength(0);
    const s = await client.search({ query: 'noise text' });
    expect(s.items).toEqual([]);
  });

  it('validates locally before any I/O: kind, source, links, 64 KB, timestamp, missing secret or graph', async () => {
    const cases: [string, () => Promise<unknown>][] = [
      ['kind', () => client.storeEvent({ ...event('a:b', 'x'), event_kind: 'vitals.create' })],
      ['source', () => client.storeEvent({ ...event('a:b', 'x'), source: 'cache' })],
      [
        'links',
        () => client.storeEvent({ ...event('a:b', 'x'), related_to: 'person:u' as unknown as string[] }),
      ],
      ['contradicts self', () => client.storeEvent({ ...event('a:b', 'x'), contradicts: ['a:b'] })],
      ['size', () => client.storeEvent(event('a:b', 'x'.repeat(70_000)))],
      ['timestamp', () => client.storeEvent({ ...event('a:b', 'x'), timestamp: '2026-01-01' })],
      ['context id', () => client.storeEvent({ ...event('a:b', 'x'), context_id: ':nope' })],
      ['secret', () => makeClient({ apiKey: null }).storeEvent(event('a:b', 'x'))],
      ['graph', () => makeClient({ graphId: null }).storeEvent(event('a:b', 'x'))],
    ];
    for (const [what, fn] of cases) {
      const err = await thrown(fn);
      expect(err, what).toBeInstanceOf(LocusGraphValidationError);
      expect(isRetryable(err), what).toBe(false);
    }
    expect(((await thrown(cases[0][1])) as Error).message).toContain('valid kinds: fact, knowledge');
    expect(standin.requests).toHaveLength(0);
  });

  it('maps source aliases to the canonical names', async () => {
    await client.storeEvent({ ...event('a:alias', 'x'), source: 'validator' });
    expect((standin.requestsTo('/v1/events')[0].body as { source: string }).source).toBe('verified');
    expect(standin.memory('a:alias')?.source).toBe('verified');
  });

  it('sends the timestamp as unix seconds in a string', async () => {
    await client.storeEvent({ ...event('a:ts', 'x'), timestamp: '1767225600' });
    expect(standin.writeLog()[0].timestamp).toBe(1767225600);
  });
});

describe('errors: one class per status, retryable = 429, 5xx, network', () => {
  it('401 for a wrong secret, and the secret never appears in the error', async () => {
    const bad = makeClient({ apiKey: 'lg_live_wrong_secret_value' });
    const err = (await thrown(() => bad.storeEvent(event('a:b', 'x')))) as LocusGraphError;
    expect(err).toBeInstanceOf(LocusGraphUnauthorizedError);
    expect(err.retryable).toBe(false);
    const rendered = `${err.message} ${err.describe()} ${err.stack} ${JSON.stringify(err)}`;
    expect(rendered).not.toContain('lg_live_wrong_secret_value');
  });

  it('403 when a pinned key names another graph; 403 for a read-only key writing', async () => {
    expect(
      await thrown(() => client.storeEvent(event('a:b', 'x'), { graphId: 'graph_other' })),
    ).toBeInstanceOf(LocusGraphForbiddenError);
    const ro = makeClient({ apiKey: 'lg_readonly' });
    const err = (await thrown(() => ro.storeEvent(event('a:b', 'x')))) as LocusGraphError;
    expect(err).toBeInstanceOf(LocusGraphForbiddenError);
    expect(err.message).toContain('memory.write');
  });

  it('404 for an unknown graph; reads of one thing answer null; forget of a missing context is already gone', async () => {
    const unscoped = makeClient({ apiKey: 'lg_unscoped', graphId: 'graph_nope' });
    expect(await thrown(() => unscoped.storeEvent(event('a:b', 'x')))).toBeInstanceOf(
      LocusGraphNotFoundError,
    );
    expect(await client.getContext('vitals:missing')).toBeNull();
    expect(await client.getLocus('L0000000000000000')).toBeNull();
    expect(await client.forgetContext('vitals:missing')).toEqual({
      context_id: 'vitals:missing',
      deleted_locus_ids: [],
      unlinked_locus_ids: [],
      already_gone: true,
    });
  });

  it('400 from the engine with its message (a field failed its check)', async () => {
    const err = (await thrown(() =>
      client.search({ query: 'x', context_types: { vitals: 'abc' as unknown as string[] } }),
    )) as LocusGraphError;
    expect(err).toBeInstanceOf(LocusGraphBadRequestError);
    expect(err).toMatchObject({ status: 400, code: 'BAD_REQUEST', retryable: false });
    expect(err.message).toContain('context_types.vitals');
  });

  it('413 PayloadTooLargeError, 402 PaymentRequiredError', async () => {
    standin.failNext(1, { status: 413, message: 'payload over 64 KB' });
    expect(await thrown(() => client.storeEvent(event('a:b', 'x')))).toBeInstanceOf(
      LocusGraphPayloadTooLargeError,
    );
    standin.failNext(1, { status: 402, message: 'out of credit' });
    expect(await thrown(() => client.storeEvent(event('a:b', 'x')))).toBeInstanceOf(
      LocusGraphPaymentRequiredError,
    );
  });

  it('429 with Retry-After seconds, retryable; a bare {"error": "…"} body is understood', async () => {
    standin.failNext(1, { status: 429, retryAfter: 7, rawBody: '{"error":"rate limit exceeded"}' });
    const err = await storeError(LocusGraphRateLimitedError);
    expect(err).toMatchObject({
      status: 429,
      code: 'RATE_LIMITED',
      message: 'rate limit exceeded',
      retryAfterMs: 7000,
    });
    expect(err.retryable).toBe(true);
  });

  it('429 from an exhausted bucket carries Retry-After and the X-RateLimit-* values', async () => {
    await client.storeEvent(event('a:first', 'x'));
    expect(client.rateLimitFor('read')).toMatchObject({ limit: 300, remaining: 299 });
    expect(client.rateLimitFor('read')!.resetAt).toBeGreaterThan(Date.now());
    standin.exhaust('read');
    const err = await storeError(LocusGraphRateLimitedError);
    expect(err.retryAfterMs).toBeGreaterThan(0);
    expect(err.retryAfterMs).toBeLessThanOrEqual(60_000);
    expect(err.rateLimit).toMatchObject({ limit: 300, remaining: 0 });
    expect(client.rateLimitFor('read')!.remaining).toBe(0);
  });

  it('search has its own, smaller bucket (spend: 20/min)', async () => {
    for (let i = 0; i < 20; i++) await client.search({ query: `q${i}` });
    expect(client.rateLimitFor('spend')).toMatchObject({ limit: 20, remaining: 0 });
    expect(await thrown(() => client.search({ query: 'one more' }))).toBeInstanceOf(
      LocusGraphRateLimitedError,
    );
    await client.storeEvent(event('a:still', 'writes are another bucket'));
  });

  it('5xx: ServerError, retryable, enveloped or not JSON at all', async () => {
    standin.failNext(1, { status: 503, message: 'maintenance' });
    const a = await storeError(LocusGraphServerError);
    expect(a).toMatchObject({ status: 503, message: 'maintenance', retryable: true });
    standin.failNext(1, { status: 502, rawBody: '<html><body>Bad   gateway</body></html>' });
    const b = await storeError(LocusGraphServerError);
    expect(b).toMatchObject({
      status: 502,
      code: 'SERVER_ERROR',
      message: '<html><body>Bad gateway</body></html>',
    });
  });

  it('a 2xx that is not an envelope is a protocol error (retryable like a server fault)', async () => {
    standin.failNext(1, { status: 200, rawBody: 'OK' });
    const err = await thrown(() => client.storeEvent(event('a:b', 'x')));
    expect(err).toBeInstanceOf(LocusGraphProtocolError);
    expect(isRetryable(err)).toBe(true);
  });

  it('connection refused while the service is down: NetworkError, retryable; works again after it is back', async () => {
    await standin.down();
    try {
      const err = await storeError(LocusGraphNetworkError);
      expect(err).toMatchObject({ status: 0, code: 'NETWORK_ERROR', retryable: true, timedOut: false });
    } finally {
      await standin.up();
    }
    expect((await client.storeEvent(event('a:b', 'x'))).status).toBe('created');
  });

  it('times out (AbortSignal) when the service is slow', async () => {
    standin.latencyMs = 400;
    const slow = makeClient({ timeoutMs: 100 });
    const err = (await thrown(() => slow.storeEvent(event('a:b', 'x')))) as LocusGraphNetworkError;
    expect(err).toBeInstanceOf(LocusGraphNetworkError);
    expect(err).toMatchObject({ code: 'TIMEOUT', timedOut: true, retryable: true });
  });
});

describe('batch (POST /v1/events/batch)', () => {
  it('returns per-item results in order; a 200 does not mean every item landed', async () => {
    await client.storeEvent(event('food:held', 'old'));
    standin.poison('food:poison');
    const r = await client.storeEventsBatch([
      event('food:a', 'a'),
      event('food:held', 'new text without replace'),
      event('food:poison', 'p'),
      event('food:held2', 'b', { replace: true }),
      { event_kind: 'log', context_id: 'food:noise', payload: { data: 'n' } },
    ]);
    expect(r).toMatchObject({ stored: 2, filtered: 1, failed: 2 });
    expect(r.results.map((x) => x.status)).toEqual(['created', 'error', 'error', 'created', 'filtered']);
    expect(r.results[1].error).toContain('already holds a memory');
    expect(r.results[2].error).toContain('failed its check');
  });

  it('splits more than 1000 events into several requests', async () => {
    const events = Array.from({ length: 1001 }, (_, i) => event(`water:w${i}`, `water ${i}`));
    const r = await client.storeEventsBatch(events);
    expect(r).toMatchObject({ stored: 1001, failed: 0 });
    expect(r.results).toHaveLength(1001);
    const reqs = standin.requestsTo('/v1/events/batch');
    expect(reqs.map((q) => (q.body as { events: unknown[] }).events.length)).toEqual([1000, 1]);
    expect(standin.memories()).toHaveLength(1001);
  });

  it('reports the items of a later chunk that failed as a whole as errors, with the cause', async () => {
    standin.failNext(
      1,
      { status: 503 },
      (q) => q.route === '/v1/events/batch' && q.contextIds.includes('water:w1000'),
    );
    const events = Array.from({ length: 1002 }, (_, i) => event(`water:w${i}`, `water ${i}`));
    const r = await client.storeEventsBatch(events);
    expect(r.stored).toBe(1000);
    expect(r.failed).toBe(2);
    expect(r.aborted).toBeInstanceOf(LocusGraphServerError);
    expect(r.results[1001]).toMatchObject({ status: 'error' });
  });

  it('a whole-request 409 (the other documented reading) is thrown as ConflictError', async () => {
    standin.batchConflict = 'request';
    try {
      await client.storeEvent(event('food:held', 'old'));
      const err = await thrown(() =>
        client.storeEventsBatch([event('food:x', 'x'), event('food:held', 'new')]),
      );
      expect(err).toBeInstanceOf(LocusGraphConflictError);
    } finally {
      standin.batchConflict = 'item';
    }
  });
});

describe('forget, read, search', () => {
  it('forgets a context (deleted_locus_ids) and it is gone for reads', async () => {
    const a = await client.storeEvent(event('med_schedule:s1', 'evening dose'));
    const r = await client.forgetContext('med_schedule:s1');
    expect(r).toEqual({
      context_id: 'med_schedule:s1',
      deleted_locus_ids: [a.locus_id],
      unlinked_locus_ids: [],
    });
    expect(standin.requestsTo('/v1/contexts/:g/:type/:name')[0].path).toBe(
      `/v1/contexts/${GRAPH}/med_schedule/s1`,
    );
    expect(await client.getContext('med_schedule:s1')).toBeNull();
    expect((await client.forgetContext('med_schedule:s1')).already_gone).toBe(true);
  });

  it('reads a locus: the JSON-text payload is parsed and the engine envelope unwrapped', async () => {
    const a = await client.storeEvent(event('vitals:l1', 'pulse 72', { related_to: ['person:u1'] }));
    const l = await client.getLocus(a.locus_id!);
    expect(l?.payload).toEqual({ data: 'pulse 72', record: { n: 1 }, kind: 'observation' });
    expect(l?.envelope).toMatchObject({ context_id: 'vitals:l1', kind: 'observation', source: 'user' });
    expect(l?.contexts).toEqual(['vitals:l1']);
    expect(l?.links.outgoing).toEqual([{ context_id: 'person:u1', link_type: 'related_to' }]);
  });

  it('reads a context with its memory', async () => {
    const a = await client.storeEvent(event('vitals:c1', 'pulse 70'));
    const c = await client.getContext('vitals:c1');
    expect(c).toMatchObject({
      context_id: 'vitals:c1',
      locus_id: a.locus_id,
      context: { context_type: 'vitals', context_name: 'c1' },
      payload: { data: { data: 'pulse 70' } },
    });
  });

  it('searches with format json and items, restricted by context_ids and context_types', async () => {
    await client.storeEvent(event('vitals:s1', 'blood pressure high after walk'));
    await client.storeEvent(event('vitals:s2', 'blood pressure normal'));
    await client.storeEvent(event('food:s3', 'ate dal, high protein'));
    const all = await client.search({ query: 'high blood pressure', limit: 10 });
    expect(new Set(all.items.map((i) => i.context_ids[0]))).toEqual(
      new Set(['vitals:s1', 'vitals:s2', 'food:s3']),
    );
    expect(all.items[0]).toMatchObject({
      locus_id: expect.stringMatching(/^L/),
      event_kind: 'observation',
      source: 'user',
    });
    expect(all).toMatchObject({ items_found: 3, offset: 0, has_more: false });
    const restricted = await client.search({ query: 'high', context_ids: ['vitals:s1', 'vitals:s2'] });
    expect(restricted.items.map((i) => i.context_ids[0])).toEqual(['vitals:s1']);
    const typed = await client.search({ query: 'high', context_types: { food: [] } });
    expect(typed.items.map((i) => i.context_ids[0])).toEqual(['food:s3']);
    const paged = await client.search({ query: 'high blood pressure', limit: 2 });
    expect(paged).toMatchObject({ items_found: 2, has_more: true });
    const body = standin.requestsTo('/v1/memories')[0].body as Record<string, unknown>;
    expect(body.format).toBe('json');
  });

  it('clamps limit to 100 and refuses offset > 1000 locally', async () => {
    await client.search({ query: 'x', limit: 500 });
    expect((standin.requestsTo('/v1/memories')[0].body as { limit: number }).limit).toBe(100);
    expect(await thrown(() => client.search({ query: 'x', offset: 1001 }))).toBeInstanceOf(
      LocusGraphValidationError,
    );
  });

  it('lists the event kinds (the probe)', async () => {
    const kinds = await client.eventKinds();
    expect(kinds).toHaveLength(23);
    expect(kinds.find((k) => k.type === 'debug')).toMatchObject({ kind: 'noise', admitted: false });
  });
});

describe('the stand-in is strict, as the engine is', () => {
  const post = (path: string, body: unknown, key = KEY) =>
    fetch(`${standin.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('refuses unknown fields, naming all of them, in the enveloped error shape', async () => {
    const res = await post('/v1/events', {
      graph_id: GRAPH,
      event_kind: 'fact',
      payload: {},
      contex_id: 'a:b',
      foo: 1,
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      success: false,
      error: { code: 'BAD_REQUEST', message: 'unknown fields: contex_id, foo' },
    });
  });

  it('refuses unknown kinds listing the valid ones, bad sources, invalid JSON, and > 64 KB with 413', async () => {
    const kind = await post('/v1/events', { graph_id: GRAPH, event_kind: 'fct', payload: {} });
    expect(((await kind.json()) as ErrorBody).error.message).toMatch(
      /^unknown event_kind 'fct'; valid kinds: fact, knowledge, /,
    );
    const src = await post('/v1/events', {
      graph_id: GRAPH,
      event_kind: 'fact',
      payload: {},
      source: 'cache',
    });
    expect(src.status).toBe(400);
    const bad = await post('/v1/events', '{"graph_id":');
    expect(((await bad.json()) as ErrorBody).error.message).toBe('body must be valid JSON');
    const big = await post('/v1/events', {
      graph_id: GRAPH,
      event_kind: 'fact',
      payload: { data: 'x'.repeat(66_000) },
    });
    expect(big.status).toBe(413);
  });

  it('answers 401 without a key and puts X-RateLimit-* on every response', async () => {
    const res = await fetch(`${standin.url}/v1/event-kinds`);
    expect(res.status).toBe(401);
    const ok = await fetch(`${standin.url}/v1/event-kinds`, { headers: { authorization: `Bearer ${KEY}` } });
    expect(ok.headers.get('x-ratelimit-limit')).toBe('300');
    expect(ok.headers.get('x-ratelimit-remaining')).toMatch(/^\d+$/);
    expect(ok.headers.get('x-ratelimit-reset')).toMatch(/^\d+$/);
  });
});
