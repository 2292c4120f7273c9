import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestApp, registerUser } from '../support/app.js';
import { runCliCaptured } from '../support/cli.js';

/**
 * Files holding accounts, health records or secrets are the owner's only: the SQLite files and their -wal and
 * -shm, the generated JWT secret, backups and exports are 0600, and folders we create are 0700 — whatever
 * the umask (the test sets a permissive one). Files of an older install are tightened at start-up.
 */

const root = mkdtempSync(join(tmpdir(), 'podd-modes-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const mode = (path: string): string => (statSync(path).mode & 0o777).toString(8);
const DB_FILES = ['locusgraph.db', 'podd_auth.db'].flatMap((f) => [f, `${f}-wal`, `${f}-shm`]);

const cli = (argv: string[], env: Record<string, string>) => runCliCaptured(argv, env, root);

async function runApp(dataDir: string): Promise<void> {
  // No JWT_SECRET: the development secret is generated into DATA_DIR/.jwt_secret.
  const t = await createTestApp({ dataDir, env: { JWT_SECRET: '' } });
  try {
    const u = await registerUser(t);
    expect((await t.as(u).post('/api/vitals', { heart_rate: 70 })).status).toBe(201);
    // While the app runs, the -wal and -shm files exist.
    for (const f of DB_FILES) expect([f, mode(join(dataDir, f))]).toEqual([f, '600']);
  } finally {
    await t.close();
  }
}

describe('file modes', () => {
  const previous = process.umask(0o022);
  afterAll(() => void process.umask(previous));

  it('DATA_DIR 0700; SQLite files, -wal, -shm and the generated JWT secret 0600', async () => {
    const dataDir = join(root, 'fresh', 'data');
    await runApp(dataDir);
    expect(mode(dataDir)).toBe('700');
    expect(mode(join(root, 'fresh'))).toBe('700');
    expect(mode(join(dataDir, '.jwt_secret'))).toBe('600');
    for (const f of ['locusgraph.db', 'podd_auth.db'])
      expect([f, mode(join(dataDir, f))]).toEqual([f, '600']);
  });

  it('tightens the files of an older install at start-up', async () => {
    const dataDir = join(root, 'old', 'data');
    await runApp(dataDir);
    for (const f of readdirSync(dataDir)) chmodSync(join(dataDir, f), 0o644);
    await runApp(dataDir);
    for (const f of ['locusgraph.db', 'podd_auth.db', '.jwt_secret'])
      expect([f, mode(join(dataDir, f))]).toEqual([f, '600']);
  });

  it('backup folders 0700 and every file in them 0600; exports 0600', async () => {
    const dataDir = join(root, 'cli', 'data');
    await runApp(dataDir);
    const env = { NODE_ENV: 'test', DATA_DIR: dataDir };
    const b = await cli(['backup'], env);
    expect(b.code, b.stderr).toBe(0);
    const backups = join(dataDir, 'backups');
    expect(mode(backups)).toBe('700');
    const [folder] = readdirSync(backups);
    expect(mode(join(backups, folder))).toBe('700');
    const files = readdirSync(join(backups, folder));
    expect(files).toEqual(expect.arrayContaining(['locusgraph.db', 'podd_auth.db', 'records.ndjson']));
    for (const f of files) expect([f, mode(join(backups, folder, f))]).toEqual([f, '600']);

    const out = join(root, 'export.ndjson');
    const x = await cli(['export', '--out', out], env);
    expect(x.code, x.stderr).toBe(0);
    expect(existsSync(out)).toBe(true);
    expect(mode(out)).toBe('600');
  });
});
