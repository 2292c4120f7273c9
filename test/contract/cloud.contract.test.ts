import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect } from 'vitest';
import type { CloudPayload } from '../../src/locusgraph/cloud/event-mapping.js';
import { LocusGraphClient } from '../../src/locusgraph/cloud/locusgraph-client.js';
import { ReplicationWorker } from '../../src/locusgraph/cloud/replication-worker.js';
import { SqliteEventStore } from '../../src/locusgraph/embedded/sqlite-event-store.js';
import type { StoredRecord } from '../../src/locusgraph/locusgraph.types.js';
import { LocusGraphStandIn } from '../support/locusgraph-standin.js';
import { waitFor } from '../support/wait-for.js';
import { runGatewayContract } from './gateway.contract.js';

const dir = mkdtempSync(join(tmpdir(), 'podd-lg-cloud-contract-'));
let n = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * The gateway contract on the configuration "embedded store + LocusGraph cloud replica": the embedded store
 * replicates through its outbox to a LocusGraph stand-in over real HTTP while the suite runs. The gateway must
 * behave exactly as without the replica; and when each gateway is disposed, the replica must have converged to
 * the store: every record present once at its current version and payload, nothing the store erased.
 */
runGatewayContract('embedded SQLite + LocusGraph cloud replica (stand-in over HTTP)', async () => {
  const standin = await LocusGraphStandIn.start({ rateLimits: false });
  const store = await SqliteEventStore.open({ file: join(dir, `store-${++n}.db`), replicate: true });
  const client = new LocusGraphClient({
    baseUrl: standin.url,
    apiKey: LocusGraphStandIn.DEFAULT_KEY,
    graphId: LocusGraphStandIn.DEFAULT_GRAPH,
    timeoutMs: 5000,
  });
  const worker = new ReplicationWorker(store, client, {
    pollIntervalMs: 10,
    baseBackoffMs: 20,
    maxBackoffMs: 500,
  });
  worker.start();
  return {
    gateway: store,
    close: async () => {
      try {
        await waitFor(async () => (await store.depth()) === 0, 'the replica caught up');
        expect(await store.deadLetters(10)).toEqual([]);
        const records: StoredRecord[] = [];
        for await (const r of store.exportRecords()) records.push(r);
        const held = new Map(standin.memories().map((m) => [m.contextId, m]));
        expect([...held.keys()].sort()).toEqual(records.map((r) => r.contextId.toLowerCase()).sort());
        for (const r of records) {
          const p = held.get(r.contextId.toLowerCase())!.payload as CloudPayload;
          expect(p.version, r.contextId).toBe(r.version);
          if (!p.truncated) expect(p.record, r.contextId).toEqual(r.payload);
        }
      } finally {
        await worker.stop();
        await store.close();
        await standin.close();
      }
    },
  };
});
