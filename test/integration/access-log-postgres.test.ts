import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, registerUser, requireService, type TestApp } from '../support/app.js';
import { createTempDatabase } from '../support/postgres.js';

const adminUrl = requireService('TEST_DATABASE_URL');

/** The access log on PostgreSQL: the migration applies, entries are written and paged newest first. */
describe.runIf(adminUrl)('access log on PostgreSQL (auth DB and event store on DATABASE_URL)', () => {
  let db: { url: string; drop(): Promise<void> };
  let t: TestApp;
  beforeAll(async () => {
    db = await createTempDatabase(adminUrl!, 'podd_access');
    t = await createTestApp({ env: { DATABASE_URL: db.url } });
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  it('logs accesses with their request ids, newest first, paged', async () => {
    const u = await registerUser(t);
    const v = await t.http
      .post('/api/vitals')
      .set(u.auth)
      .set('X-Request-Id', 'pg-create')
      .send({ spo2: 96 });
    expect(v.status).toBe(201);
    await t.http.get(`/api/vitals/${v.body.id}`).set(u.auth).set('X-Request-Id', 'pg-read');
    await t.http.get('/api/vitals').set(u.auth).set('X-Request-Id', 'pg-list');
    const res = await t.http.get('/api/auth/me/access-log?limit=2').set(u.auth);
    expect(res.status).toBe(200);
    expect(
      res.body.map((e: { request_id: string; operation: string }) => [e.request_id, e.operation]),
    ).toEqual([
      ['pg-list', 'list'],
      ['pg-read', 'read'],
    ]);
    const next = await t.http.get('/api/auth/me/access-log?limit=2&offset=2').set(u.auth);
    expect(next.body).toContainEqual(
      expect.objectContaining({
        request_id: 'pg-create',
        operation: 'create',
        record_type: 'vitals',
        count: 1,
      }),
    );
  });
});
