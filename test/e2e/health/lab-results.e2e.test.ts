import { describe, expect, it } from 'vitest';
import { LAB_TEST_KEYS, LAB_TESTS } from '../../../src/health-data/lab/lab.record.js';
import { LocusGraphGateway } from '../../../src/locusgraph/locusgraph.gateway.js';
import { appSuite, registerUser, wholeText, type TestApp, type TestUser } from '../../support/app.js';
import { link } from '../../support/care.js';
import { expectBounds, expectQueryBounds, ids } from '../../support/health.js';

const ago = (days: number): string => new Date(Date.now() - days * 86400_000).toISOString();

/** The streamed JSON export as an object. */
const exported = async (t: TestApp, u: TestUser): Promise<{ records: { type: string; id: string }[] }> => {
  const res = await wholeText(t.as(u).get('/api/auth/me/export'));
  expect(res.status).toBe(200);
  return JSON.parse(res.body as unknown as string);
};

describe('lab results (/api/lab-results)', () => {
  const { t, u } = appSuite();

  it('creates (201, default unit, LOINC code and names), lists newest first, gets, merges on PUT, deletes (204, then 404)', async () => {
    const v = await registerUser(t);
    const sent = [
      { test: 'hba1c', value: 7.2, taken_at: '2026-03-01T08:00:00+05:30', lab_name: '  Thyrocare  ' },
      { test: 'tsh', value: 4.5, taken_at: '2026-03-05T09:00:00+05:30' },
      // The SI unit gives the molar LOINC code.
      { test: 'creatinine', value: 88, unit: 'umol/L', taken_at: '2026-02-01T09:00:00+05:30' },
    ];
    const made = [];
    for (const body of sent) made.push(await t.as(v).post('/api/lab-results', body));
    expect(made.map((r) => r.status)).toEqual([201, 201, 201]);
    const [a, b, c] = made;
    expect(a.body).toMatchObject({
      user_id: v.id,
      test: 'hba1c',
      value: 7.2,
      unit: '%',
      taken_at: '2026-03-01T08:00:00.000+05:30',
      lab_name: 'Thyrocare',
      loinc_code: '4548-4',
      test_name: 'HbA1c',
      unit_display: '%',
    });
    expect(a.body.id).toMatch(/^[0-9a-f]{12}$/);
    expect(b.body).toMatchObject({
      unit: 'u[IU]/mL',
      unit_display: 'µIU/mL',
      loinc_code: '3016-3',
      lab_name: null,
    });
    expect(c.body).toMatchObject({ loinc_code: '14682-9', unit_display: 'µmol/L' });
    // No taken_at: now.
    const now = await t.as(v).post('/api/lab-results', { test: 'haemoglobin', value: 12.1 });
    expect(Math.abs(Date.parse(now.body.taken_at) - Date.now())).toBeLessThan(60_000);

    expect(ids((await t.as(v).get('/api/lab-results')).body)).toEqual([
      now.body.id,
      b.body.id,
      a.body.id,
      c.body.id,
    ]);
    expect(ids((await t.as(v).get('/api/lab-results?test=hba1c')).body)).toEqual([a.body.id]);
    expect(ids((await t.as(v).get('/api/lab-results?limit=1&offset=1')).body)).toEqual([b.body.id]);
    expect((await t.as(v).get(`/api/lab-results/${a.body.id}`)).body).toEqual(a.body);

    const put = await t
      .as(v)
      .put(`/api/lab-results/${a.body.id}`, { value: 6.9, lab_name: null, taken_at: '2020-01-01T00:00:00Z' });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ value: 6.9, unit: '%', lab_name: null, taken_at: a.body.taken_at });
    // Changing the test alone re-checks the value and unit against the new test.
    const wrong = await t.as(v).put(`/api/lab-results/${a.body.id}`, { test: 'ldl_cholesterol' });
    expect(wrong.status).toBe(422);
    expect(wrong.body.detail[0].loc).toEqual(['body', 'unit']);
    const moved = await t
      .as(v)
      .put(`/api/lab-results/${a.body.id}`, { test: 'hba1c', value: 53, unit: 'mmol/mol' });
    expect(moved.body).toMatchObject({ value: 53, unit: 'mmol/mol', loinc_code: '59261-8' });
    const nullTest = await t.as(v).put(`/api/lab-results/${a.body.id}`, { test: null });
    expect(nullTest.status).toBe(422);

    expect((await t.as(v).delete(`/api/lab-results/${a.body.id}`)).status).toBe(204);
    expect((await t.as(v).get(`/api/lab-results/${a.body.id}`)).status).toBe(404);
    expect((await t.as(v).delete(`/api/lab-results/${a.body.id}`)).status).toBe(404);
    expect(ids((await t.as(v).get('/api/lab-results')).body)).not.toContain(a.body.id);
  });

  it('validation: closed test set, UCUM units of the test, bounds per unit (422 {detail, code})', async () => {
    const base = { test: 'hba1c', value: 7 };
    await expectBounds(t, u, 'post', '/api/lab-results', base, 'test', LAB_TEST_KEYS.slice(0, 1), [
      'vitamin_d',
      'HbA1c',
      '',
      null,
      undefined,
    ]);
    await expectBounds(t, u, 'post', '/api/lab-results', base, 'value', [3, 20], [2.9, 20.1, '7', null]);
    await expectBounds(t, u, 'post', '/api/lab-results', base, 'unit', ['%', 'mmol/mol'].slice(0, 1), [
      'mg/dl',
      'percent',
    ]);
    await expectBounds(t, u, 'post', '/api/lab-results', base, 'taken_at', ['2026-03-01'], ['yesterday']);
    await expectBounds(
      t,
      u,
      'post',
      '/api/lab-results',
      base,
      'lab_name',
      ['SRL'],
      ['', ' ', 'x'.repeat(201)],
    );
    // Every catalogue unit: its bounds hold, just outside is 422 naming the value.
    for (const test of LAB_TEST_KEYS) {
      for (const unit of LAB_TESTS[test].units) {
        const body = { test, unit: unit.ucum };
        await expectBounds(
          t,
          u,
          'post',
          '/api/lab-results',
          body,
          'value',
          [unit.min, unit.max],
          [unit.min / 2, unit.max * 1.01],
        );
      }
    }
    // A unit of another test.
    const res = await t.as(u).post('/api/lab-results', { test: 'tsh', value: 3, unit: 'mg/dL' });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(res.body.detail[0]).toMatchObject({ loc: ['body', 'unit'] });
    await expectQueryBounds(t, u, '/api/lab-results', 'test', ['tsh'], ['sugar']);
    await expectQueryBounds(t, u, '/api/lab-results', 'date_from', ['2026-03-01'], ['2026-02-30']);
  });

  it("another user's result is 404 on get, put and delete, and absent from their list", async () => {
    const owner = await registerUser(t);
    const other = await registerUser(t);
    const r = await t.as(owner).post('/api/lab-results', { test: 'ldl_cholesterol', value: 130 });
    for (const [m, body] of [
      ['get', undefined],
      ['put', { value: 100 }],
      ['delete', undefined],
    ] as const) {
      const res = await t.http[m](`/api/lab-results/${r.body.id}`).set(other.auth).send(body);
      expect(res.status, m).toBe(404);
      expect(res.body).toEqual({ detail: 'Lab result not found', code: 'NOT_FOUND' });
    }
    expect((await t.as(other).get('/api/lab-results')).body).toEqual([]);
    expect((await t.as(owner).get(`/api/lab-results/${r.body.id}`)).body.value).toBe(130);
  });

  it("times are read and shown in the user's zone; date filters are the user's calendar days", async () => {
    const v = await registerUser(t);
    await t.as(v).post('/api/profile', { timezone: 'America/New_York' });
    // Naive: wall-clock time in New York.
    const late = await t
      .as(v)
      .post('/api/lab-results', { test: 'tsh', value: 2, taken_at: '2026-03-01T23:30:00' });
    expect(late.body.taken_at).toBe('2026-03-01T23:30:00.000-05:00');
    // 03:00 UTC on 2 March is still 1 March in New York.
    const utc = await t
      .as(v)
      .post('/api/lab-results', { test: 'tsh', value: 3, taken_at: '2026-03-02T03:00:00Z' });
    expect(utc.body.taken_at).toBe('2026-03-01T22:00:00.000-05:00');
    const day = await t.as(v).get('/api/lab-results?date_from=2026-03-01&date_to=2026-03-01');
    expect(ids(day.body).sort()).toEqual([late.body.id, utc.body.id].sort());
    expect((await t.as(v).get('/api/lab-results?date_from=2026-03-02')).body).toEqual([]);
  });

  it('a taken_at more than a day ahead is a 422 (a typo would pose as the latest result); a day ahead is accepted', async () => {
    const v = await registerUser(t);
    const ahead = (hours: number): string => new Date(Date.now() + hours * 3600_000).toISOString();
    const future = await t.as(v).post('/api/lab-results', { test: 'hba1c', value: 7, taken_at: ahead(49) });
    expect(future.status).toBe(422);
    expect(future.body.detail[0]).toMatchObject({ loc: ['body', 'taken_at'], type: 'datetime_past' });
    expect(future.body.code).toBeTruthy();
    const soon = await t.as(v).post('/api/lab-results', { test: 'hba1c', value: 7, taken_at: ahead(12) });
    expect(soon.status).toBe(201);
    expect(ids((await t.as(v).get('/api/lab-results')).body)).toEqual([soon.body.id]);
  });

  it('HbA1c insight: latest value and trend; against the target the doctor set only when the user has one', async () => {
    const v = await registerUser(t);
    const none = await t.as(v).get('/api/health/insights?insight_type=lab');
    expect(none.status).toBe(200);
    expect(none.body).toMatchObject({ insight_type: 'lab', data_points_analyzed: 0, findings: [] });
    await t.as(v).post('/api/lab-results', { test: 'hba1c', value: 8.1, taken_at: ago(200) });
    // 53 mmol/mol = 7.0 %: the trend compares both in %.
    await t
      .as(v)
      .post('/api/lab-results', { test: 'hba1c', value: 53, unit: 'mmol/mol', taken_at: ago(100) });
    await t.as(v).post('/api/lab-results', { test: 'hba1c', value: 7.4, taken_at: ago(5) });
    await t.as(v).post('/api/lab-results', { test: 'tsh', value: 3.1, taken_at: ago(4) });

    const plain = await t.as(v).get('/api/health/insights?insight_type=lab&days=7');
    expect(plain.body.data_points_analyzed).toBe(3);
    expect(plain.body.findings).toHaveLength(1);
    expect(plain.body.findings[0]).toMatchObject({ key: 'hba1c_latest', category: 'lab', actionable: false });
    expect(plain.body.insight).toMatch(/latest HbA1c was 7\.4 % on \d{4}-\d{2}-\d{2}, up from 7 % on/);
    expect(plain.body.recommendation).toMatch(/doctor sets your personal HbA1c target/);
    expect(plain.body.insight).not.toMatch(/high|good|target of/i);

    // The target: a profile field the user sets (5.0–10.0, nullable).
    await expectBounds(t, v, 'put', '/api/profile', {}, 'hba1c_target', [5, 10, 7], [4.9, 10.1, '7']);
    const above = await t.as(v).get('/api/health/insights?insight_type=lab');
    expect(above.body.findings[0]).toMatchObject({
      key: 'hba1c_above_target',
      priority: 'medium',
      actionable: true,
    });
    expect(above.body.insight).toMatch(/7\.4 %.*target, set with your doctor, is 7 %/);
    const overall = await t.as(v).get('/api/health/insights');
    expect(overall.body.findings.map((f: { key: string }) => f.key)).toContain('hba1c_above_target');

    const profile = await t.as(v).put('/api/profile', { hba1c_target: 7.5 });
    expect(profile.body.hba1c_target).toBe(7.5);
    const at = await t.as(v).get('/api/health/insights?insight_type=lab');
    expect(at.body.findings[0]).toMatchObject({ key: 'hba1c_at_target', actionable: false });
    const recs = await t.as(v).get('/api/health/recommendations?categories=vitals');
    expect(recs.body.recommendations.map((r: { title: string }) => r.title)).toContain(
      'HbA1c at your target',
    );
    const cleared = await t.as(v).put('/api/profile', { hba1c_target: null });
    expect(cleared.body.hba1c_target).toBeNull();
  });

  it('a care-circle member reads lab results only with the lab_results scope', async () => {
    const owner = await registerUser(t);
    const [withScope, without] = [await registerUser(t), await registerUser(t)];
    await link(t, owner, withScope, { role: 'viewer', scopes: ['lab_results'] });
    await link(t, owner, without, { role: 'viewer', scopes: ['vitals'] });
    const r = await t.as(owner).post('/api/lab-results', { test: 'haemoglobin', value: 11 });
    const seen = await t.as(withScope).get(`/api/care/people/${owner.id}/lab-results?test=haemoglobin`);
    expect(seen.status).toBe(200);
    expect(ids(seen.body)).toEqual([r.body.id]);
    const refused = await t.as(without).get(`/api/care/people/${owner.id}/lab-results`);
    expect(refused.status).toBe(404);
  });

  it('the account export holds lab results; erasing the account erases them', async () => {
    const v = await registerUser(t);
    const r = await t.as(v).post('/api/lab-results', { test: 'triglycerides', value: 180 });
    const doc = await exported(t, v);
    expect(doc.records.find((x) => x.type === 'lab_result')).toMatchObject({ id: r.body.id });
    const gw = t.app.get(LocusGraphGateway);
    expect(await gw.get(`lab_result:${r.body.id}`)).not.toBeNull();
    expect((await t.as(v).delete('/api/auth/me')).status).toBe(204);
    expect(await gw.get(`lab_result:${r.body.id}`)).toBeNull();
  });
});
