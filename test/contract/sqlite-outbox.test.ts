import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { SqliteEventStore } from '../../src/locusgraph/embedded/sqlite-event-store.js';
import { runOutboxContract } from './outbox.contract.js';
import { observation } from '../support/records.js';

const dir = mkdtempSync(join(tmpdir(), 'podd-lg-outbox-'));
let n = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

runOutboxContract('embedded SQLite', async (replicate) => {
  const store = await SqliteEventStore.open({ file: join(dir, `store-${++n}.db`), replicate });
  return { store, close: () => store.close() };
});

it('the outbox survives a restart (same file)', async () => {
  const file = join(dir, 'restart.db');
  const a = await SqliteEventStore.open({ file, replicate: true });
  const r = await a.store(observation('vitals:r1', { v: 1 }));
  await a.delete('vitals:r1');
  await a.store(observation('vitals:r2', { v: 2 }));
  await a.close();
  const b = await SqliteEventStore.open({ file, replicate: true });
  expect(await b.depth()).toBe(2); // the erased record's unsent store was dropped; its delete stays
  const claimed = await b.claimDue(Date.now(), 10);
  expect(claimed.map((e) => e.op.op)).toEqual(['delete', 'store']);
  expect(claimed[0].contextId).toBe(r.contextId);
  await b.close();
});
