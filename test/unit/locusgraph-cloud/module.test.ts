import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Test, type TestingModule } from '@nestjs/testing';
import { register } from 'prom-client';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { loadConfig, type AppConfig } from '../../../src/config/app-config.js';
import { ConfigModule } from '../../../src/config/config.module.js';
import { InfraModule } from '../../../src/infra/infra.module.js';
import { LocusGraphClient } from '../../../src/locusgraph/cloud/locusgraph-client.js';
import { ReplicationWorker } from '../../../src/locusgraph/cloud/replication-worker.js';
import { SqliteEventStore } from '../../../src/locusgraph/embedded/sqlite-event-store.js';
import { LocusGraphGateway } from '../../../src/locusgraph/locusgraph.gateway.js';
import { LocusGraphCloudSearch, LocusGraphModule } from '../../../src/locusgraph/locusgraph.module.js';
import type { StoreRequest } from '../../../src/locusgraph/locusgraph.types.js';
import { HealthRegistry } from '../../../src/ops/health-registry.js';
import { LocusGraphStandIn } from '../../support/locusgraph-standin.js';
import { waitFor } from '../../support/wait-for.js';

const dirs: string[] = [];
const open: TestingModule[] = [];
const standins: LocusGraphStandIn[] = [];

function config(env: Record<string, string> = {}): AppConfig {
  const dir = mkdtempSync(join(tmpdir(), 'podd-lg-module-'));
  dirs.push(dir);
  return loadConfig({ NODE_ENV: 'test', DATA_DIR: dir, JWT_SECRET: 'x'.repeat(40), ...env });
}

async function boot(cfg: AppConfig): Promise<TestingModule> {
  const m = await Test.createTestingModule({
    imports: [ConfigModule.forRoot(cfg), InfraModule, LocusGraphModule.forRoot(cfg)],
  }).compile();
  await m.init(); // module init + application bootstrap hooks (the worker starts)
  open.push(m);
  return m;
}

async function withStandIn(): Promise<{ standin: LocusGraphStandIn; cfg: AppConfig }> {
  const standin = await LocusGraphStandIn.start({ rateLimits: false });
  standins.push(standin);
  const cfg = config({
    LOCUSGRAPH_API_URL: standin.url,
    LOCUSGRAPH_API_KEY: LocusGraphStandIn.DEFAULT_KEY,
    LOCUSGRAPH_GRAPH_ID: LocusGraphStandIn.DEFAULT_GRAPH,
    LOCUSGRAPH_TIMEOUT_MS: '2000',
  });
  return { standin, cfg };
}

const req = (userId: string, id: string, payload: Record<string, unknown>): StoreRequest => ({
  contextId: `vitals:${id}`,
  userId,
  kind: 'observation',
  source: 'user',
  payload,
});

