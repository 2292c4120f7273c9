import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, registerUser, type TestApp, type TestUser } from '../support/app.js';

interface Issue {
  loc: string[];
  msg: string;
  type: string;
}

/**
 * Hostile input against /api/lab-results and the chat's lab logging: every refusal is a 422 naming the field
 * (or a 400 for what is not JSON), nothing is stored by a refused request, and a red flag in a message that also
 * names a lab test still gets the emergency reply.
 */
describe('lab results under attack', () => {
  let t: TestApp;
  let u: TestUser;
  const good = { test: 'hba1c', value: 7.2, unit: '%', taken_at: '2026-03-01T08:30:00+05:30' };
  const post = (body: unknown) =>
    t.http
      .post('/api/lab-results')
      .set(u.auth)
      .send(body as object);
  const count = async () =>
    ((await t.http.get('/api/lab-results?limit=100').set(u.auth)).body as unknown[]).length;
  const expect422 = (
    res: { status: number; body: { detail?: unknown; code?: string } },
    field: string,
    label: string,
  ) => {
    expect(res.status, `${label}: ${JSON.stringify(res.body)}`).toBe(422);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    const detail = res.body.detail as Issue[];
    expect(
      detail.some((d) => d.loc.at(-1) === field && typeof d.msg === 'string' && typeof d.type === 'string'),
      `${label}: ${JSON.stringify(detail)}`,
    ).toBe(true);
  };

  beforeAll(async () => {
    t = await createTestApp();
    u = await registerUser(t);
  });
  afterAll(async () => t.close());

  it('values that are not a plausible number for the test and unit are 422 on value; nothing is stored', async () => {
    const before = await count();
    const values: [unknown, string][] = [
      ['7.2', 'numeric string'],
      ['NaN', 'NaN as text'],
      ['Infinity', 'Infinity as text'],
      [1e308, 'huge'],
      [-7.2, 'negative'],
      [0, 'zero (below HbA1c bounds)'],
      [21, 'above HbA1c % bounds'],
      [true, 'boolean'],
      [[7.2], 'array'],
      [{ value: 7.2 }, 'object'],
      [null, 'null'],
    ];
    for (const [value, label] of values) expect422(await post({ ...good, value }), 'value', label);
    // A missing value, and non-finite numbers that only exist outside JSON.
    expect422(await post({ test: 'hba1c' }), 'value', 'missing');
    for (const raw of [
      '{"test":"hba1c","value":NaN}',
      '{"test":"hba1c","value":Infinity}',
      '{"test":"hba1c","value":1e999}',
    ]) {
      const res = await t.http
        .post('/api/lab-results')
        .set(u.auth)
        .set('content-type', 'application/json')
        .send(raw);
      expect([400, 422], raw).toContain(res.status);
      expect(res.body).toEqual({ detail: expect.anything(), code: expect.any(String) });
    }
    expect(await count()).toBe(before);
  });

  it('a unit of another test, or a real unit in odd case or with spaces, is 422 on unit', async () => {
    for (const unit of ['mg/dL', 'mmol/L', 'MG/DL', 'mg/dl', ' %', '% ', 'percent', '', '%%', 'u[IU]/mL ']) {
      expect422(await post({ ...good, unit }), 'unit', JSON.stringify(unit));
    }
    // The catalogue's second unit for HbA1c is fine, with its own bounds.
    expect((await post({ ...good, value: 55, unit: 'mmol/mol' })).status).toBe(201);
    expect422(await post({ ...good, value: 7.2, unit: 'mmol/mol' }), 'value', '7.2 mmol/mol');
  });

  it('a test outside the catalogue (prototype names included) is 422 on test', async () => {
    for (const test of [
      'glucose',
      'HBA1C',
      'hba1c ',
      '__proto__',
      'constructor',
      'toString',
      '',
      7,
      null,
      ['hba1c'],
    ])
      expect422(await post({ ...good, test }), 'test', JSON.stringify(test));
  });

  it('taken_at in odd formats, impossible dates or outside 1900–2100 is 422 on taken_at', async () => {
    for (const taken_at of [
      '2026-13-01',
      '2026-02-30',
      '01/03/2026',
      '2026-03-01T25:00:00+05:30',
      '2026-03-01T08:30:00+25:00',
      'yesterday',
      '2101-01-01T00:00:00Z',
      '+275760-09-13T00:00:00Z',
      '1899-12-31T23:59:59Z',
      1772333400000,
      '',
    ])
      expect422(await post({ ...good, taken_at }), 'taken_at', JSON.stringify(taken_at));
  });

  it('lab_name: control characters and NUL, 10,000 characters, non-strings are 422; a Devanagari name is kept', async () => {
    for (const [lab_name, label] of [
      ['Thyro\u0000care', 'NUL'],
      ['Thyro\u001b[31mcare\u0007', 'ESC and BEL (was stored)'],
      ['Thyrocare\nPune', 'newline (was stored)'],
      ['Thyro\u0085care', 'C1 control (was stored)'],
      ['x'.repeat(10_000), '10,000 characters'],
      ['x'.repeat(201), '201 characters'],
      ['   ', 'blank'],
      [42, 'number'],
      [{ name: 'x' }, 'object'],
    ] as const)
      expect422(await post({ ...good, lab_name }), 'lab_name', label);
    const ok = await post({ ...good, lab_name: '  डॉ. लाल पैथलैब्स, पुणे  ' });
    expect(ok.status).toBe(201);
    expect(ok.body.lab_name).toBe('डॉ. लाल पैथलैब्स, पुणे');
  });

  it('PUT cannot leave a value in a unit or range its test does not have; the record is unchanged', async () => {
    const created = await post(good);
    expect(created.status).toBe(201);
    const put = (body: unknown) =>
      t.http
        .put(`/api/lab-results/${created.body.id}`)
        .set(u.auth)
        .send(body as object);
    // hba1c 7.2 % → LDL: % is not an LDL unit.
    expect422(await put({ test: 'ldl_cholesterol' }), 'unit', 'test only');
    // → fasting glucose in mg/dL: 7.2 is below its bounds.
    expect422(await put({ test: 'fasting_glucose', unit: 'mg/dL' }), 'value', 'test and unit');
    expect422(await put({ unit: 'mmol/mol' }), 'value', 'unit only');
    expect422(await put({ value: 700 }), 'value', 'value only');
    expect422(await put({ value: null }), 'value', 'value null');
    expect422(await put({ test: null }), 'test', 'test null');
    const now = await t.http.get(`/api/lab-results/${created.body.id}`).set(u.auth);
    expect(now.body).toMatchObject({ test: 'hba1c', value: 7.2, unit: '%', loinc_code: '4548-4' });
    // All three together, consistent: accepted, with the new LOINC code.
    const moved = await put({ test: 'fasting_glucose', unit: 'mg/dL', value: 126 });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ test: 'fasting_glucose', value: 126, loinc_code: '1558-6' });
  });

  it('the list: a junk test filter is 422, never 500 and never an unfiltered list', async () => {
    for (const q of [
      'test=glucose',
      'test=__proto__',
      'test=HBA1C',
      'test=hba1c%00',
      'test=hba1c&test=tsh',
      `test=${'x'.repeat(5000)}`,
    ]) {
      const res = await t.http.get(`/api/lab-results?${q}`).set(u.auth);
      expect(
        [400, 422],
        `${q.slice(0, 30)}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`,
      ).toContain(res.status);
      expect(res.body.code).toEqual(expect.any(String));
    }
    const res = await t.http.get('/api/lab-results?test=hba1c').set(u.auth);
    expect(res.status).toBe(200);
    expect((res.body as { test: string }[]).every((r) => r.test === 'hba1c')).toBe(true);
  });

  describe('chat: the triage comes before any lab logging', () => {
    const say = async (message: string) => {
      const res = await t.http.post('/api/chat').set(u.auth).send({ message });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body as {
        intent: string;
        metadata: { actions: { type: string }[]; emergency: { flags: string[]; source: string } | null };
      };
    };

    // A reading said with the alarm is still recorded (docs/chat-and-voice.md): a lab value as a lab result,
    // a glucometer value as vitals — never the other way round.
    it.each([
      ['I have severe chest pain, my hba1c was 7.2 last week', 'lab_result'],
      ['my HbA1c report came 9.1 and now I cannot breathe', 'lab_result'],
      ['fasting sugar report 126, he collapsed and is unconscious', 'lab_result'],
      ['TSH 4.5 and I want to kill myself', 'lab_result'],
      ['sugar 40 and shaking', 'vitals'],
      ['my sugar is 40, sweating and shaking', 'vitals'],
    ])('"%s" gets the local emergency reply first (a reading in it is kept as %s)', async (message, kind) => {
      const r = await say(message);
      expect(r.intent).toBe('emergency');
      expect(r.metadata.emergency?.flags.length).toBeGreaterThan(0);
      expect(r.metadata.emergency?.source).toBe('local');
      const kinds = r.metadata.actions.map((a) => a.type);
      expect(kinds.filter((k) => k !== kind)).toEqual([]);
      if (kind === 'vitals') expect(kinds).toEqual(['vitals']);
    });

    it('a plain lab sentence is still logged (the control)', async () => {
      const r = await say('my hba1c was 7.2 last week');
      expect(r.intent).not.toBe('emergency');
      expect(r.metadata.actions.map((a) => a.type)).toEqual(['lab_result']);
    });
  });
});
