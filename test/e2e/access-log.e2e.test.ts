import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { appSuite, registerUser, type TestUser } from '../support/app.js';
import { conformance, fetchOpenApi } from '../support/openapi.js';

interface Entry {
  id: string;
  actor_id: string | null;
  record_type: string;
  operation: string;
  record_id: string | null;
  count: number;
  request_id: string;
  at: string;
}

describe('health-data access log (GET /api/auth/me/access-log)', () => {
  const { t, users } = appSuite({ users: 2 });
  const [a, b] = users;

  const log = async (u: TestUser, q = 'limit=100'): Promise<Entry[]> => {
    const res = await t.as(u).get(`/api/auth/me/access-log?${q}`);
    expect(res.status).toBe(200);
    return res.body as Entry[];
  };

  it('records who did what to which record type, from which request, newest first, without values', async () => {
    const created = await t
      .as(a)
      .post('/api/vitals')
      .set('X-Request-Id', 'req-create-vitals-1')
      .send({ heart_rate: 187, blood_pressure_systolic: 151 });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    await t.as(a).get(`/api/vitals/${id}`).set('X-Request-Id', 'req-read-vitals-1');
    await t.as(a).get('/api/vitals?limit=5').set('X-Request-Id', 'req-list-vitals-1');
    await t.as(a).put(`/api/vitals/${id}`).set('X-Request-Id', 'req-update-1').send({ heart_rate: 99 });
    await t
      .as(a)
      .post('/api/health/food/log')
      .set('X-Request-Id', 'req-food-1')
      .send({ description: 'unique-food-XYZ', meal_type: 'lunch', calories: 432 });
    await t.as(a).get('/api/auth/me/export').set('X-Request-Id', 'req-export-1');
    await t.as(a).delete(`/api/vitals/${id}`).set('X-Request-Id', 'req-delete-1');

    const entries = await log(a);
    const byReq = (rid: string) => entries.filter((e) => e.request_id === rid);
    expect(byReq('req-create-vitals-1')).toContainEqual(
      expect.objectContaining({ record_type: 'vitals', operation: 'create', record_id: id, count: 1 }),
    );
    expect(byReq('req-read-vitals-1')).toContainEqual(
      expect.objectContaining({ record_type: 'vitals', operation: 'read', record_id: id }),
    );
    expect(byReq('req-list-vitals-1')).toContainEqual(
      expect.objectContaining({ record_type: 'vitals', operation: 'list', record_id: null, count: 1 }),
    );
    expect(byReq('req-update-1').map((e) => e.operation)).toContain('update');
    expect(byReq('req-food-1')).toContainEqual(
      expect.objectContaining({ record_type: 'food', operation: 'create' }),
    );
    expect(byReq('req-export-1')).toContainEqual(
      expect.objectContaining({ record_type: '*', operation: 'export' }),
    );
    expect(byReq('req-delete-1')).toContainEqual(
      expect.objectContaining({ record_type: 'vitals', operation: 'delete', record_id: id }),
    );
    // Newest first.
    const sorted = [...entries].sort((x, y) => (x.id < y.id ? 1 : -1));
    expect(entries.map((e) => e.id)).toEqual(sorted.map((e) => e.id));
    expect(entries[0].request_id).toBe('req-delete-1');
    for (const e of entries) expect(Number.isNaN(Date.parse(e.at))).toBe(false);
    // Never a value.
    const text = JSON.stringify(entries);
    expect(text).not.toContain('unique-food-XYZ');
    for (const e of entries) {
      expect(Object.keys(e).sort()).toEqual([
        'actor_id',
        'at',
        'count',
        'id',
        'operation',
        'record_id',
        'record_type',
        'request_id',
      ]);
      expect(e.count).not.toBe(187);
      // Your own accesses have no actor (a care-circle member's reads carry theirs).
      expect(e.actor_id).toBeNull();
    }
    // Documented.
    const doc = await fetchOpenApi(t);
    expect(conformance(doc, 'get', '/api/auth/me/access-log', 200, entries)).toEqual([]);
  });

  it('pages (limit/offset, 422 out of range) and needs a token', async () => {
    const all = await log(a);
    const first = await log(a, 'limit=2&offset=0');
    const second = await log(a, 'limit=2&offset=2');
    expect(first.map((e) => e.id)).toEqual(all.slice(0, 2).map((e) => e.id));
    expect(second.map((e) => e.id)).toEqual(all.slice(2, 4).map((e) => e.id));
    expect((await t.as(a).get('/api/auth/me/access-log?limit=0')).status).toBe(422);
    expect((await t.http.get('/api/auth/me/access-log')).status).toBe(401);
  });

  it("is per user: another user's probes of your records are not logged as yours, nor do they see your log", async () => {
    const rec = await t.as(a).post('/api/vitals', { spo2: 97 });
    const before = (await log(a)).length;
    const probe = await t.as(b).get(`/api/vitals/${rec.body.id}`).set('X-Request-Id', 'req-probe');
    expect(probe.status).toBe(404);
    const after = await log(a);
    expect(after.length).toBe(before);
    expect(after.some((e) => e.request_id === 'req-probe')).toBe(false);
    const bLog = await log(b);
    expect(bLog.some((e) => e.record_id === rec.body.id)).toBe(false);
    expect(bLog.every((e) => !after.some((x) => x.id === e.id))).toBe(true);
  });

  it('while another connection holds the auth DB write lock, the response waits for the entry, the event loop does not', async () => {
    const d = await registerUser(t);
    const holder = new Database(join(t.dataDir, 'podd_auth.db'));
    holder.pragma('busy_timeout = 2000');
    holder.exec('BEGIN IMMEDIATE');
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    let answered = false;
    const pending = t
      .as(d)
      .get('/api/vitals')
      .set('X-Request-Id', 'req-locked-1')
      .then((r) => {
        answered = true;
        return r;
      });
    try {
      await new Promise((r) => setTimeout(r, 200));
      expect(answered, 'answered before its access-log entry was committed').toBe(false);
      expect(ticks, 'event-loop turns while the entry waited for the lock').toBeGreaterThan(10);
    } finally {
      holder.exec('COMMIT');
      holder.close();
      clearInterval(timer);
    }
    expect((await pending).status).toBe(200);
    expect((await log(d)).some((e) => e.request_id === 'req-locked-1' && e.operation === 'list')).toBe(true);
  });

  it('accesses through chat and erasure are logged too; the log lives in the auth database, apart from the records', async () => {
    const c = await registerUser(t);
    const chat = await t
      .as(c)
      .post('/api/chat')
      .set('X-Request-Id', 'req-chat-1')
      .send({ message: 'I drank 2 glasses of water' });
    expect(chat.status).toBe(200);
    expect((await log(c)).filter((e) => e.request_id === 'req-chat-1').length).toBeGreaterThan(0);
    const erase = await t.as(c).delete('/api/auth/me').set('X-Request-Id', 'req-erase-1');
    expect(erase.status).toBe(204);
    const db = new Database(join(t.dataDir, 'podd_auth.db'), { readonly: true, fileMustExist: true });
    try {
      const rows = db
        .prepare('SELECT record_type, operation, request_id FROM access_log WHERE user_id = ?')
        .all(c.id) as { record_type: string; operation: string; request_id: string }[];
      expect(rows).toContainEqual({ record_type: '*', operation: 'erase', request_id: 'req-erase-1' });
    } finally {
      db.close();
    }
    const events = new Database(join(t.dataDir, 'locusgraph.db'), { readonly: true, fileMustExist: true });
    try {
      const tables = events.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as {
        name: string;
      }[];
      expect(tables.map((x) => x.name)).not.toContain('access_log');
    } finally {
      events.close();
    }
  });
});
