import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SQLITE_SCHEMA_VERSION,
  SqliteEventStore,
} from '../../../src/locusgraph/embedded/sqlite-event-store.js';
import { StoreUnavailableError } from '../../../src/locusgraph/locusgraph.errors.js';
import type { ListQuery, StoreRequest } from '../../../src/locusgraph/locusgraph.types.js';

const dir = mkdtempSync(join(tmpdir(), 'podd-lg-sqlite-'));
let n = 0;
const file = (): string => join(dir, `s${++n}.db`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const req = (i: number, over: Partial<StoreRequest> = {}): StoreRequest => ({
  contextId: `vitals:r${i}`,
  userId: `u${i % 10}`,
  kind: 'observation',
  source: 'user',
  payload: { vital_type: 'heart_rate', value: i, note: 'resting reading' },
  occurredAt: new Date(Date.now() - (i % 60) * 86_400_000),
  ...over,
});

function plan(db: Database.Database, sql: string, params: unknown[]): string {
  return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[])
    .map((r) => r.detail)
    .join(' | ');
}

describe('SQLite query plans', () => {
  let store: SqliteEventStore;
  beforeAll(async () => {
    store = await SqliteEventStore.open({ file: file(), checkpointer: false });
    const batch: StoreRequest[] = [];
    for (let i = 0; i < 3000; i++)
      batch.push(req(i, { contextId: `${['vitals', 'food', 'sleep'][i % 3]}:r${i}` }));
    await store.storeMany(batch);
    store.connection.exec('ANALYZE');
  });
  afterAll(() => store.close());

  const newest100: ListQuery = {
    userId: 'u1',
    type: 'vitals',
    from: new Date(Date.now() - 30 * 86_400_000),
    limit: 100,
  };

  it('"newest 100 of one type for one user in the last 30 days" is an index range scan, no sort', () => {
    const { sql, params } = store.listSql(newest100);
    const p = plan(store.connection, sql, [...params, 100, 0]);
    expect(p).toMatch(/SEARCH records USING INDEX records_user_type_ts \(user_id=\? AND type=\? AND ts>\?\)/);
    expect(p).not.toMatch(/TEMP B-TREE|SCAN records/);
  });

  it('ascending order, shared records and payload filters still use the index without sorting', () => {
    for (const q of [
      { ...newest100, order: 'asc' as const },
      { ...newest100, userId: null },
      { ...newest100, to: new Date(), where: { vital_type: 'heart_rate', active: true, x: null, value: 3 } },
    ]) {
      const { sql, params } = store.listSql(q);
      const p = plan(store.connection, sql, [...params, 100, 0]);
      expect(p).toMatch(/USING INDEX records_user_type_ts/);
      expect(p).not.toMatch(/TEMP B-TREE|SCAN records/);
    }
  });

  it('the total is counted on the covering index', () => {
    const { countSql, params } = store.listSql(newest100);
    expect(plan(store.connection, countSql, params)).toMatch(
      /SEARCH records USING COVERING INDEX records_user_type_ts/,
    );
  });
});

