import { beforeAll, describe, expect, it } from 'vitest';
import { appSuite, registerUser, type TestUser } from '../support/app.js';
import { link } from '../support/care.js';
import { exampleBody, fetchOpenApi, fillPath, operations, type Operation } from '../support/openapi.js';

/**
 * The BOLA matrix of the care circle, generated from GET /docs-json so every care route added later is
 * covered: every operation on `/api/care/people/{owner_id}/…` with a REAL owner id answers 404 to a stranger,
 * to a declined invitee, to a revoked member and to a member of another person, and to a member whose grant
 * lacks the category — exactly as for an id that does not exist. Invitation ids of another pair are 404 too.
 */
describe('care-circle BOLA matrix from the OpenAPI document', () => {
  const { t } = appSuite({ users: 0 });
  let careOps: Operation[];
  let doc: Awaited<ReturnType<typeof fetchOpenApi>>;
  let owner: TestUser;
  let other: TestUser;
  const users: Record<string, TestUser> = {};
  let vitalsOnly: TestUser;

  beforeAll(async () => {
    doc = await fetchOpenApi(t);
    careOps = operations(doc).filter((o) => o.path.startsWith('/api/care/people/{owner_id}/'));
    owner = await registerUser(t);
    other = await registerUser(t);
    for (const n of ['stranger', 'declined', 'revoked', 'memberOfOther', 'noScope'])
      users[n] = await registerUser(t);
    const inv = await t
      .as(owner)
      .post('/api/care/invitations', { email: users.declined.email, scopes: ['vitals'] });
    await t.http.post(`/api/care/invitations/${inv.body.id}/decline`).set(users.declined.auth);
    await link(t, owner, users.revoked, { scopes: ['vitals', 'medication', 'medication:write'] });
    await t.http.delete(`/api/care/people/${owner.id}`).set(users.revoked.auth);
    await link(t, other, users.memberOfOther, { scopes: ['vitals', 'medication', 'medication:write'] });
    // A grant of lab_results only: every care route but the lab results' is outside it; that one is asked by a
    // member granted vitals only.
    await link(t, owner, users.noScope, { scopes: ['lab_results'] });
    vitalsOnly = await registerUser(t);
    await link(t, owner, vitalsOnly, { scopes: ['vitals'] });
  });

  it('every care operation on a real person: 404 for everyone outside a grant', async () => {
    expect(careOps.length).toBeGreaterThanOrEqual(13);
    const wrong: string[] = [];
    let checked = 0;
    for (const o of careOps) {
      const path = fillPath(o.path, { owner_id: owner.id });
      const body = exampleBody(doc, o);
      for (const [who, member] of Object.entries(users)) {
        const u = who === 'noScope' && o.path.endsWith('/lab-results') ? vitalsOnly : member;
        let req = t.http[o.method](path).set(u.auth);
        if (body !== undefined) req = req.send(body as object);
        const res = await req;
        if (res.status !== 404 || res.body.code !== 'NOT_FOUND')
          wrong.push(`${o.label} as ${who}: ${res.status}`);
        checked++;
      }
    }
    console.log(
      `care-circle BOLA matrix: ${careOps.length} operations × ${Object.keys(users).length} outsiders → 404 (${checked} requests)`,
    );
    expect(wrong).toEqual([]);
    // The grant is checked before the body: an outsider's invalid body is still 404, never a 422 that confirms
    // the route would act for them.
    for (const u of Object.values(users)) {
      const bad = await t.as(u).post(`/api/care/people/${owner.id}/medication/log`, { x: [1] });
      expect(bad.status).toBe(404);
      const summary = await t.as(u).put(`/api/care/people/${owner.id}/summary`, { time: 'soon' });
      expect(summary.status).toBe(404);
    }
    // Nothing was written for the owner by any of them.
    expect((await t.as(owner).get('/api/medication/logs')).body).toEqual([]);
  });

  it("another pair's invitation and link ids → 404 for accept, decline, cancel and removal", async () => {
    const inv = await t
      .as(other)
      .post('/api/care/invitations', { email: `someone${Date.now()}@example.com`, scopes: ['vitals'] });
    const id = inv.body.id;
    const s = users.stranger;
    expect((await t.as(s).post(`/api/care/invitations/${id}/accept`, {})).status).toBe(404);
    expect((await t.as(s).post(`/api/care/invitations/${id}/decline`)).status).toBe(404);
    expect((await t.as(s).delete(`/api/care/invitations/${id}`)).status).toBe(404);
    expect((await t.as(s).delete(`/api/care/circle/${users.memberOfOther.id}`)).status).toBe(404);
    expect((await t.as(s).delete(`/api/care/people/${other.id}`)).status).toBe(404);
    // The other pair's link is untouched.
    expect((await t.http.get('/api/care/people').set(users.memberOfOther.auth)).body).toHaveLength(1);
  });
});
