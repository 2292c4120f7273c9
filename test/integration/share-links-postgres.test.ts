import { describe, expect, it } from 'vitest';
import { appSuite, registerUser, requireService } from '../support/app.js';
import { tempDatabaseSuite } from '../support/postgres.js';

const adminUrl = requireService('TEST_DATABASE_URL');

/** Share links on PostgreSQL: the migration applies; create, open (counted, logged), revoke, erase with the user. */
describe.runIf(adminUrl)('report share links on PostgreSQL (auth DB on DATABASE_URL)', () => {
  const db = tempDatabaseSuite(adminUrl, 'podd_share');
  const { t } = appSuite({ users: 0, env: () => ({ DATABASE_URL: db.url }) });

  it('a link opens the report, is counted and logged, then 404 once revoked; erasing the user removes it', async () => {
    const u = await registerUser(t, { name: 'Pg User' });
    const created = await t.as(u).post('/api/reports/share', { expires_in_hours: 168, days: 90 });
    expect(created.status).toBe(201);
    const path = new URL(created.body.url).pathname;
    const opened = await t.http.get(path);
    expect(opened.status).toBe(200);
    expect(opened.text).toContain('Pg User');
    const list = await t.as(u).get('/api/reports/share');
    expect(list.body).toEqual([
      expect.objectContaining({ id: created.body.id, open_count: 1, days: 90, status: 'active' }),
    ]);
    expect(Date.parse(list.body[0].expires_at) - Date.parse(list.body[0].created_at)).toBe(168 * 3_600_000);
    const log = await t.as(u).get('/api/auth/me/access-log');
    expect(log.body).toContainEqual(
      expect.objectContaining({ operation: 'shared', record_id: created.body.id }),
    );
    expect((await t.as(u).delete(`/api/reports/share/${created.body.id}`)).status).toBe(204);
    expect((await t.http.get(path)).status).toBe(404);

    const again = await t.as(u).post('/api/reports/share', { expires_in_hours: 1 });
    expect((await t.as(u).delete('/api/auth/me')).status).toBe(204);
    expect((await t.http.get(new URL(again.body.url).pathname)).status).toBe(404);
  });
});