describe('SQLite write path', () => {
  it('commits the writes of one event-loop turn in one transaction and one fdatasync', async () => {
    const store = await SqliteEventStore.open({ file: file() });
    const before = store.syncCount;
    const all = await Promise.all(Array.from({ length: 200 }, (_, i) => store.store(req(i))));
    expect(all).toHaveLength(200);
    expect(store.syncCount - before).toBe(1);
    expect(store.connection.pragma('synchronous', { simple: true })).toBe(1); // NORMAL + our fdatasync
    expect(store.connection.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    expect(store.connection.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.connection.pragma('foreign_keys', { simple: true })).toBe(1);
    await store.close();
  });

  it('a write that fails inside a batch fails alone: the others of the same turn commit, searchable', async () => {
    const store = await SqliteEventStore.open({ file: file(), checkpointer: false });
    await store.store(req(1, { contextId: 'vitals:taken', userId: 'u1' }));
    await store.deleteAllForUser('gone');
    const before = store.syncCount;
    const outcomes = await Promise.allSettled([
      store.store(req(2, { contextId: 'vitals:a', userId: 'u1', payload: { note: 'kiwi' } })),
      store.store(req(3, { contextId: 'vitals:taken', userId: 'u1' })), // exists, no expectedVersion: conflict
      store.store(req(4, { contextId: 'vitals:b', userId: 'u1', payload: { note: 'kiwi' } })),
      store.store(req(5, { contextId: 'vitals:c', userId: 'gone' })), // erased owner
      store.store(req(6, { contextId: 'vitals:d', userId: 'u1', payload: { note: 'kiwi' } })),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    expect(store.syncCount - before).toBe(1); // still one transaction, one fdatasync
    expect((await store.get('vitals:taken'))!.version).toBe(1);
    expect(await store.get('vitals:c')).toBeNull();
    const hits = await store.search({ userId: 'u1', text: 'kiwi', limit: 10 });
    expect(hits.map((r) => r.contextId).sort()).toEqual(['vitals:a', 'vitals:b', 'vitals:d']);
    await store.close();
  });

  it('uses synchronous=FULL in full mode', async () => {
    const store = await SqliteEventStore.open({ file: file(), durability: 'full', checkpointer: false });
    expect(store.connection.pragma('synchronous', { simple: true })).toBe(2);
    await store.store(req(1));
    expect(store.syncCount).toBe(0);
    await store.close();
  });

  it('checkpoints the WAL from the worker thread, not from the writer', async () => {
    const store = await SqliteEventStore.open({ file: file(), checkpointer: { intervalMs: 50 } });
    for (let i = 0; i < 5; i++)
      await store.storeMany(Array.from({ length: 100 }, (_, j) => req(i * 100 + j)));
    const deadline = Date.now() + 5000;
    let wal: { frames: number; checkpointed: number; checkpoints: number } | undefined;
    while (Date.now() < deadline) {
      wal = (await store.health()).details.wal as typeof wal;
      if (wal && wal.frames > 0 && wal.checkpointed === wal.frames) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(wal?.checkpoints).toBeGreaterThan(0);
    expect(wal?.checkpointed).toBe(wal?.frames);
    await store.close();
  });

  it('close() commits writes still queued, and refuses writes afterwards (503)', async () => {
    const f = file();
    const store = await SqliteEventStore.open({ file: f });
    const pending = store.store(req(7));
    const closing = store.close();
    await expect(pending).resolves.toMatchObject({ version: 1 });
    await closing;
    const err = await store.store(req(8)).catch((e) => e);
    expect(err).toBeInstanceOf(StoreUnavailableError);
    expect(err.status).toBe(503);
    expect((await store.health()).status).toBe('down');
    const again = await SqliteEventStore.open({ file: f });
    expect((await again.get('vitals:r7'))?.payload.value).toBe(7);
    await again.close();
  });

  it('migrates once and refuses a database from a newer build', async () => {
    const f = file();
    const a = await SqliteEventStore.open({ file: f, checkpointer: false });
    expect(await a.schemaVersion()).toBe(SQLITE_SCHEMA_VERSION);
    expect(await a.migrate()).toEqual([]);
    await a.close();
    const db = new Database(f);
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, ?, 0)').run('future');
    db.close();
    await expect(SqliteEventStore.open({ file: f, checkpointer: false })).rejects.toThrow(
      /schema version 99/,
    );
  });

  it('an invalid imported record fails its chunk without writing it', async () => {
    const store = await SqliteEventStore.open({ file: file(), checkpointer: false });
    const good = await store.store(req(1));
    const bad = { ...good, contextId: 'vitals:bad', kind: 'vitals.create' as never };
    async function* two() {
      yield { ...good, contextId: 'vitals:ok2' };
      yield bad;
    }
    await expect(store.importRecords(two())).rejects.toThrow(/unknown event kind/);
    expect(await store.get('vitals:ok2')).toBeNull();
    await store.close();
  });

  it("an imported record never replaces another user's record with the same id", async () => {
    const store = await SqliteEventStore.open({ file: file(), checkpointer: false });
    const mine = await store.store(req(1, { contextId: 'vitals:same', userId: 'owner' }));
    async function* foreign() {
      yield { ...mine, userId: 'someone-else', payload: { note: 'not yours' } };
      yield { ...mine, contextId: 'vitals:new', userId: 'someone-else' };
    }
    expect(await store.importRecords(foreign())).toBe(1);
    expect((await store.get('vitals:same'))!.userId).toBe('owner');
    expect((await store.get('vitals:same'))!.payload).toEqual(mine.payload);
    expect((await store.get('vitals:new'))!.userId).toBe('someone-else');
    await store.close();
  });

  it('a programming error in a request is rejected before it reaches the queue', async () => {
    const store = await SqliteEventStore.open({ file: file(), checkpointer: false });
    await expect(store.store(req(1, { contextId: 'novalue' }))).rejects.toThrow(/malformed context id/);
    await expect(store.store(req(1, { source: 'agent' as never }))).rejects.toThrow(/unknown source/);
    await expect(store.list({ userId: 'u', type: 'vitals', limit: 5, where: { 'a.b': 1 } })).rejects.toThrow(
      /invalid where field/,
    );
    await expect(store.store(req(1, { payload: { t: 'a\u0000b' } }))).rejects.toMatchObject({ status: 400 });
    await store.close();
  });
});

describe('SQLite rendered records (listRendered)', () => {
  const counting = (key: string) => {
    const rendering = {
      key,
      calls: 0,
      render(r: { contextId: string; version: number; payload: unknown }): string {
        rendering.calls++;
        return JSON.stringify([key, r.contextId, r.version, r.payload]);
      },
    };
    return rendering;
  };
  const q: ListQuery = { userId: 'u1', type: 'vitals', limit: 100 };

  it('renders a record once and hands the kept text out until the record or the key changes', async () => {
    const store = await SqliteEventStore.open({ file: file(), checkpointer: false });
    const stored = await store.storeMany(Array.from({ length: 30 }, (_, i) => req(i)));
    const mine = stored.filter((r) => r.userId === 'u1');
    const k1 = counting('fmt Asia/Kolkata');
    const first = await store.listRendered(q, k1);
    expect(first).toHaveLength(mine.length);
    expect(k1.calls).toBe(mine.length);
    // The texts are written back in the next group commit; a later write resolves after it.
    await store.store(req(100, { userId: 'other' }));
    expect(await store.listRendered(q, k1)).toEqual(first);
    expect(k1.calls).toBe(mine.length);
    // A write of one record clears its text: only that one is rendered again, at its new version.
    const one = mine[0];
    await store.store(
      req(1, {
        contextId: one.contextId,
        userId: 'u1',
        payload: { changed: true },
        expectedVersion: one.version,
      }),
    );
    const again = await store.listRendered(q, k1);
    expect(k1.calls).toBe(mine.length + 1);
    expect(again).toEqual(
      (await store.list(q)).items.map((r) =>
        JSON.stringify(['fmt Asia/Kolkata', r.contextId, r.version, r.payload]),
      ),
    );
    // Another key (a user in another zone, a new build) renders everything afresh.
    const k2 = counting('fmt America/New_York');
    await store.listRendered(q, k2);
    expect(k2.calls).toBe(mine.length);
    // Deleting and erasing takes the texts with the rows.
    await store.delete(one.contextId);
    expect((await store.listRendered(q, k1)).some((t) => t.includes(JSON.stringify(one.contextId)))).toBe(
      false,
    );
    await store.deleteAllForUser('u1');
    expect(await store.listRendered(q, k1)).toEqual([]);
    expect(
      store.connection.prepare('SELECT count(*) AS n FROM records WHERE view IS NOT NULL').get(),
    ).toEqual({ n: 0 });
    await store.close();
  });

  it('a text rendered from a version that a queued write replaces is not kept', async () => {
    const store = await SqliteEventStore.open({ file: file(), checkpointer: false });
    const rec = await store.store(req(1, { userId: 'u1' }));
    const k = counting('k');
    // The write is queued before the read and commits in the same group as the write-back: the write-back
    // (of version 1) must not land on version 2.
    const write = store.store({
      ...req(1, { userId: 'u1' }),
      payload: { v: 2 },
      expectedVersion: rec.version,
    });
    expect(await store.listRendered(q, k)).toEqual([JSON.stringify(['k', rec.contextId, 1, rec.payload])]);
    await write;
    await store.store(req(100, { userId: 'other' }));
    const [text] = await store.listRendered(q, k);
    expect(JSON.parse(text)).toEqual(['k', rec.contextId, 2, { v: 2 }]);
    expect(k.calls).toBe(2);
    await store.close();
  });

  it("a text is never written onto another user's record that took the row of an erased one", async () => {
    const store = await SqliteEventStore.open({ file: file(), checkpointer: false });
    const gone = await store.store(req(1, { userId: 'u1', contextId: 'vitals:gone' }));
    const k = counting('k');
    // Queued before the read, committed with the write-back: the erasure frees the row id, the new record of
    // another user takes it (at version 1, as the erased one was).
    const erase = store.deleteAllForUser('u1');
    const other = store.store(req(2, { userId: 'u2', contextId: 'vitals:other', payload: { mine: 'u2' } }));
    expect(await store.listRendered(q, k)).toEqual([JSON.stringify(['k', gone.contextId, 1, gone.payload])]);
    await Promise.all([erase, other]);
    await store.store(req(100, { userId: 'u3' }));
    const [text] = await store.listRendered({ ...q, userId: 'u2' }, k);
    expect(JSON.parse(text)).toEqual(['k', 'vitals:other', 1, { mine: 'u2' }]);
    await store.close();
  });

  it("a read never waits for another connection's write lock to keep its texts (they are dropped)", async () => {
    const f = file();
    const store = await SqliteEventStore.open({ file: f, checkpointer: false });
    await store.store(req(1, { userId: 'u1' }));
    const other = new Database(f);
    other.pragma('busy_timeout = 0');
    other.prepare('BEGIN IMMEDIATE').run(); // an import or a restore holding the write lock
    const k = counting('k');
    expect(await store.listRendered(q, k)).toHaveLength(1);
    const before = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 20)); // the write-back's turn comes and goes
    expect(performance.now() - before).toBeLessThan(1000); // busy_timeout would have held the loop 5 s
    other.prepare('ROLLBACK').run();
    other.close();
    await store.listRendered(q, k);
    expect(k.calls).toBe(2); // dropped, so rendered again
    await store.close();
  });

  it('the page and the rows read after it are one snapshot, whatever another process commits meanwhile', async () => {
    const f = file();
    const store = await SqliteEventStore.open({ file: f, checkpointer: false });
    const a = await store.store(req(1, { userId: 'u1', payload: { meal: 'snack', n: 1 } }));
    const b = await store.store(req(2, { userId: 'u1', payload: { meal: 'snack', n: 2 } }));
    const other = new Database(f);
    let changed = false;
    const k = {
      key: 'k',
      render(r: { contextId: string; payload: unknown }): string {
        if (!changed) {
          // Between the page and the next row: another connection moves b out of the filter.
          other
            .prepare(
              `UPDATE records SET payload = '{"meal":"lunch","n":2}', version = version + 1, view = NULL WHERE context_id = ?`,
            )
            .run(b.contextId);
          changed = true;
        }
        return JSON.stringify(r.payload);
      },
    };
    const page = await store.listRendered({ ...q, where: { meal: 'snack' } }, k);
    // Newest first: a (a day old) before b (two days); b as it was when the page was read.
    expect(page.map((t) => JSON.parse(t))).toEqual([a.payload, b.payload]);
    other.close();
    expect(
      (await store.listRendered({ ...q, where: { meal: 'snack' } }, k)).map((t) => JSON.parse(t)),
    ).toEqual([a.payload]);
    await store.close();
  });

  it('a store of the previous schema gains the columns, its records rendered on first read', async () => {
    const f = file();
    const old = new Database(f);
    old.exec(
      `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL);`,
    );
    old.close();
    const a = await SqliteEventStore.open({ file: f, checkpointer: false });
    await a.store(req(1, { userId: 'u1' }));
    await a.close();
    // Back to schema 2 as an older build left it: no rendered columns.
    const db = new Database(f);
    db.exec(
      'ALTER TABLE records DROP COLUMN view; ALTER TABLE records DROP COLUMN view_key; DELETE FROM schema_migrations WHERE version = 3',
    );
    db.close();
    const b = await SqliteEventStore.open({ file: f, checkpointer: false });
    expect(b.migrationsApplied).toEqual([3]);
    const k = counting('k');
    expect(await b.listRendered(q, k)).toHaveLength(1);
    expect(k.calls).toBe(1);
    await b.close();
  });
});
