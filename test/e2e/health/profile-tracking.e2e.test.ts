import { describe, expect, it } from 'vitest';
import { appSuite, registerUser } from '../../support/app.js';
import { boundsOf, expectQueryBounds, ids } from '../../support/health.js';

describe('profile and tracking', () => {
  const { t, u } = appSuite();

  it('profile: empty GET, POST 200 then 400, PUT merges, AB+ valid, timezone changes how times are shown, DELETE 204', async () => {
    const empty = await t.as(u).get('/api/profile');
    expect(empty.status).toBe(200);
    expect(empty.body).toMatchObject({
      user_id: u.id,
      blood_type: null,
      allergies: [],
      timezone: 'Asia/Kolkata',
    });
    const created = await t.as(u).post('/api/profile', {
      date_of_birth: '1958-04-12',
      gender: 'M',
      height_cm: 170,
      blood_type: 'AB+',
      allergies: ['penicillin'],
      name: 'ignored',
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      date_of_birth: '1958-04-12',
      gender: 'M',
      blood_type: 'AB+',
      allergies: ['penicillin'],
      medical_conditions: [],
    });
    expect(created.body).not.toHaveProperty('name');
    const again = await t.as(u).post('/api/profile', { gender: 'F' });
    expect(again.status).toBe(400);
    expect(again.body).toEqual({ detail: 'Profile already exists. Use PUT to update.', code: 'BAD_REQUEST' });
    const put = await t
      .as(u)
      .put('/api/profile', { weight_kg: 70, gender: null, timezone: 'America/New_York' });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      weight_kg: 70,
      gender: null,
      height_cm: 170,
      blood_type: 'AB+',
      allergies: ['penicillin'],
      timezone: 'America/New_York',
    });
    expect(put.body.updated_at).toMatch(/-0[45]:00$/);
    const w = await t
      .as(u)
      .post('/api/tracking/water/log', { amount_ml: 250, logged_at: '2026-07-01T12:00:00Z' });
    expect(w.body.logged_at).toBe('2026-07-01T08:00:00.000-04:00');
    expect((await t.as(u).put('/api/profile', { timezone: 'Mars/Olympus' })).status).toBe(422);
    expect((await t.as(u).delete('/api/profile')).status).toBe(204);
    const after = await t.as(u).get('/api/profile');
    expect(after.body).toMatchObject({ blood_type: null, timezone: 'Asia/Kolkata' });
    expect((await t.as(u).post('/api/profile', { gender: 'F' })).status).toBe(200);
    const putNew = await registerUser(t);
    const upsert = await t.as(putNew).put('/api/profile', { blood_type: 'O-' });
    expect(upsert.status).toBe(200);
    expect(upsert.body.blood_type).toBe('O-');
  });

  it('profile bounds', async () => {
    const p = '/api/profile';
    const profileBounds = boundsOf(t, u, 'put', p);
    await profileBounds(
      'blood_type',
      ['A+', 'A-', 'B+', 'B-', 'AB+', 'AB-', 'O+', 'O-'],
      ['C+', 'AB', 'ab+', 'A'],
    );
    await profileBounds('height_cm', [30, 180.5, 300], [29.9, 300.1]);
    await profileBounds('weight_kg', [0.5, 500], [0.4, 500.1]);
    await profileBounds('date_of_birth', ['2000-02-29'], ['2001-02-29', '12-04-1958']);
    await profileBounds('allergies', [[], ['x']], ['peanuts', [1]]);
    await profileBounds('timezone', ['UTC', 'Asia/Kolkata'], ['IST+1', '']);
  });

  it('water, sleep, exercise, mood: create 201 with defaults, histories filtered by day in the user zone, newest first', async () => {
    const v = await registerUser(t);
    const w1 = await t
      .as(v)
      .post('/api/tracking/water/log', { amount_ml: 300, logged_at: '2026-03-01T07:00:00+05:30' });
    expect(w1.status).toBe(201);
    expect(w1.body).toEqual({
      id: w1.body.id,
      user_id: v.id,
      amount_ml: 300,
      logged_at: '2026-03-01T07:00:00.000+05:30',
      created_at: w1.body.created_at,
    });
    const w2 = await t.as(v).post('/api/tracking/water/log', { amount_ml: 200 });
    expect(w2.status).toBe(201);
    expect(ids((await t.as(v).get('/api/tracking/water/history')).body)).toEqual([w2.body.id, w1.body.id]);
    expect(ids((await t.as(v).get('/api/tracking/water/history?date=2026-03-01')).body)).toEqual([
      w1.body.id,
    ]);

    const s = await t.as(v).post('/api/tracking/sleep/log', {
      sleep_start: '2026-02-28T22:30:00+05:30',
      sleep_end: '2026-03-01T06:00:00+05:30',
    });
    expect(s.status).toBe(201);
    expect(s.body).toMatchObject({
      quality: 'good',
      notes: null,
      sleep_start: '2026-02-28T22:30:00.000+05:30',
    });
    expect(
      ids((await t.as(v).get('/api/tracking/sleep/history?date_from=2026-02-28&date_to=2026-02-28')).body),
    ).toEqual([s.body.id]);
    expect((await t.as(v).get('/api/tracking/sleep/history?date_from=2026-03-01')).body).toEqual([]);

    const e = await t.as(v).post('/api/tracking/exercise/log', {
      exercise_type: 'walking',
      duration_minutes: 30,
      intensity: 'moderate',
    });
    expect(e.status).toBe(201);
    expect(e.body).toMatchObject({
      exercise_type: 'walking',
      duration_minutes: 30,
      calories_burned: null,
      intensity: 'moderate',
    });
    expect(ids((await t.as(v).get('/api/tracking/exercise/history')).body)).toEqual([e.body.id]);

    const m = await t.as(v).post('/api/tracking/mood/log', {
      mood: 'good',
      energy_level: 'high',
      logged_at: '2026-03-03T10:00:00+05:30',
    });
    expect(m.status).toBe(201);
    expect(
      ids((await t.as(v).get('/api/tracking/mood/history?date_from=2026-03-03&date_to=2026-03-03')).body),
    ).toEqual([m.body.id]);
  });

  it('tracking bounds and enums', async () => {
    const waterLogBounds = boundsOf(t, u, 'post', '/api/tracking/water/log');
    await waterLogBounds('amount_ml', [0, 10000], [-1, 10001, undefined]);
    const sleep = { sleep_start: '2026-03-01T22:00:00+05:30', sleep_end: '2026-03-02T06:00:00+05:30' };
    const sleepLogBounds = boundsOf(t, u, 'post', '/api/tracking/sleep/log', sleep);
    await sleepLogBounds('quality', ['poor', 'fair', 'good', 'excellent'], ['great', 3]);
    await sleepLogBounds(
      'sleep_end',
      ['2026-03-01T22:00:01+05:30', '2026-03-02T22:00:00+05:30'],
      ['2026-03-01T22:00:00+05:30', '2026-03-02T22:00:01+05:30', undefined],
    );
    const ex = { exercise_type: 'yoga', duration_minutes: 20, intensity: 'low' };
    const exerciseLogBounds = boundsOf(t, u, 'post', '/api/tracking/exercise/log', ex);
    await exerciseLogBounds('intensity', ['low', 'moderate', 'high', 'vigorous'], ['medium']);
    await exerciseLogBounds('duration_minutes', [0, 1440], [-1, 1441, 2.5]);
    await exerciseLogBounds('calories_burned', [0], [-1]);
    const mood = { mood: 'neutral', energy_level: 'medium' };
    const moodLogBounds = boundsOf(t, u, 'post', '/api/tracking/mood/log', mood);
    await moodLogBounds('mood', ['very_bad', 'bad', 'neutral', 'good', 'very_good'], ['happy']);
    await moodLogBounds('energy_level', ['very_low', 'low', 'medium', 'high', 'very_high'], ['none']);
    await expectQueryBounds(t, u, '/api/tracking/mood/history', 'limit', ['1', '100'], ['0', '101']);
    await expectQueryBounds(t, u, '/api/tracking/water/history', 'date', ['2026-03-01'], ['2026-3-1']);
  });
});
