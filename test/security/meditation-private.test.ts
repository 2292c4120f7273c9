import { beforeAll, describe, expect, it } from 'vitest';
import { LocusGraphGateway } from '../../src/locusgraph/locusgraph.gateway.js';
import { appSuite, registerUser, wholeText, type TestUser } from '../support/app.js';
import { ids } from '../support/health.js';

/**
 * The meditation catalogue is not writable by users: a session a user adds is private to them — never
 * seen by anyone else, in their export, deletable by them, erased with their account. The built-in
 * catalogue (changed only by seed) is listed to everyone and deletable by no one.
 */
describe('meditation sessions: own sessions private, built-in catalogue read-only', () => {
  const { t, users } = appSuite({ users: 2 });
  const [a, b] = users;
  let builtIn: string;
  let gateway: LocusGraphGateway;

  const sessions = (u: TestUser, query = '') => t.as(u).get(`/api/meditation/sessions${query}`);

  beforeAll(async () => {
    gateway = t.app.get(LocusGraphGateway);
    // A seed writes the catalogue straight to the store, with no owner.
    const seeded = await gateway.store({
      contextId: 'meditation_session:0123456789ab',
      userId: null,
      kind: 'knowledge',
      source: 'document',
      payload: {
        title: 'Calm breathing',
        description: null,
        audio_url: null,
        duration_minutes: 5,
        category: 'breathing',
      },
      occurredAt: new Date(Date.now() - 86400_000),
    });
    builtIn = seeded.id;
  });

  it("B never sees, reads, logs, deletes or collides with A's session", async () => {
    const created = await t.as(a).post('/api/meditation/sessions', {
      title: 'Click here',
      audio_url: 'https://phish.example/x.mp3',
      duration_minutes: 5,
    });
    expect(created.status).toBe(201);
    expect(created.body.user_id).toBe(a.id);
    const id = created.body.id as string;
    const batch = await t
      .as(a)
      .post('/api/meditation/sessions/batch', [{ title: 'Batch calm', duration_minutes: 3 }]);
    expect(batch.status).toBe(201);
    const batchId = batch.body.entity_ids[0] as string;

    expect(ids((await sessions(a, '?limit=100')).body)).toEqual([batchId, id, builtIn]);
    for (const q of ['', '?limit=100', '?use_cache=false', '?category=breathing']) {
      const listed = await sessions(b, q);
      expect(listed.status).toBe(200);
      expect(ids(listed.body)).toEqual([builtIn]);
      expect(JSON.stringify(listed.body)).not.toContain('phish');
    }
    for (const sid of [id, batchId]) {
      expect((await t.as(b).get(`/api/meditation/sessions/${sid}`)).status).toBe(404);
      expect((await t.as(b).delete(`/api/meditation/sessions/${sid}`)).status).toBe(404);
      const log = await t.as(b).post('/api/meditation/log', { session_id: sid, duration_minutes: 5 });
      expect(log.status).toBe(404);
    }
    // Titles are unique per user (and against the catalogue), not across users.
    const same = await t.as(b).post('/api/meditation/sessions', { title: 'Click here', duration_minutes: 5 });
    expect(same.status).toBe(201);
    expect(
      (await t.as(b).post('/api/meditation/sessions', { title: 'calm BREATHING', duration_minutes: 5 }))
        .status,
    ).toBe(409);
    expect((await t.as(a).get(`/api/meditation/sessions/${id}`)).status).toBe(200);
  });

  it('the built-in catalogue is listed to everyone, can be logged, and cannot be deleted', async () => {
    for (const u of [a, b]) {
      const one = await t.as(u).get(`/api/meditation/sessions/${builtIn}`);
      expect(one.status).toBe(200);
      expect(one.body).toMatchObject({ id: builtIn, user_id: null, title: 'Calm breathing' });
      expect((await t.as(u).delete(`/api/meditation/sessions/${builtIn}`)).status).toBe(404);
      const log = await t.as(u).post('/api/meditation/log', { session_id: builtIn, duration_minutes: 5 });
      expect(log.status).toBe(201);
    }
    expect(await gateway.get(`meditation_session:${builtIn}`)).not.toBeNull();
  });

  it('the creator deletes their session (204); it is then gone for them too', async () => {
    const s = await t.as(a).post('/api/meditation/sessions', { title: 'To delete', duration_minutes: 5 });
    expect((await t.as(a).delete(`/api/meditation/sessions/${s.body.id}`)).status).toBe(204);
    expect((await t.as(a).get(`/api/meditation/sessions/${s.body.id}`)).status).toBe(404);
    expect((await t.as(a).delete(`/api/meditation/sessions/${s.body.id}`)).status).toBe(404);
    expect(ids((await sessions(a, '?limit=100')).body)).not.toContain(s.body.id);
  });

  it("is in the creator's export and erased with the creator's account", async () => {
    const c = await registerUser(t);
    const s = await t
      .as(c)
      .post('/api/meditation/sessions', { title: 'Evening wind-down', duration_minutes: 12 });
    expect(s.status).toBe(201);
    const exported = await wholeText(t.as(c).get('/api/auth/me/export'));
    expect(exported.status).toBe(200);
    const records = (JSON.parse(exported.body as string) as { records: { context_id: string }[] }).records;
    expect(records.map((r) => r.context_id)).toContain(`meditation_session:${s.body.id}`);
    expect(records.map((r) => r.context_id)).not.toContain(`meditation_session:${builtIn}`);

    expect((await t.as(c).delete('/api/auth/me')).status).toBe(204);
    expect(await gateway.get(`meditation_session:${s.body.id}`)).toBeNull();
    expect(ids((await sessions(a, '?limit=100')).body)).not.toContain(s.body.id);
    expect(await gateway.get(`meditation_session:${builtIn}`)).not.toBeNull();
  });
});
