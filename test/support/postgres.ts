import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { late } from './app.js';

/**
 * Creates a throw-away database on the server named by `adminUrl` (TEST_DATABASE_URL) and returns its URL
 * and a drop function, so integration suites never share state.
 */
export async function createTempDatabase(
  adminUrl: string,
  prefix = 'podd_test',
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** For a suite: a throw-away database created before the suite and dropped after it (`url` read inside hooks/tests). */
export function tempDatabaseSuite(adminUrl: string | undefined, prefix: string): { url: string } {
  const box: { db?: { url: string; drop(): Promise<void> } } = {};
  beforeAll(async () => {
    box.db = await createTempDatabase(adminUrl!, prefix);
  });
  afterAll(async () => {
    await box.db?.drop();
  });
  return late(() => box.db, 'the temporary database');
}
