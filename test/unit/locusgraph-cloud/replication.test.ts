import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { register } from 'prom-client';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { LocusGraphClient } from '../../../src/locusgraph/cloud/locusgraph-client.js';
import {
  ReplicationWorker,
  type ReplicationWorkerOptions,
} from '../../../src/locusgraph/cloud/replication-worker.js';
import type { CloudPayload } from '../../../src/locusgraph/cloud/event-mapping.js';
import { SqliteEventStore } from '../../../src/locusgraph/embedded/sqlite-event-store.js';
import type { StoredRecord, StoreRequest } from '../../../src/locusgraph/locusgraph.types.js';
import { LocusGraphStandIn, type StandInOptions } from '../../support/locusgraph-standin.js';
import { waitFor } from '../../support/wait-for.js';
import { freshObservation } from '../../support/records.js';

const dir = mkdtempSync(join(tmpdir(), 'podd-lg-replication-'));
const hex = (): string => randomBytes(6).toString('hex');

/** Fast timings so that outages, backoff and leases play out in well under a second. */
const FAST: ReplicationWorkerOptions = {
  batchSize: 20,
  pollIntervalMs: 10,
  baseBackoffMs: 20,
  maxBackoffMs: 200,
  probeTimeoutMs: 500,
  maxAttempts: 4,
};

async function metric(name: string, labels: Record<string, string> = {}): Promise<number> {
  const m = register.getSingleMetric(name);
  if (!m) return 0;
  const { values } = await m.get();
  return values
    .filter((v) => Object.entries(labels).every(([k, x]) => (v.labels as Record<string, unknown>)[k] === x))
    .reduce((n, v) => n + v.value, 0);
}

interface Rig {
  standin: LocusGraphStandIn;
  store: SqliteEventStore;
  worker: ReplicationWorker;
  client: LocusGraphClient;
  file: string;
  /** Closes worker and store (the stand-in stays). */
  shutdown(): Promise<void>;
}

const standins: LocusGraphStandIn[] = [];
const rigs: Rig[] = [];

async function standIn(options: StandInOptions = { rateLimits: false }): Promise<LocusGraphStandIn> {
  const s = await LocusGraphStandIn.start(options);
  standins.push(s);
  return s;
}

async function rig(
  standin: LocusGraphStandIn,
  opts: { file?: string; worker?: ReplicationWorkerOptions; timeoutMs?: number; start?: boolean } = {},
): Promise<Rig> {
  const file = opts.file ?? join(dir, `store-${hex()}.db`);
  const store = await SqliteEventStore.open({ file, replicate: true, checkpointer: false });
  const client = new LocusGraphClient({
    baseUrl: standin.url,
    apiKey: LocusGraphStandIn.DEFAULT_KEY,
    graphId: LocusGraphStandIn.DEFAULT_GRAPH,
    timeoutMs: opts.timeoutMs ?? 2000,
  });
  const worker = new ReplicationWorker(store, client, { ...FAST, ...opts.worker });
  if (opts.start !== false) worker.start();
  let closed = false;
  const r: Rig = {
    standin,
    store,
    worker,
    client,
    file,
    async shutdown() {
      if (closed) return;
      closed = true;
      await worker.stop();
      await store.close();
    },
  };
  rigs.push(r);
  return r;
}

const req = (over: Partial<StoreRequest> = {}): StoreRequest => freshObservation({ heart_rate: 72 }, over);

/** Stores `versions` successive versions of one record; returns the last. */
async function writeVersions(
  store: SqliteEventStore,
  versions: number,
  over: Partial<StoreRequest> = {},
): Promise<StoredRecord> {
  let rec = await store.store(req({ ...over, payload: { heart_rate: 60 } }));
  for (let v = 2; v <= versions; v++) {
    rec = await store.store({
      ...req(),
      contextId: rec.contextId,
      userId: rec.userId,
      payload: { heart_rate: 60 + v },
      expectedVersion: v - 1,
    });
  }
  return rec;
}

const cloudPayload = (standin: LocusGraphStandIn, contextId: string): CloudPayload | undefined =>
  standin.memory(contextId)?.payload as CloudPayload | undefined;

/** The stand-in holds exactly these records, each once, at their current version (and nothing else). */
async function expectReplicated(
  standin: LocusGraphStandIn,
  store: SqliteEventStore,
  contextIds: string[],
): Promise<void> {
  const held = standin.memories();
  expect(held.map((m) => m.contextId).sort()).toEqual([...contextIds].sort());
  for (const id of contextIds) {
    const rec = (await store.get(id))!;
    const m = standin.memory(id)!;
    const p = m.payload as CloudPayload;
    expect(p.version, id).toBe(rec.version);
    expect(p.record, id).toEqual(rec.payload);
    // Each version changed the memory exactly once: nothing duplicated, nothing skipped.
    expect(m.writes, id).toBe(rec.version);
  }
}

