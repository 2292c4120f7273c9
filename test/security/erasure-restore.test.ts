import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EmbeddedEventStore } from '../../src/locusgraph/embedded/embedded-event-store.js';
import { EVENT_STORE } from '../../src/locusgraph/locusgraph.module.js';
import { createTestApp, registerUser, type TestApp } from '../support/app.js';
import { runCliCaptured } from '../support/cli.js';

/**
 * A backup taken before an erasure holds the erased account. Restoring it must not bring the account back:
 * `podd restore` reads the tombstones of the store it replaces and erases those users again (records and
 * account) in the restored files.
 */

const root = mkdtempSync(join(tmpdir(), 'podd-erase-restore-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const dataDir = join(root, 'data');
const secret = 'x'.repeat(40);

const cli = (argv: string[]) =>
  runCliCaptured(argv, { NODE_ENV: 'test', DATA_DIR: dataDir, JWT_SECRET: secret }, root);

async function withApp<T>(fn: (t: TestApp) => Promise<T>): Promise<T> {
  const t = await createTestApp({ dataDir, env: { JWT_SECRET: secret } });
  try {
    return await fn(t);
  } finally {
    await t.close();
  }
}

describe('restore after an erasure', () => {
  it('a backup taken before the erasure does not bring the erased account back', async () => {
    const users = await withApp(async (t) => {
      const gone = await registerUser(t);
      const kept = await registerUser(t);
      for (const u of [gone, kept])
        for (let i = 0; i < 3; i++)
          expect(
            (await t.as(u).post('/api/food-logs', { description: `meal ${i}`, meal_type: 'lunch' })).status,
          ).toBe(201);
      return { gone, kept };
    });
    const backup = await cli(['backup', '--dir', join(root, 'backups')]);
    expect(backup.code, backup.stderr).toBe(0);
    await withApp(async (t) => {
      expect((await t.http.delete('/api/auth/me').set(users.gone.auth)).status).toBe(204);
    });

    const [folder] = readdirSync(join(root, 'backups'));
    const restored = await cli(['restore', join(root, 'backups', folder)]);
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).toMatch(/restored 3 record\(s\)/);
    expect(restored.stdout).toMatch(/erased again: 1 account/);

    await withApp(async (t) => {
      const login = (u: { email: string; password: string }) =>
        t.http.post('/api/auth/login').send({ email: u.email, password: u.password });
      expect((await login(users.gone)).status).toBe(401);
      const ok = await login(users.kept);
      expect(ok.status).toBe(200);
      const list = await t.http.get('/api/food-logs').set('Authorization', `Bearer ${ok.body.access_token}`);
      expect(list.body).toHaveLength(3);
      const es = t.app.get<EmbeddedEventStore>(EVENT_STORE);
      expect(await es.count({ userId: users.gone.id })).toBe(0);
    });
  }, 60_000);
});
