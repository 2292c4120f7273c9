import { beforeAll, describe, expect, it } from 'vitest';
import { appSuite, registerUser, type TestUser } from '../support/app.js';
import { link } from '../support/care.js';

/** A caregiver brings the person's report to the doctor: only with every category the report shows granted. */
describe("care circle: the doctor's report of a person one cares for", () => {
  const { t, u: owner } = appSuite({ users: [{ name: 'Kamala' }] });
  let full: TestUser;
  let partial: TestUser;
  let stranger: TestUser;

  beforeAll(async () => {
    [full, partial, stranger] = await Promise.all([registerUser(t), registerUser(t), registerUser(t)]);
    await link(t, owner, full, {
      role: 'caregiver',
      scopes: ['vitals', 'medication', 'sleep', 'exercise_mood', 'emergency'],
    });
    await link(t, owner, partial, { role: 'viewer', scopes: ['vitals', 'medication'] });
    const r = await t
      .as(owner)
      .post('/api/vitals', { blood_pressure_systolic: 165, blood_pressure_diastolic: 100, heart_rate: 88 });
    expect(r.status).toBe(201);
  });

  const report = (u: TestUser, accept = 'application/json') =>
    t.as(u).get(`/api/care/people/${owner.id}/reports/summary?days=30`).set('Accept', accept);

  it('a member granted every category gets the report (JSON and PDF), the same as the owner gets', async () => {
    const mine = await t.as(owner).get('/api/reports/summary?days=30').set('Accept', 'application/json');
    const theirs = await report(full);
    expect(theirs.status).toBe(200);
    expect(JSON.stringify(theirs.body)).toContain('Kamala');
    expect(theirs.body.out_of_range ?? theirs.body).toEqual(mine.body.out_of_range ?? mine.body);
    const pdf = await report(full, 'application/pdf');
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
  });

  it('a partial grant, a stranger and the owner of nothing get 404', async () => {
    expect((await report(partial)).status).toBe(404);
    expect((await report(stranger)).status).toBe(404);
    const other = await t.as(full).get(`/api/care/people/${stranger.id}/reports/summary`);
    expect(other.status).toBe(404);
  });

  it("the reading is in the owner's access log with the member as actor", async () => {
    const log = (await t.as(owner).get('/api/auth/me/access-log?limit=100')).body as {
      actor_id: string | null;
    }[];
    expect(log.some((e) => e.actor_id === full.id)).toBe(true);
    expect(log.some((e) => e.actor_id === partial.id || e.actor_id === stranger.id)).toBe(false);
  });

  it('the lab section is shown only to a member also granted lab_results; members without it keep the report', async () => {
    const r = await t.as(owner).post('/api/lab-results', { test: 'hba1c', value: 7.1 });
    expect(r.status).toBe(201);
    const withLabs = await registerUser(t);
    await link(t, owner, withLabs, {
      role: 'viewer',
      scopes: ['vitals', 'medication', 'sleep', 'exercise_mood', 'emergency', 'lab_results'],
    });
    const without = await report(full);
    expect(without.status).toBe(200);
    expect(without.body.labs).toBeNull();
    const html = await report(full, 'text/html');
    expect(html.text).not.toContain('HbA1c 7.1');
    const seen = await report(withLabs);
    expect(seen.body.labs.latest).toMatchObject([{ test: 'hba1c', value: 7.1 }]);
    expect((await report(withLabs, 'text/html')).text).toContain('HbA1c 7.1 %');
  });
});