afterEach(async () => {
  for (const r of rigs.splice(0)) await r.shutdown();
  for (const s of standins.splice(0)) await s.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('replication worker: normal flow', () => {
  it('replicates creates, updates (replace) and deletes (forget), in order per context', async () => {
    const standin = await standIn();
    const { store, worker } = await rig(standin);
    const before = await metric('podd_locusgraph_replicated_total');
    const a = await writeVersions(store, 3);
    const b = await store.store(req({ links: { related_to: ['person:u1'] } }));
    const gone = await store.store(req());
    await waitFor(async () => (await store.depth()) === 0, 'outbox drained');
    await store.delete(gone.contextId);
    await waitFor(
      async () => (await store.depth()) === 0 && !standin.memory(gone.contextId),
      'delete replicated',
    );
    await expectReplicated(standin, store, [a.contextId, b.contextId]);
    expect(standin.memory(b.contextId)!.links.related_to).toEqual(['person:u1']);
    expect(cloudPayload(standin, a.contextId)!.data).toContain('heart rate 63');
    // the write log of a's context, in order
    const log = standin.writeLog().filter((e) => e.context_id === a.contextId);
    expect(log.map((e) => [e.status, (e.payload as CloudPayload).version])).toEqual([
      ['created', 1],
      ['replaced', 2],
      ['replaced', 3],
    ]);
    await waitFor(
      async () => (await metric('podd_locusgraph_replicated_total')) >= before + 6,
      'replicated_total counts all six',
    );
    const h = await worker.health();
    expect(h).toMatchObject({
      status: 'up',
      details: { outbox_depth: 0, dead_letters: 0, last_error: null },
    });
    expect(h.details!.last_success_at).toEqual(expect.any(String));
  });

  it('sends stores as one batch request when several are due', async () => {
    const standin = await standIn();
    const { store, worker } = await rig(standin, { start: false });
    const ids = [];
    for (let i = 0; i < 15; i++) ids.push((await store.store(req())).contextId);
    expect(await worker.drainOnce()).toBe(15);
    expect(standin.requestsTo('/v1/events/batch')).toHaveLength(1);
    await expectReplicated(standin, store, ids);
  });

  it('resolves a 409 (the cloud holds a different memory) by resending with replace: the embedded store wins', async () => {
    const standin = await standIn();
    const { store, worker, client } = await rig(standin, { start: false });
    const rec = await store.store(req());
    await client.storeEvent({
      event_kind: 'fact',
      context_id: rec.contextId,
      payload: { data: 'written elsewhere' },
    });
    await worker.drainOnce();
    expect(await store.depth()).toBe(0);
    expect(cloudPayload(standin, rec.contextId)!.record).toEqual(rec.payload);
    expect(standin.requests.filter((r) => r.status === 409)).toHaveLength(1);
    expect((await store.deadLetters(5)).length).toBe(0);
  });

  it('a delete of a record that never reached the cloud is done (404 = already gone)', async () => {
    const standin = await standIn();
    const { store, worker } = await rig(standin, { start: false });
    const rec = await store.store(req());
    const [claimed] = await store.claimDue(Date.now(), 10, 1); // leased 1 ms: as if a worker crashed mid-send
    expect(claimed.contextId).toBe(rec.contextId);
    await store.delete(rec.contextId);
    await new Promise((r) => setTimeout(r, 5));
    while ((await worker.drainOnce()) > 0);
    expect(await store.depth()).toBe(0);
    expect(standin.memories()).toEqual([]);
    expect((await store.deadLetters(5)).length).toBe(0);
  });
});

describe('replication worker: outages and restarts', () => {
  it('the cloud down for a while: writes never fail, nothing is lost, everything arrives in order afterwards', async () => {
    const standin = await standIn();
    const { store, worker } = await rig(standin);
    await standin.down();
    const outagesBefore = await metric('podd_locusgraph_outbox_failures_total', { reason: 'outage' });
    const written: StoredRecord[] = [];
    for (let i = 0; i < 10; i++) written.push(await writeVersions(store, 1 + (i % 3)));
    await store.delete(written[9].contextId);
    await waitFor(async () => (await worker.health()).status === 'down', 'health reports the outage');
    const h = await worker.health();
    expect(h.details).toMatchObject({ state: 'outage', dead_letters: 0 });
    expect(h.details!.outbox_depth).toBeGreaterThan(0);
    expect(String(h.details!.last_error)).toContain('NETWORK_ERROR');
    expect(await metric('podd_locusgraph_outbox_failures_total', { reason: 'outage' })).toBeGreaterThan(
      outagesBefore,
    );
    // a while longer, with more writes during the outage
    await new Promise((r) => setTimeout(r, 300));
    written.push(await writeVersions(store, 2));
    expect((await store.deadLetters(10)).length).toBe(0);
    await standin.up();
    await waitFor(async () => (await store.depth()) === 0, 'outbox drained after the outage', 20_000);
    const live = written.filter((r) => r.contextId !== written[9].contextId).map((r) => r.contextId);
    await expectReplicated(standin, store, live);
    expect((await worker.health()).status).toBe('up');
  });

  it('a restart in the middle of draining (same files): nothing lost, nothing duplicated', async () => {
    const standin = await standIn();
    standin.latencyMs = 15;
    const file = join(dir, `restart-${hex()}.db`);
    const first = await rig(standin, { file, worker: { batchSize: 5 }, start: false });
    const written: StoredRecord[] = [];
    for (let i = 0; i < 60; i++) written.push(await writeVersions(first.store, 1 + (i % 4)));
    first.worker.start();
    await waitFor(() => standin.memories().length >= 10, 'some replicated');
    await first.shutdown(); // graceful: the request in flight completes, the rest stays queued
    const left = await SqliteEventStore.open({ file, replicate: true, checkpointer: false }).then(
      async (s) => {
        const n = await s.depth();
        await s.close();
        return n;
      },
    );
    expect(left).toBeGreaterThan(0);
    const second = await rig(standin, { file, worker: { batchSize: 5 } });
    await waitFor(async () => (await second.store.depth()) === 0, 'drained after restart', 30_000);
    await expectReplicated(
      standin,
      second.store,
      written.map((r) => r.contextId),
    );
  });

  it('a crash after the cloud stored but before the outbox heard: the lease runs out, the resend is "unchanged"', async () => {
    const standin = await standIn();
    const file = join(dir, `crash-${hex()}.db`);
    const first = await rig(standin, { file, start: false, worker: { leaseMs: 300 } });
    const rec = await first.store.store(req());
    standin.latencyMs = 200;
    const draining = first.worker.drainOnce().catch((e: Error) => e);
    await waitFor(() => standin.requests.length > 0, 'request sent');
    await first.store.close(); // the process "dies": the completion cannot be recorded
    await draining;
    expect(standin.memory(rec.contextId)).toBeDefined();
    standin.latencyMs = 0;
    const second = await rig(standin, { file, worker: { leaseMs: 300 } });
    await waitFor(async () => (await second.store.depth()) === 0, 'resent after the lease', 10_000);
    await expectReplicated(standin, second.store, [rec.contextId]);
    expect(standin.requestsTo('/v1/events')).toHaveLength(2); // the original and the resend
    expect(standin.writeLog().filter((e) => e.context_id === rec.contextId)).toHaveLength(1); // resend: unchanged
  });

  it('stops gracefully: the request in flight completes and is recorded, no request after stop', async () => {
    const standin = await standIn();
    const { store, worker } = await rig(standin, { start: false });
    standin.latencyMs = 300;
    for (let i = 0; i < 3; i++) await store.store(req());
    worker.start();
    await waitFor(() => standin.requests.length > 0, 'first request sent');
    await worker.stop();
    const sent = standin.requests.length;
    expect(await store.depth()).toBe(0); // the one batch carried all three and its answer was recorded
    await new Promise((r) => setTimeout(r, 100));
    expect(standin.requests.length).toBe(sent);
    expect(worker.running).toBe(false);
  });
});

describe('replication worker: rate limits, auth failures, poison entries', () => {
  it('honours Retry-After on 429 (nothing sent before it), without counting attempts against the entries', async () => {
    const standin = await standIn();
    standin.failNext(1, { status: 429, retryAfter: 1 });
    const { store, worker } = await rig(standin);
    const rec = await store.store(req());
    await waitFor(() => standin.requests.some((r) => r.status === 429), '429 received');
    const limitedAt = standin.requests.find((r) => r.status === 429)!.at;
    await waitFor(
      async () => (await worker.health()).details!.state === 'rate_limited',
      'rate_limited state',
    );
    expect((await worker.health()).status).toBe('up'); // flow control, not an outage
    await waitFor(async () => (await store.depth()) === 0, 'delivered after Retry-After', 5000);
    const next = standin.requests.find((r) => r.at > limitedAt && r.status !== 429)!;
    expect(next.at - limitedAt).toBeGreaterThanOrEqual(1000);
    await expectReplicated(standin, store, [rec.contextId]);
  });

  it('waits for the bucket to refill when X-RateLimit-Remaining says 0, instead of collecting 429s', async () => {
    const standin = await standIn({ rateLimits: { read: 3 }, windowMs: 700 });
    const { store } = await rig(standin, { worker: { batchSize: 1 } });
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await store.store(req())).contextId);
    await waitFor(async () => (await store.depth()) === 0, 'all delivered', 10_000);
    await expectReplicated(standin, store, ids);
    expect(standin.requests.filter((r) => r.status === 429)).toHaveLength(0);
  });

  it('401 pauses the worker (health down) and never dead-letters; it resumes when the service accepts again', async () => {
    const standin = await standIn();
    standin.failNext(3, { status: 401, message: 'Invalid or revoked API key.' });
    const { store, worker } = await rig(standin);
    const rec = await store.store(req());
    await waitFor(
      async () => (await worker.health()).details!.state === 'unauthorized',
      'unauthorized state',
    );
    expect((await worker.health()).status).toBe('down');
    await waitFor(async () => (await store.depth()) === 0, 'delivered', 10_000);
    expect((await store.deadLetters(5)).length).toBe(0);
    await expectReplicated(standin, store, [rec.contextId]);
  });

  it('a poison entry goes to the dead-letter list (health details + metric); the others and later writes proceed', async () => {
    const standin = await standIn();
    const { store, worker } = await rig(standin, { start: false });
    const good = await store.store(req());
    const bad = await store.store(req({ payload: { blood_sugar: 987 } }));
    standin.poison(bad.contextId);
    const deadBefore = await metric('podd_locusgraph_outbox_failures_total', { reason: 'dead_letter' });
    worker.start();
    await waitFor(async () => (await store.depth()) === 0, 'drained');
    expect(standin.memory(good.contextId)).toBeDefined();
    expect(standin.memory(bad.contextId)).toBeUndefined();
    const dead = await store.deadLetters(5);
    expect(dead.map((d) => d.contextId)).toEqual([bad.contextId]);
    expect(dead[0].lastError).toContain('400 BAD_REQUEST');
    const h = await worker.health();
    expect(h.status).toBe('up');
    expect(h.details).toMatchObject({
      dead_letters: 1,
      recent_dead_letters: [
        { context_id: bad.contextId, op: 'store', error: expect.stringContaining('failed its check') },
      ],
    });
    expect(JSON.stringify(h)).not.toContain('987'); // never payloads
    expect(await metric('podd_locusgraph_dead_letters')).toBe(1);
    expect(await metric('podd_locusgraph_outbox_failures_total', { reason: 'dead_letter' })).toBe(
      deadBefore + 1,
    );
    // The context is not blocked: once the cloud accepts it, its next version goes through.
    standin.clearFaults();
    await store.store({
      ...req(),
      contextId: bad.contextId,
      userId: bad.userId,
      payload: { blood_sugar: 110 },
      expectedVersion: 1,
    });
    await waitFor(() => standin.memory(bad.contextId) !== undefined, 'later version replicated');
    expect(cloudPayload(standin, bad.contextId)!.version).toBe(2);
  });

  it('an entry the service keeps failing with 5xx (while it answers otherwise) is retried, then dead-lettered', async () => {
    const standin = await standIn();
    const { store, worker } = await rig(standin, { start: false });
    const flaky = await store.store(req());
    const stubborn = await store.store(req());
    const fine = await store.store(req());
    let flakyFailures = 0;
    standin.failWhen((r) => {
      if (r.contextIds.includes(stubborn.contextId)) return { status: 500 };
      if (r.contextIds.includes(flaky.contextId) && flakyFailures < 2) {
        flakyFailures++;
        return { status: 502 };
      }
      return null;
    });
    worker.start();
    await waitFor(async () => (await store.depth()) === 0, 'drained', 10_000);
    expect(standin.memory(fine.contextId)).toBeDefined();
    expect(standin.memory(flaky.contextId)).toBeDefined(); // transient: delivered on a retry
    const dead = await store.deadLetters(5);
    expect(dead.map((d) => d.contextId)).toEqual([stubborn.contextId]);
    expect(dead[0].lastError).toMatch(/^gave up after 4 attempts: 500/);
    expect((await worker.health()).status).toBe('up');
  });
});
