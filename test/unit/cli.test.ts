import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliCaptured } from '../support/cli.js';
import { loadConfig } from '../../src/config/app-config.js';
import { openEventStore } from '../../src/locusgraph/embedded/open-event-store.js';
import { SQLITE_SCHEMA_VERSION } from '../../src/locusgraph/embedded/sqlite-event-store.js';
import type { StoredRecord } from '../../src/locusgraph/locusgraph.types.js';
import { observation } from '../support/records.js';

const root = mkdtempSync(join(tmpdir(), 'podd-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

function env(extra: Record<string, string> = {}): Record<string, string> {
  const dataDir = join(root, `data${++n}`);
  mkdirSync(dataDir, { recursive: true });
  return { NODE_ENV: 'test', DATA_DIR: dataDir, ...extra };
}

const cli = (argv: string[], e: Record<string, string>, stdin = '') => runCliCaptured(argv, e, root, stdin);

async function withStore<T>(
  e: Record<string, string>,
  fn: (s: Awaited<ReturnType<typeof openEventStore>>) => Promise<T>,
): Promise<T> {
  const store = await openEventStore(loadConfig({ ...e }), { checkpointer: false });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

async function seed(e: Record<string, string>, users: number, per: number): Promise<void> {
  await withStore(e, async (s) => {
    for (let u = 0; u < users; u++) {
      await s.storeMany(
        Array.from({ length: per }, (_, i) => ({
          contextId: `vitals:u${u}r${i}`,
          userId: `u${u}`,
          kind: 'observation' as const,
          source: 'user' as const,
          payload: { vital_type: 'heart_rate', value: 60 + i, note: `reading ${i} ✓` },
          occurredAt: new Date(Date.UTC(2026, 10, 1) + i * 60_000),
        })),
      );
    }
  });
}

const all = (e: Record<string, string>): Promise<StoredRecord[]> =>
  withStore(e, async (s) => {
    const out: StoredRecord[] = [];
    for await (const r of s.exportRecords()) out.push(r);
    return out.sort((a, b) => a.contextId.localeCompare(b.contextId));
  });

describe('podd CLI', () => {
  it('prints help, and refuses unknown commands, bad options and bad configuration with distinct codes', async () => {
    expect((await cli(['help'], env())).code).toBe(0);
    expect((await cli([], env())).code).toBe(2);
    const unknown = await cli(['frobnicate'], env());
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command "frobnicate"/);
    const badOpt = await cli(['export', '--bogus'], env());
    expect(badOpt.code).toBe(2);
    expect(badOpt.stderr).toMatch(/bogus/);
    const badConfig = await cli(['migrate'], env({ PORT: 'eighty' }));
    expect(badConfig.code).toBe(78);
    expect(badConfig.stderr).toMatch(/PORT/);
    expect((await cli(['backup', '--keep-days', 'x'], env())).code).toBe(2);
  });

  it('export refuses a DATA_DIR without an event store instead of exporting an empty one', async () => {
    const e = env();
    const res = await cli(['export'], e);
    expect(res.code).not.toBe(0);
    expect(res.stderr).toMatch(/event store .*locusgraph\.db does not exist/);
    expect(res.stdout).toBe('');
    expect(existsSync(join(e.DATA_DIR, 'locusgraph.db'))).toBe(false);
  });

  it('migrate applies the event store and auth migrations once', async () => {
    const e = env();
    const first = await cli(['migrate'], e);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/event store: applied 1/);
    expect(first.stdout).toMatch(/auth database: applied/);
    const second = await cli(['migrate'], e);
    expect(second.stdout).toBe('event store: up to date\nauth database: up to date\n');
  });

  it('export → import into an empty store gives identical records (file and stdin/stdout)', async () => {
    const src = env();
    await seed(src, 3, 40);
    const file = join(root, 'all.ndjson');
    const exp = await cli(['export', '--out', file], src);
    expect(exp.code).toBe(0);
    expect(exp.stderr).toMatch(/exported 120 record/);
    expect(exp.stdout).toBe('');
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(120);
    expect(JSON.parse(lines[0])).toMatchObject({
      context_id: 'vitals:u0r0',
      user_id: 'u0',
      occurred_at: '2026-11-01T00:00:00.000Z',
    });
    expect(existsSync(file + '.partial')).toBe(false);

    const dst = env();
    const imp = await cli(['import', file], dst);
    expect(imp.code).toBe(0);
    expect(imp.stderr).toMatch(/imported 120 record/);
    expect(await all(dst)).toEqual(await all(src));

    const one = await cli(['export', '--user', 'u1'], src);
    const oneLines = one.stdout.trimEnd().split('\n');
    expect(oneLines).toHaveLength(40);
    expect(oneLines.every((l) => JSON.parse(l).user_id === 'u1')).toBe(true);
    const dst2 = env();
    expect((await cli(['import', '-'], dst2, one.stdout)).code).toBe(0);
    expect((await all(dst2)).map((r) => r.contextId)).toEqual(
      (await all(src)).filter((r) => r.userId === 'u1').map((r) => r.contextId),
    );
  });

  it('import reports the first bad line and exits 1', async () => {
    const e = env();
    const good = (
      await cli(
        ['export'],
        await (async () => {
          const s = env();
          await seed(s, 1, 2);
          return s;
        })(),
      )
    ).stdout;
    const res = await cli(['import', '-'], e, good + '{"context_id": 42}\n');
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/line 3: context_id must be a string/);
    expect((await cli(['import', 'missing.ndjson'], e)).stderr).toMatch(/no such file/);
  });

  it('backup (online, while the store is open) → change → restore brings the backup back', async () => {
    const e = env();
    await seed(e, 2, 25);
    expect((await cli(['migrate'], e)).code).toBe(0);
    const live = await openEventStore(loadConfig({ ...e }), { checkpointer: false });
    const backupDir = join(root, `backups${n}`);
    const b = await cli(['backup', '--dir', backupDir], e);
    expect(b.code).toBe(0);
    expect(b.stdout).toMatch(/event store: 50 record/);
    const [folder] = readdirSync(backupDir);
    expect(folder).toMatch(/^podd-backup-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z$/);
    const dir = join(backupDir, folder);
    expect(readdirSync(dir).sort()).toEqual([
      'locusgraph.db',
      'manifest.json',
      'podd_auth.db',
      'records.ndjson',
    ]);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({
      event_store: { records: 50, schema_version: SQLITE_SCHEMA_VERSION },
      export: { records: 50 },
    });
    const before = await all(e);

    // Later changes that the restore must undo.
    await live.delete('vitals:u0r0');
    await live.store(observation('vitals:new', {}, 'u9'));

    // Refused while the database is open (its -wal/-shm files exist).
    const refused = await cli(['restore', dir], e);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/stop the Podd service first/);
    await live.close();

    const r = await cli(['restore', dir], e);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/restored 50 record/);
    expect(r.stdout).toMatch(/previous file kept as: .*locusgraph\.db\.pre-restore-/);
    expect(await all(e)).toEqual(before);
  });

  it('restore verifies the checksum, the line count and the database integrity before touching anything', async () => {
    const e = env();
    await seed(e, 1, 30);
    const backupDir = join(root, `backups${n}`);
    expect((await cli(['backup', '--dir', backupDir], e)).code).toBe(0);
    const dir = join(backupDir, readdirSync(backupDir)[0]);
    const target = env();

    const ndjson = join(dir, 'records.ndjson');
    const original = readFileSync(ndjson);
    writeFileSync(ndjson, original.subarray(0, original.lastIndexOf('\n', original.length - 2) + 1));
    const cut = await cli(['restore', dir], target);
    expect(cut.code).toBe(1);
    expect(cut.stderr).toMatch(/checksum/);
    writeFileSync(ndjson, original);

    const db = join(dir, 'locusgraph.db');
    const bytes = readFileSync(db);
    const broken = Buffer.from(bytes);
    broken.fill(0x5a, 4096 * 2, 4096 * 2 + 2000); // scribble over a page
    writeFileSync(db, broken);
    const corrupt = await cli(['restore', dir], target);
    expect(corrupt.code).toBe(1);
    expect(corrupt.stderr).toMatch(/integrity_check|not a valid SQLite|malformed/);
    expect(existsSync(join(target.DATA_DIR, 'locusgraph.db'))).toBe(false);
    writeFileSync(db, bytes);

    expect((await cli(['restore', dir], target)).code).toBe(0);
    expect((await all(target)).length).toBe(30);
  });

  it('backup prunes folders older than --keep-days and abandoned partial ones', async () => {
    const e = env();
    await seed(e, 1, 3);
    const backupDir = join(root, `backups${n}`);
    for (const old of [
      'podd-backup-2020-01-01T00-00-00-000Z',
      'podd-backup-2020-01-02T00-00-00-000Z.partial',
      'unrelated',
    ]) {
      mkdirSync(join(backupDir, old), { recursive: true });
    }
    const recent = `podd-backup-${new Date(Date.now() - 86_400_000).toISOString().replace(/[:.]/g, '-')}`;
    mkdirSync(join(backupDir, recent));
    const b = await cli(['backup', '--dir', backupDir, '--keep-days', '3'], e);
    expect(b.code).toBe(0);
    expect(b.stdout).toMatch(
      /pruned: podd-backup-2020-01-01T00-00-00-000Z, podd-backup-2020-01-02T00-00-00-000Z\.partial/,
    );
    const left = readdirSync(backupDir).sort();
    expect(left).toHaveLength(3);
    expect(left).toContain('unrelated');
    expect(left).toContain(recent);
  });

  it('outbox status and requeue', async () => {
    const e = env({ LOCUSGRAPH_API_KEY: 'k', LOCUSGRAPH_GRAPH_ID: 'g' });
    await withStore(e, async (s) => {
      await s.store(observation('vitals:o1', { v: 1 }));
      const [entry] = await s.claimDue(Date.now(), 1);
      await s.deadLetter(entry.seq, 'HTTP 400 unknown field');
    });
    const status = await cli(['outbox', 'status'], e);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/outbox depth: 0/);
    expect(status.stdout).toMatch(/store vitals:o1 attempts=1 .*HTTP 400 unknown field/);
    const rq = await cli(['outbox', 'requeue'], e);
    expect(rq.stdout).toBe('requeued 1 dead letter(s)\n');
    expect((await cli(['outbox', 'status'], e)).stdout).toMatch(
      /outbox depth: 1\ndead letters \(newest 20\): none/,
    );
    expect((await cli(['outbox', 'nope'], e)).code).toBe(2);
  });
});
