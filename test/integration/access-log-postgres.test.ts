import { describe, expect, it } from 'vitest';
import { appSuite, registerUser, requireService } from '../support/app.js';
import { tempDatabaseSuite } from '../support/postgres.js';

const adminUrl = requireService('TEST_DATABASE_URL');

/** The access log on PostgreSQL: the migration applies, entries are written and paged newest first. */
describe.runIf(adminUrl)('access log on PostgreSQL (auth DB and event store on DATABASE_URL)', () => {
  const db = tempDatabaseSuite(adminUrl, 'podd_access');
  const { t } = appSuite({ users: 0, env: () => ({ DATABASE_URL: db.url }) });

  it('logs accesses with their request ids, newest first, paged', async () => {
    const u = await registerUser(t);
    const v = await t.as(u).post('/api/vitals').set('X-Request-Id', 'pg-create').send({ spo2: 96 });
    expect(v.status).toBe(201);
    await t.as(u).get(`/api/vitals/${v.body.id}`).set('X-Request-Id', 'pg-read');
    await t.as(u).get('/api/vitals').set('X-Request-Id', 'pg-list');
    const res = await t.as(u).get('/api/auth/me/access-log?limit=2');
    expect(res.status).toBe(200);
    expect(
      res.body.map((e: { request_id: string; operation: string }) => [e.request_id, e.operation]),
    ).toEqual([
      ['pg-list', 'list'],
      ['pg-read', 'read'],
    ]);
    const next = await t.as(u).get('/api/auth/me/access-log?limit=2&offset=2');
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
