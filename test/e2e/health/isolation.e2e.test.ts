import { beforeAll, describe, expect, it } from 'vitest';
import { appSuite, wholeText } from '../../support/app.js';

/**
 * Per-user isolation, generated from the OpenAPI document: user A owns one record of every kind; for every
 * /api route with a path id that names one of them, user B tries A's id with each documented method and gets
 * 404 (never 403, never a change); no GET list of B (every /api GET without a path id) contains A's data.
 */
describe('isolation between users (from GET /docs-json)', () => {
  const { t, users } = appSuite({ users: 2 });
  const [a, b] = users;
  const idOf: Record<string, string> = {};

  beforeAll(async () => {
    // The care-circle routes of A's data (/api/care/people/{owner_id}/…): B is not in A's circle.
    idOf.owner_id = a.id;
    const post = async (path: string, body: unknown): Promise<{ id: string }> => {
      const res = await t.as(a).post(path, body as object);
      if (res.status >= 300) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    };
    await t.as(a).put('/api/profile', { blood_type: 'AB+', allergies: ['isolation-marker'] });
    idOf.vitals_id = (await post('/api/vitals', { heart_rate: 77 })).id;
    idOf.food_log_id = (await post('/api/food-logs', { description: 'poha', meal_type: 'breakfast' })).id;
    idOf.medication_id = (
      await post('/api/medication', { name: 'IsoMed', dosage: '1mg', frequency: 'daily' })
    ).id;
    idOf.schedule_id = (
      await post('/api/medication-schedules', { medication_id: idOf.medication_id, time_of_day: '08:00' })
    ).id;
    idOf.appointment_id = (
      await post('/api/appointments', {
        title: 'Iso visit',
        scheduled_at: new Date(Date.now() + 86400_000).toISOString(),
      })
    ).id;
    idOf.contact_id = (await post('/api/emergency-contacts', { name: 'Iso son', phone: '9123456789' })).id;
    await post('/api/emergency-contacts', { name: 'Iso daughter', phone: '9123456788' });
    // A session a user adds is private to them, like every other record.
    const session = (await post('/api/meditation/sessions', { title: 'Iso calm', duration_minutes: 5 })).id;
    idOf.session_id = session;
    const aIds = [
      (await post('/api/tracking/water/log', { amount_ml: 123 })).id,
      (
        await post('/api/tracking/sleep/log', {
          sleep_start: '2026-03-01T22:00:00Z',
          sleep_end: '2026-03-02T05:00:00Z',
        })
      ).id,
      (
        await post('/api/tracking/exercise/log', {
          exercise_type: 'walk',
          duration_minutes: 10,
          intensity: 'low',
        })
      ).id,
      (await post('/api/tracking/mood/log', { mood: 'good', energy_level: 'high' })).id,
      (await post('/api/medication/log', { medication_id: idOf.medication_id })).id,
      (await post('/api/meditation/log', { session_id: session, duration_minutes: 5 })).id,
      (await post('/api/emergency/alert', { type: 'fall', severity: 'low', description: 'iso alert' })).id,
    ];
    for (const [i, id] of aIds.entries()) idOf[`other_${i}`] = id;
  });

  it('B gets 404 with every method on every route holding one of A ids, and A still has them', async () => {
    const doc = (await t.http.get('/docs-json')).body as { paths: Record<string, Record<string, unknown>> };
    const tried: string[] = [];
    const uncovered: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      if (!path.startsWith('/api/')) continue;
      const params = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      if (!params.length) continue;
      if (!params.every((p) => idOf[p])) {
        uncovered.push(path);
        continue;
      }
      const url = params.reduce((u, p) => u.replace(`{${p}}`, idOf[p]), path);
      for (const method of Object.keys(ops)) {
        if (!['get', 'put', 'post', 'delete', 'patch'].includes(method)) continue;
        const res = await t.http[method as 'get'](url).set(b.auth).send({});
        expect(res.status, `${method.toUpperCase()} ${path} as B`).toBe(404);
        expect(res.body.code).toBe('NOT_FOUND');
        tried.push(`${method} ${path}`);
      }
    }
    // Every health-data route with an id is covered (other modules' ids are checked by their own suites).
    expect(tried.length).toBeGreaterThanOrEqual(15);
    for (const p of uncovered)
      expect(p, 'a health-data route with an id not covered').not.toMatch(
        /vitals|food|medication|meditation|appointments|emergency|profile|tracking/,
      );
    for (const [path, key] of [
      ['/api/vitals/', 'vitals_id'],
      ['/api/food-logs/', 'food_log_id'],
      ['/api/medication/', 'medication_id'],
      ['/api/medication-schedules/', 'schedule_id'],
      ['/api/appointments/', 'appointment_id'],
      ['/api/emergency-contacts/', 'contact_id'],
      ['/api/meditation/sessions/', 'session_id'],
    ]) {
      expect((await t.as(a).get(path + idOf[key])).status, `A still owns ${path}`).toBe(200);
    }
  });

  it("no GET of B (lists, history, export, insights) contains A's user id, record ids or values", async () => {
    const doc = (await t.http.get('/docs-json')).body as { paths: Record<string, Record<string, unknown>> };
    const secrets = [
      a.id,
      ...Object.values(idOf),
      'isolation-marker',
      'Iso son',
      'IsoMed',
      'iso alert',
      'Iso calm',
    ];
    let checked = 0;
    for (const [path, ops] of Object.entries(doc.paths)) {
      if (!path.startsWith('/api/') || path.includes('{') || !('get' in ops)) continue;
      for (const query of ['', '?limit=100', '?query_type=all&use_cache=false']) {
        const res = await wholeText(t.as(b).get(path + query));
        const text = String(res.body);
        for (const s of secrets) expect(text.includes(s), `GET ${path}${query} as B leaks ${s}`).toBe(false);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
  });
});