afterEach(async () => {
  for (const m of open.splice(0)) await m.close();
  for (const s of standins.splice(0)) await s.close();
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('LocusGraphModule with LOCUSGRAPH_API_KEY: the cloud replica is wired', () => {
  it('replicates gateway writes and deletes, and reports a non-critical locusgraph_cloud health check', async () => {
    const { standin, cfg } = await withStandIn();
    const m = await boot(cfg);
    const gw = m.get(LocusGraphGateway);
    const rec = await gw.store(req('u1', 'aaa111', { heart_rate: 72 }));
    await waitFor(() => standin.memory(rec.contextId) !== undefined, 'record replicated');
    expect(standin.requests[0].authorization).toBe(`Bearer ${LocusGraphStandIn.DEFAULT_KEY}`);

    const check = m
      .get(HealthRegistry)
      .all()
      .find((c) => c.name === 'locusgraph_cloud');
    expect(check?.critical).toBe(false);
    await waitFor(async () => (await check!.check()).details!.outbox_depth === 0, 'drained');
    const result = await check!.check();
    expect(result).toMatchObject({ status: 'up', details: { state: expect.any(String), dead_letters: 0 } });
    expect(JSON.stringify(result)).not.toContain(LocusGraphStandIn.DEFAULT_KEY);
    for (const name of [
      'podd_locusgraph_outbox_depth',
      'podd_locusgraph_outbox_failures_total',
      'podd_locusgraph_dead_letters',
      'podd_locusgraph_replicated_total',
    ]) {
      expect(register.getSingleMetric(name), name).toBeDefined();
    }

    await gw.delete(rec.contextId);
    await waitFor(() => standin.memory(rec.contextId) === undefined, 'delete replicated');
  });

  it('stops the worker before the store closes: the request in flight is answered and recorded', async () => {
    const { standin, cfg } = await withStandIn();
    const m = await boot(cfg);
    standin.latencyMs = 300;
    await m.get(LocusGraphGateway).store(req('u1', 'bbb222', { heart_rate: 80 }));
    await waitFor(() => standin.requests.length > 0, 'request in flight');
    open.splice(open.indexOf(m), 1);
    await m.close();
    expect(m.get(ReplicationWorker).running).toBe(false);
    const store = await SqliteEventStore.open({
      file: (cfg.eventStore as { file: string }).file,
      replicate: true,
      checkpointer: false,
    });
    expect(await store.depth()).toBe(0);
    await store.close();
  });

  it('recall asks the cloud, keeps only the caller’s own records, and falls back to the embedded index', async () => {
    const { standin, cfg } = await withStandIn();
    const m = await boot(cfg);
    const gw = m.get(LocusGraphGateway);
    const search = m.get(LocusGraphCloudSearch);
    expect(search.enabled).toBe(true);
    const mine = await gw.store(req('alice', 'ccc333', { notes: 'dizzy after lunch', heart_rate: 110 }));
    await gw.store(req('bob', 'ddd444', { notes: 'dizzy in the morning', heart_rate: 95 }));
    await waitFor(() => standin.memories().length === 2, 'both replicated');

    const r = await search.search({ userId: 'alice', text: 'dizzy', limit: 5 });
    expect(r.records.map((x) => x.contextId)).toEqual([mine.contextId]);
    expect(r.source).not.toBe('embedded');
    expect(standin.requestsTo('/v1/memories')).toHaveLength(1);
    expect((standin.requestsTo('/v1/memories')[0].body as { format: string }).format).toBe('json');

    await standin.down();
    const down = await search.search({ userId: 'alice', text: 'dizzy', limit: 5 });
    expect(down).toEqual({ records: [mine], source: 'embedded' });
  });

  it('tops cloud results up from the embedded index when the cloud has not indexed a new record yet', async () => {
    const { standin, cfg } = await withStandIn();
    const m = await boot(cfg);
    standin.searchLagMs = 60_000;
    const rec = await m.get(LocusGraphGateway).store(req('carol', 'eee555', { notes: 'knee pain' }));
    await waitFor(() => standin.memory(rec.contextId) !== undefined, 'replicated');
    const r = await m.get(LocusGraphCloudSearch).search({ userId: 'carol', text: 'knee pain', limit: 3 });
    expect(r).toEqual({ records: [rec], source: 'embedded' });
    expect(standin.requestsTo('/v1/memories')).toHaveLength(1);
  });
});

describe('LocusGraphModule without a key: no cloud', () => {
  it('has no client or worker, no locusgraph_cloud check, and recall is the embedded search', async () => {
    const cfg = config();
    const m = await boot(cfg);
    expect(() => m.get(LocusGraphClient)).toThrow();
    expect(() => m.get(ReplicationWorker)).toThrow();
    expect(
      m
        .get(HealthRegistry)
        .all()
        .map((c) => c.name),
    ).not.toContain('locusgraph_cloud');
    const gw = m.get(LocusGraphGateway);
    const rec = await gw.store(req('dave', 'fff666', { notes: 'slept badly' }));
    const search = m.get(LocusGraphCloudSearch);
    expect(search.enabled).toBe(false);
    expect(await search.search({ userId: 'dave', text: 'slept', limit: 5 })).toEqual({
      records: [rec],
      source: 'embedded',
    });
  });
});
