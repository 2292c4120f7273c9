import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, registerUser, type TestApp, type TestUser } from '../support/app.js';
import { link } from '../support/care.js';

/** Every care read route (`/api/care/people/{id}/<path>`) by the category (scope) it needs. */
const PATHS_BY_SCOPE: Record<string, string[]> = {
  vitals: ['vitals'],
  medication: ['medication', 'medication/logs', 'medication/adherence', 'medication/schedule'],
  food_water: ['food-logs', 'tracking/water/history'],
  sleep: ['tracking/sleep/history'],
  exercise_mood: ['tracking/exercise/history', 'tracking/mood/history'],
  appointments: ['appointments'],
  emergency: ['emergency-contacts'],
};
/** Each with the owner's own route it mirrors: the same path under /api. */
const ROUTES = Object.entries(PATHS_BY_SCOPE).flatMap(([scope, paths]) =>
  paths.map((path) => ({ scope, path, own: `/api/${path}` })),
);

describe('care circle: the scope matrix', () => {
  let t: TestApp;
  let a: TestUser;
  let b: TestUser;
  let partial: TestUser;
  let full: TestUser;
  let revoked: TestUser;
  let declined: TestUser;
  let stranger: TestUser;
  let ofB: TestUser;
  const rows: string[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    a = await registerUser(t, { name: 'Owner A' });
    b = await registerUser(t, { name: 'Owner B' });
    [partial, full, revoked, declined, stranger, ofB] = await Promise.all(
      Array.from({ length: 6 }, () => registerUser(t)),
    );
    // A's data in every category.
    const med = await t
      .as(a)
      .post('/api/medication', { name: 'Metformin', dosage: '500mg', frequency: 'daily' });
    const writes: [string, object][] = [
      ['/api/vitals', { heart_rate: 72, blood_pressure_systolic: 128 }],
      ['/api/medication/schedule', { medication_id: med.body.id, time_of_day: '08:00' }],
      ['/api/medication/log', { medication_id: med.body.id }],
      ['/api/food-logs', { description: 'Idli', meal_type: 'breakfast' }],
      ['/api/tracking/water/log', { amount_ml: 250 }],
      ['/api/tracking/sleep/log', { sleep_start: '2026-11-01T22:00:00Z', sleep_end: '2026-11-02T06:00:00Z' }],
      [
        '/api/tracking/exercise/log',
        { exercise_type: 'walking', duration_minutes: 30, intensity: 'moderate' },
      ],
      ['/api/tracking/mood/log', { mood: 'good', energy_level: 'high' }],
      ['/api/appointments', { title: 'Cardiology', scheduled_at: '2027-01-10T10:00:00+05:30' }],
      ['/api/emergency-contacts', { name: 'Neighbour', phone: '+919876500000' }],
    ];
    for (const [path, body] of writes) {
      const r = await t.as(a).post(path, body);
      expect([200, 201], `${path} ${JSON.stringify(r.body)}`).toContain(r.status);
    }
    await t.as(b).post('/api/vitals', { heart_rate: 90 });
    await link(t, a, partial, { role: 'viewer', scopes: ['vitals', 'medication'] });
    await link(t, a, full, {
      role: 'caregiver',
      scopes: [
        'vitals',
        'medication',
        'medication:write',
        'food_water',
        'sleep',
        'exercise_mood',
        'appointments',
        'emergency',
      ],
    });
    await link(t, a, revoked, { role: 'viewer', scopes: ['vitals', 'medication', 'food_water'] });
    expect((await t.as(a).delete(`/api/care/circle/${revoked.id}`)).status).toBe(204);
    const inv = await t.as(a).post('/api/care/invitations', { email: declined.email, scopes: ['vitals'] });
    await t.as(declined).post(`/api/care/invitations/${inv.body.id}/decline`);
    await link(t, b, ofB, { role: 'viewer', scopes: ['vitals'] });
  });
  afterAll(async () => {
    console.log(
      ['care-circle scope matrix (member × category × operation → expected/actual):', ...rows].join('\n'),
    );
    await t.close();
  });

  const record = (who: string, cat: string, op: string, expected: number, actual: number) =>
    rows.push(`  ${who.padEnd(10)} ${cat.padEnd(16)} ${op.padEnd(34)} ${expected}/${actual}`);

  it("each member sees exactly the granted categories, in the owner's own shapes; 404 elsewhere", async () => {
    const members: [string, TestUser, string[]][] = [
      ['partial', partial, ['vitals', 'medication']],
      [
        'full',
        full,
        ['vitals', 'medication', 'food_water', 'sleep', 'exercise_mood', 'appointments', 'emergency'],
      ],
      ['revoked', revoked, []],
      ['declined', declined, []],
      ['stranger', stranger, []],
      ['member-B', ofB, []],
    ];
    for (const [who, m, granted] of members) {
      for (const r of ROUTES) {
        const res = await t.as(m).get(`/api/care/people/${a.id}/${r.path}`);
        const expected = granted.includes(r.scope) ? 200 : 404;
        record(who, r.scope, `GET ${r.path}`, expected, res.status);
        expect(res.status, `${who} GET ${r.path}`).toBe(expected);
        if (expected === 200) {
          const own = await t.as(a).get(r.own);
          expect(res.body, `${who} ${r.path} mirrors ${r.own}`).toEqual(own.body);
          if (Array.isArray(own.body) && r.path !== 'medication/schedule')
            expect(own.body.length).toBeGreaterThan(0);
        } else {
          expect(res.body).toEqual({ detail: 'Not found', code: 'NOT_FOUND' });
        }
      }
    }
    // A member of B sees B's granted category, nothing of A; the same for an unknown person id.
    const bv = await t.as(ofB).get(`/api/care/people/${b.id}/vitals`);
    record('member-B', 'vitals', 'GET vitals (of B)', 200, bv.status);
    expect(bv.status).toBe(200);
    expect(bv.body).toHaveLength(1);
    const nobody = await t.as(full).get(`/api/care/people/00000000-0000-4000-8000-000000000000/vitals`);
    record('full', 'vitals', 'GET vitals (unknown person)', 404, nobody.status);
    expect(nobody.status).toBe(404);
    // Without a token: 401 like every /api route.
    expect((await t.http.get(`/api/care/people/${a.id}/vitals`)).status).toBe(401);
  });

  it('medication:write lets a caregiver mark a dose taken; without it 404', async () => {
    const meds = (await t.as(a).get('/api/medication')).body;
    const body = { medication_id: meds[0].id };
    const byFull = await t.as(full).post(`/api/care/people/${a.id}/medication/log`, body);
    record('full', 'medication:write', 'POST medication/log', 201, byFull.status);
    expect(byFull.status).toBe(201);
    expect(byFull.body).toMatchObject({ medication_id: meds[0].id, medication_name: 'Metformin' });
    const logs = (await t.as(a).get('/api/medication/logs')).body;
    expect(logs.map((l: { id: string }) => l.id)).toContain(byFull.body.id);
    for (const [who, m] of [
      ['partial', partial],
      ['revoked', revoked],
      ['stranger', stranger],
    ] as const) {
      const r = await t.as(m).post(`/api/care/people/${a.id}/medication/log`, body);
      record(who, 'medication:write', 'POST medication/log', 404, r.status);
      expect(r.status).toBe(404);
    }
  });

  it("every member read is in the owner's access log with the member as actor; refused reads are not", async () => {
    const log = (await t.as(a).get('/api/auth/me/access-log?limit=100')).body as {
      actor_id: string | null;
      record_type: string;
      operation: string;
    }[];
    const byActor = (id: string) => log.filter((e) => e.actor_id === id);
    expect(
      byActor(partial.id)
        .map((e) => e.record_type)
        .sort(),
    ).toEqual(expect.arrayContaining(['vitals', 'medication', 'med_log', 'med_schedule']));
    expect(byActor(full.id).some((e) => e.record_type === 'med_log' && e.operation === 'create')).toBe(true);
    for (const id of [revoked.id, declined.id, stranger.id, ofB.id]) expect(byActor(id)).toEqual([]);
    // The owner's own accesses carry no actor; the member's own log holds nothing of A.
    expect(log.some((e) => e.actor_id === null)).toBe(true);
    const memberLog = (await t.as(partial).get('/api/auth/me/access-log?limit=100')).body;
    expect(memberLog).toEqual([]);
  });
});
