import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, registerUser, type TestApp, type TestUser } from '../support/app.js';
import { link } from '../support/care.js';

/** Every care read route: the category (scope) it needs and the owner's own route it mirrors. */
const ROUTES: { scope: string; path: string; own: string }[] = [
  { scope: 'vitals', path: 'vitals', own: '/api/vitals' },
  { scope: 'medication', path: 'medication', own: '/api/medication' },
  { scope: 'medication', path: 'medication/logs', own: '/api/medication/logs' },
  { scope: 'medication', path: 'medication/adherence', own: '/api/medication/adherence' },
  { scope: 'medication', path: 'medication/schedule', own: '/api/medication/schedule' },
  { scope: 'food_water', path: 'food-logs', own: '/api/food-logs' },
  { scope: 'food_water', path: 'tracking/water/history', own: '/api/tracking/water/history' },
  { scope: 'sleep', path: 'tracking/sleep/history', own: '/api/tracking/sleep/history' },
  { scope: 'exercise_mood', path: 'tracking/exercise/history', own: '/api/tracking/exercise/history' },
  { scope: 'exercise_mood', path: 'tracking/mood/history', own: '/api/tracking/mood/history' },
  { scope: 'appointments', path: 'appointments', own: '/api/appointments' },
  { scope: 'emergency', path: 'emergency-contacts', own: '/api/emergency-contacts' },
];

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
    const med = await t.http
      .post('/api/medication')
      .set(a.auth)
      .send({ name: 'Metformin', dosage: '500mg', frequency: 'daily' });
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
      const r = await t.http.post(path).set(a.auth).send(body);
      expect([200, 201], `${path} ${JSON.stringify(r.body)}`).toContain(r.status);
    }
    await t.http.post('/api/vitals').set(b.auth).send({ heart_rate: 90 });
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
    expect((await t.http.delete(`/api/care/circle/${revoked.id}`).set(a.auth)).status).toBe(204);
    const inv = await t.http
      .post('/api/care/invitations')
      .set(a.auth)
      .send({ email: declined.email, scopes: ['vitals'] });
    await t.http.post(`/api/care/invitations/${inv.body.id}/decline`).set(declined.auth);
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
        const res = await t.http.get(`/api/care/people/${a.id}/${r.path}`).set(m.auth);
        const expected = granted.includes(r.scope) ? 200 : 404;
        record(who, r.scope, `GET ${r.path}`, expected, res.status);
        expect(res.status, `${who} GET ${r.path}`).toBe(expected);
        if (expected === 200) {
          const own = await t.http.get(r.own).set(a.auth);
          expect(res.body, `${who} ${r.path} mirrors ${r.own}`).toEqual(own.body);
          if (Array.isArray(own.body) && r.path !== 'medication/schedule')
            expect(own.body.length).toBeGreaterThan(0);
        } else {
          expect(res.body).toEqual({ detail: 'Not found', code: 'NOT_FOUND' });
        }
      }
    }
    // A member of B sees B's granted category, nothing of A; the same for an unknown person id.
    const bv = await t.http.get(`/api/care/people/${b.id}/vitals`).set(ofB.auth);
    record('member-B', 'vitals', 'GET vitals (of B)', 200, bv.status);
    expect(bv.status).toBe(200);
    expect(bv.body).toHaveLength(1);
    const nobody = await t.http
      .get(`/api/care/people/00000000-0000-4000-8000-000000000000/vitals`)
      .set(full.auth);
    record('full', 'vitals', 'GET vitals (unknown person)', 404, nobody.status);
    expect(nobody.status).toBe(404);
    // Without a token: 401 like every /api route.
    expect((await t.http.get(`/api/care/people/${a.id}/vitals`)).status).toBe(401);
  });

  it('medication:write lets a caregiver mark a dose taken; without it 404', async () => {
    const meds = (await t.http.get('/api/medication').set(a.auth)).body;
    const body = { medication_id: meds[0].id };
    const byFull = await t.http.post(`/api/care/people/${a.id}/medication/log`).set(full.auth).send(body);
    record('full', 'medication:write', 'POST medication/log', 201, byFull.status);
    expect(byFull.status).toBe(201);
    expect(byFull.body).toMatchObject({ medication_id: meds[0].id, medication_name: 'Metformin' });
    const logs = (await t.http.get('/api/medication/logs').set(a.auth)).body;
    expect(logs.map((l: { id: string }) => l.id)).toContain(byFull.body.id);
    for (const [who, m] of [
      ['partial', partial],
      ['revoked', revoked],
      ['stranger', stranger],
    ] as const) {
      const r = await t.http.post(`/api/care/people/${a.id}/medication/log`).set(m.auth).send(body);
      record(who, 'medication:write', 'POST medication/log', 404, r.status);
      expect(r.status).toBe(404);
    }
  });

  it("every member read is in the owner's access log with the member as actor; refused reads are not", async () => {
    const log = (await t.http.get('/api/auth/me/access-log?limit=100').set(a.auth)).body as {
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
    const memberLog = (await t.http.get('/api/auth/me/access-log?limit=100').set(partial.auth)).body;
    expect(memberLog).toEqual([]);
  });
});
