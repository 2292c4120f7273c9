import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { SqliteEventStore } from '../../src/locusgraph/embedded/sqlite-event-store.js';
import { runGatewayContract } from './gateway.contract.js';

const dir = mkdtempSync(join(tmpdir(), 'podd-lg-contract-'));
let n = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

runGatewayContract('embedded SQLite (wal-fdatasync)', async () => {
  const store = await SqliteEventStore.open({ file: join(dir, `store-${++n}.db`) });
  return { gateway: store, close: () => store.close() };
});

runGatewayContract('embedded SQLite (synchronous=FULL, replicating)', async () => {
  const store = await SqliteEventStore.open({
    file: join(dir, `store-${++n}.db`),
    durability: 'full',
    replicate: true,
  });
  return { gateway: store, close: () => store.close() };
});
