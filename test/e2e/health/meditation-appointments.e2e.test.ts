import { describe, expect, it } from 'vitest';
import { appSuite, registerUser, type TestUser } from '../../support/app.js';
import { boundsOf, expectQueryBounds, ids } from '../../support/health.js';

const inDays = (d: number, minutes = 0): string =>
  new Date(Date.now() + d * 86400_000 + minutes * 60_000).toISOString();

describe('meditation and appointments', () => {
  const { t, u } = appSuite();

  it('meditation: own sessions private, URL 400, duplicate title 409, logs and history', async () => {
    const s = await t.as(u).post('/api/meditation/sessions', {
      title: 'Morning breathing',
      duration_minutes: 10,
      category: 'breathing',
      audio_url: 'https://cdn.example.com/a.mp3',
    });
    expect(s.status).toBe(201);
    expect(s.body.user_id).toBe(u.id);
    const bad = await t
      .as(u)
      .post('/api/meditation/sessions', { title: 'Other', duration_minutes: 5, audio_url: 'ftp://x/y.mp3' });
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toMatch(/^Invalid audio URL: /);
    const dup = await t
      .as(u)
      .post('/api/meditation/sessions', { title: ' morning BREATHING ', duration_minutes: 5 });
    expect(dup.status).toBe(409);
    expect(dup.body.detail).toBe('A meditation session with this title already exists');
    const v = await registerUser(t);
    expect(ids((await t.as(v).get('/api/meditation/sessions?category=breathing')).body)).toEqual([]);
    const s2 = await t
      .as(u)
      .post('/api/meditation/sessions', { title: 'Body scan', duration_minutes: 15, category: 'breathing' });
    expect(ids((await t.as(u).get('/api/meditation/sessions?category=breathing')).body)).toEqual([
      s2.body.id,
      s.body.id,
    ]);
    expect(
      ids((await t.as(u).get('/api/meditation/sessions?category=breathing&limit=1&offset=1')).body),
    ).toEqual([s.body.id]);
    expect((await t.as(v).get(`/api/meditation/sessions/${s.body.id}`)).status).toBe(404);
    expect((await t.as(v).get('/api/meditation/sessions/abcdefabcdef')).body.detail).toBe(
      'Meditation session not found',
    );
    const mine = await t
      .as(v)
      .post('/api/meditation/sessions', { title: 'Morning breathing', duration_minutes: 8 });
    expect(mine.status).toBe(201);
    const logAs = (who: TestUser, session_id: string) =>
      t.as(who).post('/api/meditation/log', { session_id, duration_minutes: 9 });
    const log = await logAs(v, mine.body.id);
    expect(log.status).toBe(201);
    expect(log.body).toMatchObject({ session_id: mine.body.id, completed: true, user_id: v.id });
    expect((await logAs(v, 'abcdefabcdef')).status).toBe(404);
    expect((await logAs(v, s.body.id)).status).toBe(404);
    expect(ids((await t.as(v).get('/api/meditation/history')).body)).toEqual([log.body.id]);
    expect((await t.as(u).get('/api/meditation/history')).body).toEqual([]);
    const meditationSessionsBounds = boundsOf(t, u, 'post', '/api/meditation/sessions', { title: 'T1' });
    await meditationSessionsBounds('duration_minutes', [1], [0, 601, 'ten']);
    const meditationLogBounds = boundsOf(t, u, 'post', '/api/meditation/log', { session_id: s.body.id });
    await meditationLogBounds('duration_minutes', [0, 1440], [-1, 1441]);
  });

  it('meditation batch: per-item results', async () => {
    const res = await t
      .as(u)
      .post('/api/meditation/sessions/batch', [
        { title: 'Batch one', duration_minutes: 5 },
        { title: 'Batch one', duration_minutes: 6 },
        { title: 'Batch two' },
        { title: 'Batch three', duration_minutes: 7, audio_url: 'nope' },
      ]);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ total_items: 4, successful_items: 1, failed_items: 3 });
    expect(res.body.batch_context).toMatch(/^batch_operation:/);
    expect(res.body.results.map((r: { status: number }) => r.status)).toEqual([201, 409, 422, 400]);
    expect((await t.as(u).get(`/api/meditation/sessions/${res.body.entity_ids[0]}`)).status).toBe(200);
    expect((await t.as(u).post('/api/meditation/sessions/batch', { title: 'x' })).status).toBe(422);
    expect((await t.as(u).post('/api/meditation/sessions/batch', [])).status).toBe(422);
  });

  it('appointments: create, duplicate near the NEW time 409, query types, cache invalidated on update and delete', async () => {
    const v = await registerUser(t);
    const future = await t.as(v).post('/api/appointments', {
      title: 'Eye check',
      doctor_name: 'Dr. Rao',
      scheduled_at: inDays(10),
      reminder_minutes_before: 60,
    });
    expect(future.status).toBe(201);
    expect(future.body).toMatchObject({
      title: 'Eye check',
      doctor_name: 'Dr. Rao',
      location: null,
      reminder_minutes_before: 60,
      user_id: v.id,
    });
    const dup = await t.as(v).post('/api/appointments', { title: 'Eye check', scheduled_at: inDays(10, 10) });
    expect(dup.status).toBe(409);
    expect(dup.body.detail).toBe('Similar appointment already exists at the same time');
    expect(
      (await t.as(v).post('/api/appointments', { title: 'Dentist', scheduled_at: inDays(10) })).status,
    ).toBe(201);
    const past = await t.as(v).post('/api/appointments', { title: 'Blood test', scheduled_at: inDays(-3) });
    const all = await t.as(v).get('/api/appointments');
    expect(all.body).toHaveLength(3);
    expect(all.body[0].id).toBe(past.body.id);
    expect(ids((await t.as(v).get('/api/appointments?query_type=past')).body)).toEqual([past.body.id]);
    const up = await t.as(v).get('/api/appointments?query_type=upcoming');
    expect(up.body).toHaveLength(2);
    expect((await t.as(v).get('/api/appointments?query_type=soon')).status).toBe(422);
    const moved = await t
      .as(v)
      .put(`/api/appointments/${future.body.id}`, { scheduled_at: inDays(-5), doctor_name: null });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ title: 'Eye check', doctor_name: null, reminder_minutes_before: 60 });
    expect(ids((await t.as(v).get('/api/appointments?query_type=past')).body)).toEqual([
      past.body.id,
      future.body.id,
    ]);
    expect((await t.as(v).delete(`/api/appointments/${past.body.id}`)).status).toBe(204);
    expect(ids((await t.as(v).get('/api/appointments?query_type=past')).body)).toEqual([future.body.id]);
    expect(ids((await t.as(v).get('/api/appointments?query_type=past&use_cache=false')).body)).toEqual([
      future.body.id,
    ]);
    expect((await t.as(v).get(`/api/appointments/${past.body.id}`)).body).toEqual({
      detail: 'Appointment not found',
      code: 'NOT_FOUND',
    });
  });

  it('appointment batch with per-item duplicates, and bounds', async () => {
    const v = await registerUser(t);
    const at = inDays(20);
    const res = await t.as(v).post('/api/appointments/batch', [
      { title: 'Physio', scheduled_at: at },
      { title: 'Physio', scheduled_at: at },
      { title: 'Cardio', scheduled_at: 'tomorrow' },
    ]);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ total_items: 3, successful_items: 1, failed_items: 2 });
    expect(ids((await t.as(v).get('/api/appointments')).body)).toEqual(res.body.entity_ids);
    const base = { title: 'B', scheduled_at: inDays(40) };
    const appointmentsBounds = boundsOf(t, v, 'post', '/api/appointments', base);
    await appointmentsBounds('reminder_minutes_before', [0], [-1, 10081, 1.5]);
    await boundsOf(t, v, 'post', '/api/appointments', { title: 'C' })(
      'scheduled_at',
      [inDays(50)],
      ['2026-02-30T10:00:00Z', undefined],
    );
    await boundsOf(t, v, 'post', '/api/appointments', { scheduled_at: inDays(60) })(
      'title',
      ['a'.repeat(200)],
      ['', 'a'.repeat(201)],
    );
    await expectQueryBounds(t, v, '/api/appointments', 'limit', ['1', '100'], ['0', '101']);
  });
});
