import { describe, expect, it } from 'vitest';
import { appSuite, registerUser } from '../../support/app.js';
import { boundsOf, expectQueryBounds, ids } from '../../support/health.js';

describe('medication, dose logs, schedules, adherence', () => {
  const { t, u } = appSuite();

  it('medication CRUD: PUT without active keeps it inactive; active_only; delete removes its schedules', async () => {
    const m = await t
      .as(u)
      .post('/api/medication', { name: 'Metformin', dosage: '500mg', frequency: 'twice daily' });
    expect(m.status).toBe(201);
    expect(m.body).toMatchObject({ name: 'Metformin', active: true, instructions: null, user_id: u.id });
    const off = await t
      .as(u)
      .put(`/api/medication/${m.body.id}`, { active: false, instructions: 'after food' });
    expect(off.body).toMatchObject({ active: false, instructions: 'after food' });
    const again = await t.as(u).put(`/api/medication/${m.body.id}`, { dosage: '1000mg' });
    expect(again.body).toMatchObject({
      active: false,
      dosage: '1000mg',
      name: 'Metformin',
      instructions: 'after food',
    });
    const other = await t
      .as(u)
      .post('/api/medication', { name: 'Amlodipine', dosage: '5mg', frequency: 'daily' });
    expect(ids((await t.as(u).get('/api/medication?active_only=true')).body)).toEqual([other.body.id]);
    expect(ids((await t.as(u).get('/api/medication')).body)).toEqual([other.body.id, m.body.id]);
    const s = await t.as(u).post('/api/medication-schedules', {
      medication_id: m.body.id,
      time_of_day: '8:05',
      days_of_week: ['Mon', 'wed'],
    });
    expect(s.status).toBe(201);
    expect(s.body).toMatchObject({
      medication_id: m.body.id,
      medication_name: 'Metformin',
      time_of_day: '08:05',
      days_of_week: ['mon', 'wed'],
    });
    expect((await t.as(u).delete(`/api/medication/${m.body.id}`)).status).toBe(204);
    expect((await t.as(u).get(`/api/medication/${m.body.id}`)).body).toEqual({
      detail: 'Medication not found',
      code: 'NOT_FOUND',
    });
    expect((await t.as(u).get(`/api/medication-schedules/${s.body.id}`)).status).toBe(404);
  });

  it('dose log by id or exact name (422 without either, 404 unknown name), echoes notes, history with filters', async () => {
    const m = await t
      .as(u)
      .post('/api/medication', { name: 'Telmisartan', dosage: '40mg', frequency: 'daily' });
    const none = await t.as(u).post('/api/medication/log', {});
    expect(none.status).toBe(422);
    expect(none.body.detail[0].msg).toBe(
      'Value error, Either medication_id or medication_name must be provided',
    );
    const unknown = await t.as(u).post('/api/medication/log', { medication_name: 'telmisartan' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.detail).toBe(
      "Medication 'telmisartan' not found. Please create the medication first.",
    );
    const byName = await t.as(u).post('/api/medication/log', {
      medication_name: 'Telmisartan',
      notes: 'with water',
      taken_at: '2026-03-01T08:10:00+05:30',
      scheduled_time: '2026-03-01T08:00:00+05:30',
    });
    expect(byName.status).toBe(201);
    expect(byName.body).toMatchObject({
      medication_id: m.body.id,
      medication_name: 'Telmisartan',
      notes: 'with water',
      scheduled_time: '2026-03-01T08:00:00.000+05:30',
    });
    const byId = await t.as(u).post('/api/medication/log?related_to=medication:' + m.body.id, {
      medication_id: m.body.id,
      taken_at: '2026-03-02T08:00:00+05:30',
    });
    expect(byId.status).toBe(201);
    expect((await t.as(u).post('/api/medication/log', { medication_id: 'abcdefabcdef' })).status).toBe(404);
    expect(ids((await t.as(u).get('/api/medication/logs')).body)).toEqual([byId.body.id, byName.body.id]);
    expect(
      ids((await t.as(u).get('/api/medication/logs?date_from=2026-03-01&date_to=2026-03-01')).body),
    ).toEqual([byName.body.id]);
    expect((await t.as(u).get('/api/medication/logs?medication_id=abcdefabcdef')).body).toEqual([]);
    await expectQueryBounds(t, u, '/api/medication/logs', 'limit', ['1', '100'], ['0', '101']);
  });

  it('schedules: HH:MM and 3-letter days validated (422), id is the schedule id, PUT keeps omitted days', async () => {
    const m = await t.as(u).post('/api/medication', { name: 'Aspirin', dosage: '75mg', frequency: 'daily' });
    const base = { medication_id: m.body.id, time_of_day: '09:00' };
    const medicationScheduleBounds = boundsOf(t, u, 'post', '/api/medication/schedule', base);
    await medicationScheduleBounds(
      'time_of_day',
      ['00:00', '23:59', '7:5'],
      ['24:00', '12:60', '9am', '', undefined],
    );
    const medicationSchedulesBounds = boundsOf(t, u, 'post', '/api/medication-schedules', base);
    await medicationSchedulesBounds(
      'days_of_week',
      [[], ['sun'], ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']],
      [['monday'], ['xyz'], 'mon'],
    );
    const bad = await t.as(u).post('/api/medication-schedules', { ...base, days_of_week: ['monday'] });
    expect(bad.body.detail[0].msg).toBe(
      'Invalid day: monday. Use 3-letter lowercase format (mon, tue, wed, thu, fri, sat, sun)',
    );
    const s = await t.as(u).post('/api/medication/schedule', {
      medication_name: 'Aspirin',
      time_of_day: '21:00',
      days_of_week: ['fri'],
    });
    expect(s.status).toBe(201);
    const got = await t.as(u).get(`/api/medication-schedules/${s.body.id}`);
    expect(got.status).toBe(200);
    const put = await t.as(u).put(`/api/medication-schedules/${s.body.id}`, { time_of_day: '22:30' });
    expect(put.body).toMatchObject({
      time_of_day: '22:30',
      days_of_week: ['fri'],
      medication_name: 'Aspirin',
    });
    expect(
      (await t.as(u).put(`/api/medication-schedules/${s.body.id}`, { days_of_week: ['funday'] })).status,
    ).toBe(422);
    expect(ids((await t.as(u).get(`/api/medication-schedules?medication_id=${m.body.id}`)).body)).toContain(
      s.body.id,
    );
    expect(
      (await t.as(u).get('/api/medication/schedule')).body.find((x: { id: string }) => x.id === s.body.id)
        .medication_name,
    ).toBe('Aspirin');
    expect((await t.as(u).delete(`/api/medication-schedules/${s.body.id}`)).status).toBe(204);
    expect((await t.as(u).get(`/api/medication-schedules/${s.body.id}`)).body.detail).toBe(
      'Medication schedule not found',
    );
  });

  it('adherence per schedule and overall in the user zone', async () => {
    const v = await registerUser(t);
    const m = await t
      .as(v)
      .post('/api/medication', { name: 'Metformin', dosage: '500mg', frequency: 'daily' });
    const s = await t
      .as(v)
      .post('/api/medication-schedules', { medication_id: m.body.id, time_of_day: '08:00' });
    const today = new Date(Date.now() + 5.5 * 3600_000).toISOString().slice(0, 10);
    const res = await t.as(v).get(`/api/medication/adherence?date_from=${today}&date_to=${today}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ timezone: 'Asia/Kolkata', date_from: today, date_to: today });
    expect(res.body.by_schedule).toHaveLength(1);
    expect(res.body.by_schedule[0]).toMatchObject({
      schedule_id: s.body.id,
      medication_name: 'Metformin',
      time_of_day: '08:00',
    });
    expect(res.body.overall.scheduled).toBeLessThanOrEqual(1);
    expect(
      (await t.as(v).get('/api/medication/adherence?date_from=2026-03-10&date_to=2026-03-01')).status,
    ).toBe(422);
    expect(
      (await t.as(v).get('/api/medication/adherence?date_from=2026-01-01&date_to=2026-04-03')).status,
    ).toBe(422);
    expect(
      (await t.as(v).get('/api/medication/adherence?date_from=2026-01-01&date_to=2026-04-02')).status,
    ).toBe(200);
    const d = await t.as(v).get('/api/medication/adherence');
    expect(d.status).toBe(200);
  });

  it('medication bounds', async () => {
    const base = { name: 'X', dosage: '1mg', frequency: 'daily' };
    const medicationBounds = boundsOf(t, u, 'post', '/api/medication', base);
    await medicationBounds('name', ['A', 'a'.repeat(200)], ['', 'a'.repeat(201), undefined]);
    await boundsOf(t, u, 'post', '/api/medication', { ...base, name: 'Y' })('dosage', ['1'], ['', undefined]);
    await boundsOf(t, u, 'post', '/api/medication', { ...base, name: 'Z' })('active', [true, false], ['yes']);
    await expectQueryBounds(t, u, '/api/medication', 'active_only', ['true', 'false', '1'], ['maybe']);
  });
});
