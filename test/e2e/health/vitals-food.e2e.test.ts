import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, registerUser, type TestApp, type TestUser } from '../../support/app.js';

describe('vitals and food logs (/api/vitals, /api/food-logs, legacy /api/health)', () => {
  let t: TestApp;
  let u: TestUser;
  beforeAll(async () => {
    t = await createTestApp();
    u = await registerUser(t);
  });
  afterAll(async () => {
    await t.close();
  });

  it('creates vitals (201; legacy 200), lists newest first, gets, merges on PUT, deletes (204, then 404)', async () => {
    const a = await t.http.post('/api/vitals').set(u.auth).send({ blood_pressure_systolic: 128, blood_pressure_diastolic: 82, heart_rate: 72, logged_at: '2026-03-01T08:00:00+05:30' });
    expect(a.status).toBe(201);
    expect(a.body).toMatchObject({ user_id: u.id, blood_pressure_systolic: 128, heart_rate: 72, spo2: null, logged_at: '2026-03-01T08:00:00.000+05:30' });
    expect(a.body.id).toMatch(/^[0-9a-f]{12}$/);
    const b = await t.http.post('/api/health/vitals').set(u.auth).send({ spo2: 97, logged_at: '2026-03-02T08:00:00' });
    expect(b.status).toBe(200);
    expect(b.body.logged_at).toBe('2026-03-02T08:00:00.000+05:30');
    const list = await t.http.get('/api/vitals').set(u.auth);
    expect(list.status).toBe(200);
    expect(list.body.map((r: { id: string }) => r.id)).toEqual([b.body.id, a.body.id]);
    const legacy = await t.http.get('/api/health/vitals?date_from=2026-03-01&date_to=2026-03-01').set(u.auth);
    expect(legacy.body.map((r: { id: string }) => r.id)).toEqual([a.body.id]);
    const put = await t.http.put(`/api/vitals/${a.body.id}`).set(u.auth).send({ heart_rate: 80, spo2: 96, blood_pressure_diastolic: null, logged_at: '2020-01-01T00:00:00Z' });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ heart_rate: 80, spo2: 96, blood_pressure_systolic: 128, blood_pressure_diastolic: null, logged_at: a.body.logged_at });
    expect((await t.http.get(`/api/vitals/${a.body.id}`).set(u.auth)).body).toEqual(put.body);
    expect((await t.http.delete(`/api/vitals/${a.body.id}`).set(u.auth)).status).toBe(204);
    const gone = await t.http.get(`/api/vitals/${a.body.id}`).set(u.auth);
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual({ detail: 'Vitals entry not found', code: 'NOT_FOUND' });
    expect((await t.http.get('/api/vitals').set(u.auth)).body.map((r: { id: string }) => r.id)).toEqual([b.body.id]);
  });
});
