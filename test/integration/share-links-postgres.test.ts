import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, registerUser, requireService, type TestApp } from '../support/app.js';
import { createTempDatabase } from '../support/postgres.js';

const adminUrl = requireService('TEST_DATABASE_URL');

/** Share links on PostgreSQL: the migration applies; create, open (counted, logged), revoke, erase with the user. */
describe.runIf(adminUrl)('report share links on PostgreSQL (auth DB on DATABASE_URL)', () => {
  let db: { url: string; drop(): Promise<void> };
  let t: TestApp;
  beforeAll(async () => {
    db = await createTempDatabase(adminUrl!, 'podd_share');
    t = await createTestApp({ env: { DATABASE_URL: db.url } });
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  it('a link opens the report, is counted and logged, then 404 once revoked; erasing the user removes it', async () => {
    const u = await registerUser(t, { name: 'Pg User' });
    const created = await t.http
      .post('/api/reports/share')
      .set(u.auth)
      .send({ expires_in_hours: 168, days: 90 });
    expect(created.status).toBe(201);
    const path = new URL(created.body.url).pathname;
    const opened = await t.http.get(path);
    expect(opened.status).toBe(200);
    expect(opened.text).toContain('Pg User');
    const list = await t.http.get('/api/reports/share').set(u.auth);
    expect(list.body).toEqual([
      expect.objectContaining({ id: created.body.id, open_count: 1, days: 90, status: 'active' }),
    ]);
    expect(Date.parse(list.body[0].expires_at) - Date.parse(list.body[0].created_at)).toBe(168 * 3_600_000);
    const log = await t.http.get('/api/auth/me/access-log').set(u.auth);
    expect(log.body).toContainEqual(
      expect.objectContaining({ operation: 'shared', record_id: created.body.id }),
    );
    expect((await t.http.delete(`/api/reports/share/${created.body.id}`).set(u.auth)).status).toBe(204);
    expect((await t.http.get(path)).status).toBe(404);

    const again = await t.http.post('/api/reports/share').set(u.auth).send({ expires_in_hours: 1 });
    expect((await t.http.delete('/api/auth/me').set(u.auth)).status).toBe(204);
    expect((await t.http.get(new URL(again.body.url).pathname)).status).toBe(404);
  });
});
