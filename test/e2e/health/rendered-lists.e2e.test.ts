import { describe, expect, it } from 'vitest';
import { appSuite } from '../../support/app.js';
import { ids } from '../../support/health.js';

// Lists answer texts the store keeps beside each record (rendered once, until the record, the user's zone or
// the build changes). These check the answer is always what a fresh render gives.
describe('record lists from kept renderings', () => {
  const { t, users } = appSuite({ users: 2 });
  const [u, v] = users;

  it('a list read again, after a change and after a zone change, equals each record read alone', async () => {
    const made: { id: string }[] = [];
    for (const [i, at] of ['2026-03-01T08:00:00Z', '2026-03-02T08:00:00Z', '2026-03-03T08:00:00Z'].entries())
      made.push(
        (await t.as(u).post('/api/vitals', { heart_rate: 70 + i, fasting: i === 0, logged_at: at })).body,
      );
    await t.as(v).post('/api/vitals', { heart_rate: 99, logged_at: '2026-03-02T09:00:00Z' });

    const each = async (): Promise<unknown[]> =>
      Promise.all(made.map(async (m) => (await t.as(u).get(`/api/vitals/${m.id}`)).body).reverse());
    const first = await t.as(u).get('/api/vitals');
    expect(first.status).toBe(200);
    expect(first.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(first.body).toEqual(await each());
    const second = await t.as(u).get('/api/vitals');
    expect(second.text).toBe(first.text);

    // A changed reading shows its new values; the others are unchanged.
    await t.as(u).put(`/api/vitals/${made[1].id}`, { heart_rate: 88, spo2: 97 });
    const changed = await t.as(u).get('/api/vitals');
    expect(changed.body[1]).toMatchObject({ id: made[1].id, heart_rate: 88, spo2: 97 });
    expect(changed.body).toEqual(await each());

    // The user's zone changes how every time is shown, in the list as in a single read.
    expect((await t.as(u).post('/api/profile', { timezone: 'America/New_York' })).status).toBeLessThan(300);
    const zoned = await t.as(u).get('/api/vitals');
    expect(zoned.body[0].logged_at).toBe('2026-03-03T03:00:00.000-05:00');
    expect(zoned.body).toEqual(await each());
    await t.as(u).put('/api/profile', { timezone: 'Asia/Kolkata' });
    expect((await t.as(u).get('/api/vitals')).body[0].logged_at).toBe('2026-03-03T13:30:00.000+05:30');

    // Another user's list never shows these; a deleted reading is gone from the list.
    expect(ids((await t.as(v).get('/api/vitals')).body)).not.toContain(made[0].id);
    await t.as(u).delete(`/api/vitals/${made[0].id}`);
    expect(ids((await t.as(u).get('/api/vitals')).body)).toEqual([made[2].id, made[1].id]);
    expect((await t.as(u).get('/api/vitals?limit=1&offset=1')).body).toEqual([(await each())[1]]);
  });

  it('a list filter of a resource (food by meal) applies to the kept renderings too', async () => {
    const lunch = await t.as(v).post('/api/food-logs', { description: 'dal', meal_type: 'lunch' });
    const snack = await t.as(v).post('/api/food-logs', { description: 'chai', meal_type: 'snack' });
    for (let i = 0; i < 2; i++) {
      expect(ids((await t.as(v).get('/api/food-logs?meal_type=lunch')).body)).toEqual([lunch.body.id]);
      expect((await t.as(v).get('/api/food-logs?meal_type=snack')).body).toEqual([snack.body]);
    }
  });
});
