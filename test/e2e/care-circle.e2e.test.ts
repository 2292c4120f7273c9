import { beforeAll, describe, expect, it } from 'vitest';
import { appSuite, registerUser, type TestUser } from '../support/app.js';
import { invite, link, manualClock } from '../support/care.js';
import type { ManualClock } from '../support/manual-clock.js';

const DAY = 86_400_000;
const VITALS = { role: 'viewer' as const, scopes: ['vitals'] };

describe('care circle: invitations and links', () => {
  const { t } = appSuite({ users: 0 });
  let clock: ManualClock;
  let owner: TestUser;
  let member: TestUser;

  beforeAll(async () => {
    clock = manualClock(t, Date.now());
    owner = await registerUser(t, { name: 'Asha' });
    member = await registerUser(t, { name: 'Ravi' });
  });

  const people = async (u: TestUser) => (await t.as(u).get('/api/care/people')).body;
  const circle = async (u: TestUser) => (await t.as(u).get('/api/care/circle')).body;
  const received = async (u: TestUser) => (await t.as(u).get('/api/care/invitations')).body;
  const accept = (u: TestUser, id: unknown, body: object = {}) =>
    t.as(u).post(`/api/care/invitations/${id}/accept`, body);

  it('invite → the invitee lists it → accepts (single use); both sides see the link', async () => {
    const inv = await invite(t, owner, member.email.toUpperCase(), {
      role: 'caregiver',
      scopes: ['vitals', 'medication', 'emergency'],
      notify: ['missed_dose', 'emergency_alert'],
    });
    expect(inv).toMatchObject({ direction: 'invite', side: 'sent', email: member.email, status: 'pending' });
    expect(new Date(String(inv.expires_at)).getTime() - new Date(String(inv.created_at)).getTime()).toBe(
      7 * DAY,
    );
    const list = await received(member);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ id: inv.id, side: 'received', email: owner.email, name: 'Asha' });
    // Nobody else can see or accept it.
    const stranger = await registerUser(t);
    expect(await received(stranger)).toEqual([]);
    expect((await accept(stranger, inv.id)).status).toBe(404);
    expect((await accept(owner, inv.id)).status).toBe(404);
    const ok = await accept(member, inv.id);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ user_id: owner.id, name: 'Asha', role: 'caregiver' });
    expect((await accept(member, inv.id)).body.code).toBe('INVITATION_NOT_PENDING');
    expect(await people(member)).toMatchObject([
      {
        user_id: owner.id,
        scopes: ['vitals', 'medication', 'emergency'],
        notify: ['missed_dose', 'emergency_alert'],
      },
    ]);
    expect(await circle(owner)).toMatchObject([{ user_id: member.id, name: 'Ravi', role: 'caregiver' }]);
    expect(await received(member)).toEqual([]);
  });

  it('revoke by the owner, then re-invite; leaving by the member', async () => {
    expect((await t.as(owner).delete(`/api/care/circle/${member.id}`)).status).toBe(204);
    expect(await people(member)).toEqual([]);
    expect((await t.as(owner).delete(`/api/care/circle/${member.id}`)).status).toBe(404);
    await link(t, owner, member, VITALS);
    expect(await people(member)).toMatchObject([{ user_id: owner.id, scopes: ['vitals'] }]);
    expect((await t.as(member).delete(`/api/care/people/${owner.id}`)).status).toBe(204);
    expect(await circle(owner)).toEqual([]);
    expect((await t.as(member).delete(`/api/care/people/${owner.id}`)).status).toBe(404);
    const sent = (await t.as(owner).get('/api/care/invitations/sent')).body;
    expect(sent.map((s: { status: string }) => s.status)).toEqual(['revoked', 'revoked']);
  });

  it('decline; cancel by the sender; a declined invitation cannot be accepted', async () => {
    const inv = await invite(t, owner, member.email, VITALS);
    expect((await t.as(member).post(`/api/care/invitations/${inv.id}/decline`)).status).toBe(204);
    expect((await accept(member, inv.id)).status).toBe(409);
    const second = await invite(t, owner, member.email, VITALS);
    expect((await t.as(member).delete(`/api/care/invitations/${second.id}`)).status).toBe(404);
    expect((await t.as(owner).delete(`/api/care/invitations/${second.id}`)).status).toBe(204);
    expect(await received(member)).toEqual([]);
    expect(await people(member)).toEqual([]);
  });

  it('expires after 7 days (manual clock)', async () => {
    const inv = await invite(t, owner, member.email, VITALS);
    clock.advance(7 * DAY + 60_000);
    expect((await received(member))[0]).toMatchObject({ id: inv.id, status: 'expired' });
    const r = await accept(member, inv.id);
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('INVITATION_EXPIRED');
    expect(await people(member)).toEqual([]);
    // A new invitation replaces it.
    await link(t, owner, member, VITALS);
    expect(await people(member)).toHaveLength(1);
    await t.as(member).delete(`/api/care/people/${owner.id}`);
  });

  it('the invite answer is identical for a registered and an unregistered e-mail; the latter is accepted after registration', async () => {
    const fresh = `later${Date.now()}@example.com`;
    const a = await invite(t, owner, member.email, VITALS);
    const b = await invite(t, owner, fresh, VITALS);
    const shape = (x: Record<string, unknown>) => ({
      ...x,
      id: 'x',
      email: 'x',
      created_at: 'x',
      expires_at: 'x',
    });
    expect(shape(b)).toEqual(shape(a));
    expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
    const later = await registerUser(t, { email: fresh.toUpperCase(), name: 'Later' });
    const list = await received(later);
    expect(list).toMatchObject([{ id: b.id, email: owner.email }]);
    expect((await accept(later, b.id)).status).toBe(200);
    expect(await people(later)).toMatchObject([{ user_id: owner.id }]);
    await t.as(owner).delete(`/api/care/invitations/${a.id}`);
  });

  it('a caregiver asks for access; the owner accepts with the scopes they choose', async () => {
    const asker = await registerUser(t, { name: 'Meera' });
    const r = await t.as(asker).post('/api/care/requests', {
      email: owner.email,
      role: 'caregiver',
      scopes: ['vitals', 'medication'],
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ direction: 'request', side: 'sent', email: owner.email });
    const list = await received(owner);
    expect(list).toMatchObject([{ id: r.body.id, direction: 'request', name: 'Meera' }]);
    expect((await accept(asker, r.body.id)).status).toBe(404);
    const ok = await accept(owner, r.body.id, { role: 'viewer', scopes: ['sleep'] });
    expect(ok.status).toBe(200);
    expect(await people(asker)).toMatchObject([{ user_id: owner.id, role: 'viewer', scopes: ['sleep'] }]);
    // The asker can decline nothing of the owner's and the owner ends it.
    expect((await t.as(owner).delete(`/api/care/circle/${asker.id}`)).status).toBe(204);
  });

  it('validates grants: scopes needed, notifications only for caregivers within their scope → 422', async () => {
    const bad = async (body: object) =>
      (await t.as(owner).post('/api/care/invitations', { email: member.email, ...body })).status;
    expect(await bad({ scopes: [] })).toBe(422);
    expect(await bad({ scopes: ['everything'] })).toBe(422);
    expect(await bad({ role: 'admin', scopes: ['vitals'] })).toBe(422);
    expect(await bad({ scopes: ['vitals'], notify: ['missed_dose'] })).toBe(422);
    expect(await bad({ role: 'caregiver', scopes: ['vitals'], notify: ['missed_dose'] })).toBe(422);
    expect(await bad({ role: 'caregiver', scopes: ['medication:write'] })).toBe(422);
    expect(await bad({ scopes: ['vitals'], email: 'not-an-email' })).toBe(422);
    expect(await bad({ scopes: ['vitals'], email: owner.email })).toBe(422);
  });

  it('limits: at most 20 pending invitations', async () => {
    const busy = await registerUser(t);
    for (let i = 0; i < 20; i++) await invite(t, busy, `p${i}-${Date.now()}@example.com`, VITALS);
    const r = await t
      .as(busy)
      .post('/api/care/invitations', { email: `one-more${Date.now()}@example.com`, ...VITALS });
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('CARE_PENDING_LIMIT');
  });

  it('limits: at most 10 members; invitations rate-limited per user (429 + Retry-After)', async () => {
    const big = await registerUser(t);
    const members = await Promise.all(Array.from({ length: 11 }, () => registerUser(t)));
    for (const m of members.slice(0, 10)) await link(t, big, m, VITALS);
    const r = await t.as(big).post('/api/care/invitations', { email: members[10].email, ...VITALS });
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('CARE_MEMBER_LIMIT');
    // Re-sending to one address replaces the pending invitation, so only the hourly limit stops it.
    const sender = await registerUser(t);
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++)
      statuses.push(
        (await t.as(sender).post('/api/care/invitations', { email: member.email, ...VITALS })).status,
      );
    expect(statuses.slice(0, 30).every((s) => s === 201)).toBe(true);
    const limited = await t.as(sender).post('/api/care/requests', { email: member.email });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(statuses[30]).toBe(429);
    // Only the last of the 30 is pending for the invitee.
    expect((await received(member)).filter((i: { email: string }) => i.email === sender.email)).toHaveLength(
      1,
    );
  });

  it('erasing either account ends its links', async () => {
    const o = await registerUser(t, { name: 'Owner to erase' });
    const m = await registerUser(t);
    const m2 = await registerUser(t);
    await link(t, o, m, VITALS);
    await link(t, m2, o, VITALS);
    await invite(t, o, `pending${Date.now()}@example.com`, VITALS);
    expect(await people(m)).toHaveLength(1);
    expect(await circle(m2)).toHaveLength(1);
    expect((await t.as(o).delete('/api/auth/me')).status).toBe(204);
    expect(await people(m)).toEqual([]);
    expect(await circle(m2)).toEqual([]);
    expect((await t.as(m).get(`/api/care/people/${o.id}/vitals`)).status).toBe(404);
  });

  it("export: the owner sees circle and grants, the member whom they care for — never the other person's data", async () => {
    const o = await registerUser(t, { name: 'Exporter' });
    const m = await registerUser(t, { name: 'Son' });
    await link(t, o, m, { role: 'caregiver', scopes: ['vitals', 'emergency'], notify: ['emergency_alert'] });
    await t.as(o).post('/api/vitals', { heart_rate: 71 });
    const ownerExport = JSON.parse((await t.as(o).get('/api/auth/me/export').buffer(true)).text);
    expect(ownerExport.care_circle.members).toMatchObject([
      { user_id: m.id, name: 'Son', scopes: ['vitals', 'emergency'], notify: ['emergency_alert'] },
    ]);
    expect(ownerExport.records.some((r: { type: string }) => r.type === 'vitals')).toBe(true);
    const memberExport = JSON.parse((await t.as(m).get('/api/auth/me/export').buffer(true)).text);
    expect(memberExport.care_circle.caring_for).toMatchObject([{ user_id: o.id, name: 'Exporter' }]);
    expect(memberExport.care_circle.members).toEqual([]);
    expect(memberExport.records.some((r: { type: string }) => r.type === 'vitals')).toBe(false);
  });

  it('Swagger documents every care route with its errors', async () => {
    const doc = (await t.http.get('/docs-json')).body;
    const care = Object.entries(doc.paths as Record<string, Record<string, { responses: object }>>).filter(
      ([p]) => p.startsWith('/api/care'),
    );
    expect(care.length).toBeGreaterThanOrEqual(18);
    for (const [path, ops] of care)
      for (const [method, op] of Object.entries(ops)) {
        expect(Object.keys(op.responses), `${method} ${path}`).toContain('401');
        if (path.includes('{')) expect(Object.keys(op.responses), `${method} ${path}`).toContain('404');
      }
  });
});
