import { monitorEventLoopDelay } from 'node:perf_hooks';
import { beforeAll, describe, expect, it } from 'vitest';
import { jsonBudgetViolation } from '../../src/common/json-body.js';
import { appSuite, registerUser } from '../support/app.js';
import { fetchOpenApi, type OpenApiDoc } from '../support/openapi.js';
import { expectOneIssue } from '../support/health.js';

/** Hostile and implausible input: refused cheaply, with the documented status, and documented as enforced. */

const { t, u } = appSuite();

const json = (path: string, body: string, method: 'post' | 'put' = 'post') =>
  t.http[method](path).set('content-type', 'application/json').send(body);

/** Longest event-loop stall (ms) while `work` runs; the app runs in this process. */
async function maxLoopStall(work: () => Promise<unknown>): Promise<number> {
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  await work();
  h.disable();
  return h.max / 1e6;
}

describe('hostile JSON bodies', () => {
  it('a body nested 10,000 levels deep is a 400 JSON_TOO_COMPLEX before any token check (was a 500)', async () => {
    const deep = `{"email":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)},"password":"x"}`;
    const login = await json('/api/auth/login', deep);
    expect(login.status).toBe(400);
    expect(login.body).toEqual({
      detail: 'JSON body is nested deeper than 32 levels',
      code: 'JSON_TOO_COMPLEX',
    });
    const arrays = await json('/api/vitals', '['.repeat(10_000) + ']'.repeat(10_000));
    expect(arrays.status).toBe(400);
    expect(arrays.body.code).toBe('JSON_TOO_COMPLEX');
  });

  it('wide objects and huge arrays are refused before parsing; the event loop is not held', async () => {
    const wide = JSON.stringify({
      email: 'a@example.com',
      password: 'x',
      ...Object.fromEntries(Array.from({ length: 40_000 }, (_, i) => [`k${i}`, i])),
    });
    const items = JSON.stringify({ allergies: Array.from({ length: 60_000 }, () => 1) });
    let wideRes: { status: number; body: { code?: string } } | undefined;
    let itemsRes: { status: number; body: { code?: string } } | undefined;
    const stall = await maxLoopStall(async () => {
      wideRes = await json('/api/auth/login', wide);
      itemsRes = await json('/api/profile', items, 'put').set(u.auth);
    });
    expect(wideRes?.status).toBe(400);
    expect(wideRes?.body.code).toBe('JSON_TOO_COMPLEX');
    expect(itemsRes?.status).toBe(400);
    expect(itemsRes?.body.code).toBe('JSON_TOO_COMPLEX');
    // Before the budget, the 40,000-key login body alone held the loop for seconds (quadratic transform).
    expect(stall).toBeLessThan(250);
  });

  it('the budget counts structure, not text: brackets inside strings and escaped quotes do not count', () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    expect(jsonBudgetViolation(enc(JSON.stringify({ a: '['.repeat(100) + '\\"{'.repeat(100) })))).toBeNull();
    expect(jsonBudgetViolation(enc('['.repeat(33) + ']'.repeat(33)))).toMatch(/deeper than 32/);
    expect(jsonBudgetViolation(enc('['.repeat(32) + ']'.repeat(32)))).toBeNull();
    // A string ending in an escaped backslash closes at its quote: the nesting after it is counted.
    const after = `{"a":"x\\\\","b":${'['.repeat(33)}${']'.repeat(33)}}`;
    expect(JSON.parse(after).a).toBe('x\\');
    expect(jsonBudgetViolation(enc(after))).toMatch(/deeper than 32/);
    expect(jsonBudgetViolation(enc(JSON.stringify(Array.from({ length: 10_001 }, () => 0))))).toMatch(
      /more than 10000 elements/,
    );
  });

  it('__proto__ members are dropped, not obeyed, and do not fail the request', async () => {
    const body =
      '{"heart_rate":70,"__proto__":{"polluted":true},"x":{"constructor":{"prototype":{"polluted":true}}}}';
    const res = await json('/api/vitals', body).set(u.auth);
    expect(res.status).toBe(201);
    expect(res.body.heart_rate).toBe(70);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('an over-long string in a field is a 422 on that field', async () => {
    const res = await t.http
      .post('/api/auth/login')
      .send({ email: `${'a'.repeat(900_000)}@b.co`, password: 'x' });
    expect(res.status).toBe(422);
    expect(res.body.detail).toContainEqual({
      loc: ['body', 'email'],
      msg: 'email must be shorter than or equal to 254 characters',
      type: 'string_too_long',
    });
  });

  it('POST /api/auth/logout-all and DELETE /api/auth/me with a JSON content type and an empty body do their job', async () => {
    const v = await registerUser(t);
    const out = await t.as(v).post('/api/auth/logout-all').set('content-type', 'application/json').send('');
    expect(out.status).toBe(200);
    expect((await t.as(v).get('/api/auth/me')).status).toBe(401);

    const w = await registerUser(t);
    const erase = await t.as(w).delete('/api/auth/me').set('content-type', 'application/json').send('');
    expect(erase.status).toBe(204);
    const login = await t.http.post('/api/auth/login').send({ email: w.email, password: w.password });
    expect(login.status).toBe(401);
    // A route that needs a body still says so, as a validation error.
    const none = await t.as(u).post('/api/vitals').set('content-type', 'application/json').send('');
    expect(none.status).toBe(422);
    expect(none.body.detail).toEqual([{ loc: ['body'], msg: 'Field required', type: 'missing' }]);
  });
});

const issue = (res: { status: number; body: { detail: { loc: unknown[] }[] } }) => {
  expect(res.status).toBe(422);
  return res.body.detail.map((d) => d.loc.join('.'));
};

describe('implausible values are refused (422 on the field)', () => {
  it('UTC offsets that do not exist; years outside 1900–2100', async () => {
    for (const logged_at of [
      '2026-03-01T08:00:00+99:00',
      '2026-03-01T08:00:00+25:00',
      '2026-03-01T08:00:00+05:99',
      '2026-03-01T08:00:00+05:15',
      '2026-03-01T08:00:00-13:00',
      '9999-12-31T23:00:00+05:00',
      '1899-12-31T23:00:00Z',
      '2026-02-29T08:00:00Z',
    ]) {
      const res = await t.as(u).post('/api/vitals', { heart_rate: 70, logged_at });
      expect(issue(res), logged_at).toEqual(['body.logged_at']);
    }
    for (const logged_at of [
      '2026-03-01T08:00:00+05:45',
      '2026-03-01T08:00:00-12:00',
      '2026-03-01T08:00:00+14:00',
      '2024-02-29T08:00',
      '2026-03-01',
    ]) {
      const res = await t.as(u).post('/api/vitals', { heart_rate: 70, logged_at });
      expect(res.status, logged_at).toBe(201);
      expect(res.body.logged_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{2}:\d{2}$/);
    }
    const dob = await t.as(u).put('/api/profile', { date_of_birth: '0001-01-01' });
    expect(issue(dob)).toEqual(['body.date_of_birth']);
  });

  it('numbers beyond plausible bounds (1.7e308 was stored)', async () => {
    const huge = 1.7e308;
    const cases: [string, Record<string, unknown>, string][] = [
      ['/api/vitals', { weight_kg: huge }, 'weight_kg'],
      ['/api/vitals', { weight_kg: 0 }, 'weight_kg'],
      ['/api/food-logs', { description: 'dal', meal_type: 'lunch', calories: huge }, 'calories'],
      ['/api/food-logs', { description: 'dal', meal_type: 'lunch', protein_g: 2001 }, 'protein_g'],
      ['/api/food-logs', { description: 'dal', meal_type: 'lunch', carbs_g: huge }, 'carbs_g'],
      ['/api/food-logs', { description: 'dal', meal_type: 'lunch', fat_g: huge }, 'fat_g'],
      ['/api/tracking/water/log', { amount_ml: huge }, 'amount_ml'],
      [
        '/api/tracking/exercise/log',
        { exercise_type: 'walk', duration_minutes: 30, intensity: 'low', calories_burned: huge },
        'calories_burned',
      ],
    ];
    for (const [path, body, field] of cases) {
      expect(issue(await t.as(u).post(path, body)), `${path} ${field}`).toContain(`body.${field}`);
    }
    for (const field of ['height_cm', 'weight_kg']) {
      expect(issue(await t.as(u).put('/api/profile', { [field]: huge }))).toContain(`body.${field}`);
    }
    const ok = await t
      .as(u)
      .post('/api/food-logs', { description: 'thali', meal_type: 'lunch', calories: 1200, protein_g: 40 });
    expect(ok.status).toBe(201);
  });

  it('systolic must be above diastolic, on create and on a PUT that changes one of them', async () => {
    const bad = await t
      .as(u)
      .post('/api/vitals', { blood_pressure_systolic: 70, blood_pressure_diastolic: 140 });
    expectOneIssue(
      bad,
      'blood_pressure_systolic',
      'blood_pressure_systolic must be greater than blood_pressure_diastolic',
      'value_error',
    );
    const ok = await t
      .as(u)
      .post('/api/vitals', { blood_pressure_systolic: 130, blood_pressure_diastolic: 85 });
    expect(ok.status).toBe(201);
    const put = await t.as(u).put(`/api/vitals/${ok.body.id}`, { blood_pressure_diastolic: 140 });
    expect(put.status).toBe(422);
    expect(put.body.detail[0].loc).toEqual(['body', 'blood_pressure_systolic']);
    const kept = await t.as(u).get(`/api/vitals/${ok.body.id}`);
    expect(kept.body.blood_pressure_diastolic).toBe(85);
  });

  it('null for a field that is not nullable, and an empty alarm day list, are 422 in PUT (were ignored with 200)', async () => {
    const create = async (path: string, body: object) => {
      const res = await t.as(u).post(path, body);
      expect(res.status, path).toBe(201);
      return res.body.id as string;
    };
    const appt = await create('/api/appointments', {
      title: 'Check-up',
      scheduled_at: '2026-03-10T10:30:00+05:30',
    });
    const alarm = await create('/api/alarms', { type: 'water', title: 'Water', time: '08:00' });
    const med = await create('/api/medication', { name: 'Metformin', dosage: '500mg', frequency: 'daily' });
    const contact = await create('/api/emergency-contacts', { name: 'Ravi', phone: '+919876543210' });
    const food = await create('/api/food-logs', { description: 'dal', meal_type: 'lunch' });
    const cases: [string, string][] = [
      [`/api/appointments/${appt}`, 'title'],
      [`/api/appointments/${appt}`, 'scheduled_at'],
      [`/api/alarms/${alarm}`, 'time'],
      [`/api/alarms/${alarm}`, 'active'],
      [`/api/medication/${med}`, 'active'],
      [`/api/medication/${med}`, 'name'],
      [`/api/emergency-contacts/${contact}`, 'name'],
      [`/api/emergency-contacts/${contact}`, 'phone'],
      [`/api/food-logs/${food}`, 'description'],
      [`/api/food-logs/${food}`, 'meal_type'],
    ];
    for (const [path, field] of cases) {
      const res = await t.as(u).put(path, { [field]: null });
      expect(res.status, `${path} ${field}`).toBe(422);
      expect(res.body.detail).toEqual([
        { loc: ['body', field], msg: 'Input should not be null', type: 'none_forbidden' },
      ]);
    }
    const days = await t.as(u).put(`/api/alarms/${alarm}`, { days_of_week: [] });
    expect(issue(days)).toEqual(['body.days_of_week']);
    // Nullable fields still clear.
    const cleared = await t.as(u).put(`/api/appointments/${appt}`, { notes: null });
    expect(cleared.status).toBe(200);
  });

  it('a NUL character in a string is a 422 on that field (was a 400 from the store)', async () => {
    const res = await t.as(u).post('/api/food-logs', { description: 'dal\u0000', meal_type: 'lunch' });
    expectOneIssue(res, 'description', 'Text must not contain NUL characters', 'string_pattern_mismatch');
    const batch = await t
      .as(u)
      .post('/api/appointments/batch', [{ title: 'a\u0000', scheduled_at: '2026-03-10T10:30:00+05:30' }]);
    expect(batch.status).toBe(201);
    expect(batch.body.results[0].status).toBe(422);
  });
});

describe('the document says what is enforced', () => {
  let doc: OpenApiDoc;
  beforeAll(async () => {
    doc = await fetchOpenApi(t);
  });
  const schema = (name: string) =>
    (
      doc as unknown as {
        components: { schemas: Record<string, { properties: Record<string, Record<string, unknown>> }> };
      }
    ).components.schemas[name].properties;
  const param = (path: string, method: string, name: string) =>
    (
      (
        doc.paths[path] as Record<
          string,
          { parameters?: { name: string; schema: Record<string, unknown> }[] }
        >
      )[method].parameters ?? []
    ).find((p) => p.name === name)?.schema;

  it('integers are integers: limit, offset, days, duration_minutes, minutes', () => {
    expect(param('/api/vitals', 'get', 'limit')).toMatchObject({ type: 'integer', minimum: 1, maximum: 100 });
    expect(param('/api/vitals', 'get', 'offset')).toMatchObject({ type: 'integer', minimum: 0 });
    expect(param('/api/health/insights', 'get', 'days')).toMatchObject({
      type: 'integer',
      minimum: 1,
      maximum: 365,
    });
    expect(schema('ExerciseLogDto').duration_minutes).toMatchObject({
      type: 'integer',
      minimum: 0,
      maximum: 1440,
    });
    expect(schema('SnoozeDto').minutes).toMatchObject({ type: 'integer' });
  });

  it('bounds, patterns and batch sizes are documented', () => {
    expect(schema('VitalsCreateDto').weight_kg).toMatchObject({ minimum: 0.5, maximum: 500 });
    expect(schema('FoodLogCreateDto').calories).toMatchObject({ minimum: 0, maximum: 10_000 });
    const logged = String(schema('VitalsCreateDto').logged_at.pattern);
    expect(new RegExp(logged).test('2026-03-01T08:00:00+05:30')).toBe(true);
    expect(new RegExp(logged).test('2026-03-01T08:00:00+99:00')).toBe(false);
    expect(param('/api/vitals', 'get', 'date_from')?.pattern).toBeTruthy();
    expect(param('/api/vitals', 'post', 'related_to')?.pattern).toBeTruthy();
    expect(schema('MedicationScheduleCreateDto').time_of_day.pattern).toBeTruthy();
    const batch = (
      doc.paths['/api/appointments/batch'] as Record<
        string,
        { requestBody: { content: Record<string, { schema: Record<string, unknown> }> } }
      >
    ).post.requestBody.content['application/json'].schema;
    expect(batch).toMatchObject({ type: 'array', minItems: 1, maxItems: 100 });
  });

  it('an unsupported method on an existing path is a 405 with Allow (was 404)', async () => {
    const res = await t.http.trace('/api/vitals').set(u.auth);
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD, POST');
    expect(res.body).toEqual({
      detail: 'Method TRACE not allowed; allowed: GET, HEAD, POST',
      code: 'METHOD_NOT_ALLOWED',
    });
    const item = await t.as(u).patch('/api/vitals/abc', {});
    expect(item.status).toBe(405);
    expect(item.headers.allow).toBe('DELETE, GET, HEAD, PUT');
    expect((await t.as(u).get('/api/nope')).status).toBe(404);
  });
});
