import { describe, expect, it } from 'vitest';
import { appSuite } from '../../support/app.js';
import { boundsOf, expectBounds, expectQueryBounds, ids } from '../../support/health.js';

describe('vitals and food logs (/api/vitals, /api/food-logs, legacy /api/health)', () => {
  const { t, u } = appSuite();

  it('creates vitals (201; legacy 200), lists newest first, gets, merges on PUT, deletes (204, then 404)', async () => {
    const a = await t.as(u).post('/api/vitals', {
      blood_pressure_systolic: 128,
      blood_pressure_diastolic: 82,
      heart_rate: 72,
      logged_at: '2026-03-01T08:00:00+05:30',
    });
    expect(a.status).toBe(201);
    expect(a.body).toMatchObject({
      user_id: u.id,
      blood_pressure_systolic: 128,
      heart_rate: 72,
      spo2: null,
      logged_at: '2026-03-01T08:00:00.000+05:30',
    });
    expect(a.body.id).toMatch(/^[0-9a-f]{12}$/);
    // A naive time is read in the user's zone (default Asia/Kolkata).
    const b = await t.as(u).post('/api/health/vitals', { spo2: 97, logged_at: '2026-03-02T08:00:00' });
    expect(b.status).toBe(200);
    expect(b.body.logged_at).toBe('2026-03-02T08:00:00.000+05:30');
    const empty = await t.as(u).post('/api/vitals', { logged_at: '2026-02-01T08:00:00Z' });
    expect(empty.status).toBe(201);
    const list = await t.as(u).get('/api/vitals');
    expect(list.status).toBe(200);
    expect(ids(list.body)).toEqual([b.body.id, a.body.id, empty.body.id]);
    const legacy = await t.as(u).get('/api/health/vitals?date_from=2026-03-01&date_to=2026-03-01');
    expect(ids(legacy.body)).toEqual([a.body.id]);
    expect(ids((await t.as(u).get('/api/vitals?limit=1&offset=1')).body)).toEqual([a.body.id]);
    const put = await t.as(u).put(`/api/vitals/${a.body.id}`, {
      heart_rate: 80,
      spo2: 96,
      blood_pressure_diastolic: null,
      logged_at: '2020-01-01T00:00:00Z',
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      heart_rate: 80,
      spo2: 96,
      blood_pressure_systolic: 128,
      blood_pressure_diastolic: null,
      logged_at: a.body.logged_at,
    });
    expect((await t.as(u).get(`/api/vitals/${a.body.id}`)).body).toEqual(put.body);
    expect((await t.as(u).put(`/api/vitals/${a.body.id}`, { heart_rate: 400 })).status).toBe(422);
    const del = await t.as(u).delete(`/api/vitals/${a.body.id}`);
    expect(del.status).toBe(204);
    expect(del.text).toBe('');
    const gone = await t.as(u).get(`/api/vitals/${a.body.id}`);
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual({ detail: 'Vitals entry not found', code: 'NOT_FOUND' });
    expect((await t.as(u).delete(`/api/vitals/${a.body.id}`)).status).toBe(404);
    expect((await t.as(u).put(`/api/vitals/${a.body.id}`, { heart_rate: 70 })).status).toBe(404);
    expect(ids((await t.as(u).get('/api/vitals')).body)).not.toContain(a.body.id);
    expect((await t.as(u).get('/api/vitals/not:an:id')).status).toBe(404);
  });

  it('validates every vitals bound just inside and just outside', async () => {
    const p = '/api/vitals';
    const vitalsBounds = boundsOf(t, u, 'post', p);
    await vitalsBounds('blood_pressure_systolic', [50, 250], [49, 251, 120.5, '120']);
    await vitalsBounds('blood_pressure_diastolic', [30, 150], [29, 151]);
    await vitalsBounds('heart_rate', [30, 220], [29, 221]);
    await vitalsBounds('blood_sugar', [0, 600, 95.5], [-0.1, 600.1]);
    await vitalsBounds('temperature', [30, 45], [29.9, 45.1]);
    await vitalsBounds('weight_kg', [0.5, 80.5, 500], [0.4, 500.1, 1.7e308]);
    await vitalsBounds('spo2', [50, 100], [49.9, 100.1]);
    await vitalsBounds('fasting', [true, false], ['yes']);
    await vitalsBounds(
      'logged_at',
      ['2026-03-01T08:00:00Z', '2026-03-01T08:00', '2026-03-01'],
      ['2026-13-01T08:00:00Z', 'yesterday', 12345],
    );
    await expectBounds(t, u, 'post', '/api/health/vitals', {}, 'heart_rate', [30], [29], 200);
    await expectQueryBounds(t, u, p, 'limit', ['1', '100'], ['0', '101', 'x']);
    await expectQueryBounds(t, u, p, 'offset', ['0', '5'], ['-1']);
    await expectQueryBounds(t, u, p, 'date_from', ['2026-03-01'], ['2026-02-30', '03/01/2026']);
    expect((await t.as(u).post(p).set('content-type', 'application/json').send('{bad')).status).toBe(400);
  });

  it('food logs: create (201; legacy 200), meal_type filter, date in the user zone, merge rules, 404 text', async () => {
    const lunch = await t.as(u).post('/api/food-logs', {
      description: 'dal rice',
      meal_type: 'lunch',
      calories: 450,
      logged_at: '2026-03-01T13:00:00+05:30',
    });
    expect(lunch.status).toBe(201);
    expect(lunch.body).toMatchObject({
      description: 'dal rice',
      meal_type: 'lunch',
      calories: 450,
      protein_g: null,
      user_id: u.id,
    });
    // 2026-03-01T20:00Z is 2 March 01:30 in Kolkata: it belongs to 2 March for this user.
    const late = await t.as(u).post('/api/health/food/log?related_to=vitals:abcdefabcdef', {
      description: 'milk',
      meal_type: 'snack',
      logged_at: '2026-03-01T20:00:00Z',
    });
    expect(late.status).toBe(200);
    expect(late.body.logged_at).toBe('2026-03-02T01:30:00.000+05:30');
    const day1 = await t.as(u).get('/api/food-logs?date=2026-03-01');
    expect(ids(day1.body)).toEqual([lunch.body.id]);
    const day2 = await t.as(u).get('/api/health/food/logs?date=2026-03-02');
    expect(ids(day2.body)).toEqual([late.body.id]);
    expect(ids((await t.as(u).get('/api/food-logs?meal_type=snack')).body)).toEqual([late.body.id]);
    expect((await t.as(u).get('/api/food-logs?meal_type=brunch')).status).toBe(422);
    const put = await t.as(u).put(`/api/food-logs/${lunch.body.id}`, { calories: null, protein_g: 12 });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      description: 'dal rice',
      calories: null,
      protein_g: 12,
      meal_type: 'lunch',
      logged_at: lunch.body.logged_at,
    });
    expect((await t.as(u).put(`/api/food-logs/${lunch.body.id}`, { meal_type: 'brunch' })).status).toBe(422);
    expect((await t.as(u).delete(`/api/food-logs/${lunch.body.id}`)).status).toBe(204);
    const gone = await t.as(u).get(`/api/food-logs/${lunch.body.id}`);
    expect(gone.body).toEqual({ detail: 'Food log entry not found', code: 'NOT_FOUND' });
  });

  it('validates food bounds', async () => {
    const base = { description: 'idli', meal_type: 'breakfast' };
    const foodLogsBounds = boundsOf(t, u, 'post', '/api/food-logs', base);
    await foodLogsBounds(
      'meal_type',
      ['breakfast', 'lunch', 'dinner', 'snack', 'other'],
      ['brunch', '', null],
    );
    await foodLogsBounds('calories', [0], [-1]);
    await foodLogsBounds('protein_g', [0], [-0.5]);
    await foodLogsBounds('carbs_g', [0], [-0.5]);
    await foodLogsBounds('fat_g', [0], [-0.5]);
    await foodLogsBounds('description', ['x', 'a'.repeat(1000)], ['', 'a'.repeat(1001), undefined]);
    const missing = await t.as(u).post('/api/food-logs', {});
    expect(missing.status).toBe(422);
    expect(missing.body.detail).toEqual(
      expect.arrayContaining([{ loc: ['body', 'description'], msg: 'Field required', type: 'missing' }]),
    );
    await expectQueryBounds(t, u, '/api/food-logs', 'related_to', [], []);
    expect((await t.as(u).post('/api/food-logs?related_to=notacontext', base)).status).toBe(422);
  });
});
