import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Global, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { afterAll, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/app-config.js';
import { EVENT_STORE, LocusGraphModule, OUTBOX_STORE } from '../../../src/locusgraph/locusgraph.module.js';
import { LocusGraphGateway } from '../../../src/locusgraph/locusgraph.gateway.js';
import type { EmbeddedEventStore } from '../../../src/locusgraph/embedded/embedded-event-store.js';
import { HealthRegistry } from '../../../src/ops/health-registry.js';
import { observation } from '../../support/records.js';

const dir = mkdtempSync(join(tmpdir(), 'podd-lg-module-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

@Global()
@Module({ providers: [HealthRegistry], exports: [HealthRegistry] })
class FakeOpsModule {}

async function boot(env: Record<string, string>) {
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dir, ...env });
  const ref = await Test.createTestingModule({
    imports: [FakeOpsModule, LocusGraphModule.forRoot(config)],
  }).compile();
  await ref.init();
  return ref;
}

it('provides the gateway, the outbox store and the event_store health check; closes on shutdown', async () => {
  const ref = await boot({});
  const gw = ref.get(LocusGraphGateway);
  const store = ref.get<EmbeddedEventStore>(EVENT_STORE);
  expect(ref.get(OUTBOX_STORE)).toBe(store);
  // Modules get the store behind decorators (ObservedGateway, AuditedGateway …): whatever the chain,
  // it is a LocusGraphGateway whose writes land in the embedded store.
  expect(gw).toBeInstanceOf(LocusGraphGateway);
  expect(store.driver).toBe('sqlite');
  expect(store.replicate).toBe(false);
  const check = ref
    .get(HealthRegistry)
    .all()
    .find((c) => c.name === 'event_store');
  expect(check?.critical).toBe(true);
  expect((await check!.check()).status).toBe('up');
  await gw.store(observation('vitals:m1', { v: 1 }));
  expect((await store.get('vitals:m1'))?.payload).toEqual({ v: 1 });
  await ref.close();
  expect((await check!.check()).status).toBe('down');
});

it('replicates (enqueues outbox entries) when LOCUSGRAPH_API_KEY is set', async () => {
  const ref = await boot({
    LOCUSGRAPH_API_KEY: 'k',
    LOCUSGRAPH_GRAPH_ID: 'g',
    EVENT_STORE_URL: `sqlite:///${join(dir, 'repl.db')}`,
  });
  const store = ref.get<EmbeddedEventStore>(EVENT_STORE);
  expect(store.replicate).toBe(true);
  await store.store(observation('vitals:m2', { v: 1 }));
  expect(await store.depth()).toBe(1);
  await ref.close();
});
