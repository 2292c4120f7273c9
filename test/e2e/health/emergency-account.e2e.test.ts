import { describe, expect, it } from 'vitest';
import { appSuite, registerUser, wholeText, type TestUser } from '../../support/app.js';
import { boundsOf, expectBounds, ids } from '../../support/health.js';

describe('emergency contacts, alerts, account erase and export', () => {
  const { t, u } = appSuite();

  it('contacts: phone 400s, duplicates 409, one primary (create and update), primary-first order, last cannot be deleted', async () => {
    const v = await registerUser(t);
    const empty = await t.as(v).post('/api/emergency-contacts', { name: 'A', phone: '' });
    expect(empty.status).toBe(400);
    expect(empty.body.detail).toBe('Phone number cannot be empty');
    const short = await t.as(v).post('/api/emergency-contacts', { name: 'A', phone: '+12345678' });
    expect(short.body).toEqual({ detail: 'Phone number must have at least 10 digits', code: 'BAD_REQUEST' });
    // Stateless: a failure does not poison numbers with the same prefix (the original's shared memory).
    const ravi = await t.as(v).post('/api/emergency-contacts', {
      name: 'Ravi',
      relationship: 'son',
      phone: '+1234567890',
      is_primary: true,
    });
    expect(ravi.status).toBe(201);
    expect(ravi.body).toMatchObject({ name: 'Ravi', is_primary: true, user_id: v.id });
    const samePhone = await t
      .as(v)
      .post('/api/emergency-contacts', { name: 'Other', phone: '+1 234-567-890' });
    expect(samePhone.status).toBe(409);
    expect(samePhone.body.detail).toBe('Emergency contact with this phone number already exists');
    expect(
      (await t.as(v).post('/api/emergency-contacts', { name: ' ravi ', phone: '9999999999' })).status,
    ).toBe(409);
    const anu = await t
      .as(v)
      .post('/api/emergency-contacts', { name: 'anu', phone: '9876543210', is_primary: true });
    expect(anu.body.is_primary).toBe(true);
    const zed = await t.as(v).post('/api/emergency-contacts', { name: 'Bala', phone: '9876500000' });
    let list = await t.as(v).get('/api/emergency-contacts');
    expect(list.body.map((c: { name: string; is_primary: boolean }) => [c.name, c.is_primary])).toEqual([
      ['anu', true],
      ['Bala', false],
      ['Ravi', false],
    ]);
    const promoted = await t.as(v).put(`/api/emergency-contacts/${zed.body.id}`, { is_primary: true });
    expect(promoted.body).toMatchObject({ is_primary: true, name: 'Bala', phone: '9876500000' });
    list = await t.as(v).get('/api/emergency-contacts');
    expect(
      list.body.filter((c: { is_primary: boolean }) => c.is_primary).map((c: { id: string }) => c.id),
    ).toEqual([zed.body.id]);
    expect((await t.as(v).put(`/api/emergency-contacts/${zed.body.id}`, { phone: '123' })).status).toBe(400);
    expect((await t.as(v).put(`/api/emergency-contacts/${zed.body.id}`, { name: 'RAVI' })).status).toBe(409);
    const rel = await t.as(v).put(`/api/emergency-contacts/${ravi.body.id}`, { relationship: null });
    expect(rel.body).toMatchObject({ relationship: null, name: 'Ravi' });
    expect((await t.as(v).get(`/api/emergency-contacts/${anu.body.id}`)).body.is_primary).toBe(false);
    expect((await t.as(v).delete(`/api/emergency-contacts/${anu.body.id}`)).status).toBe(204);
    expect((await t.as(v).delete(`/api/emergency-contacts/${ravi.body.id}`)).status).toBe(204);
    const last = await t.as(v).delete(`/api/emergency-contacts/${zed.body.id}`);
    expect(last.status).toBe(400);
    expect(last.body.detail).toBe('Cannot delete the last emergency contact');
    expect(ids((await t.as(v).get('/api/emergency-contacts?use_cache=false')).body)).toEqual([zed.body.id]);
    expect((await t.as(v).get(`/api/emergency-contacts/${anu.body.id}`)).body.detail).toBe(
      'Emergency contact not found',
    );
    const emergencyContactsBounds = boundsOf(t, v, 'post', '/api/emergency-contacts', {
      phone: '1112223334',
    });
    await emergencyContactsBounds('name', ['N'], ['', 'a'.repeat(201), undefined]);
    await expectBounds(t, v, 'post', '/api/emergency-contacts', { name: 'Q' }, 'is_primary', [], ['yes']);
  });

  it('contacts batch: a bad phone refuses all (400); one primary kept and the stored one demoted', async () => {
    const v = await registerUser(t);
    await t.as(v).post('/api/emergency-contacts', { name: 'Old', phone: '1111111111', is_primary: true });
    const bad = await t.as(v).post('/api/emergency-contacts/batch', [{ name: 'X', phone: '1' }]);
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toBe('Invalid phone number for X: Phone number must have at least 10 digits');
    const res = await t.as(v).post('/api/emergency-contacts/batch', [
      { name: 'P1', phone: '2222222222', is_primary: true },
      { name: 'P2', phone: '3333333333', is_primary: true },
      { name: 'Old', phone: '4444444444' },
    ]);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      total_items: 3,
      successful_items: 2,
      failed_items: 1,
      primary_contacts: 1,
    });
    const list = await t.as(v).get('/api/emergency-contacts');
    expect(list.body.map((c: { name: string; is_primary: boolean }) => [c.name, c.is_primary])).toEqual([
      ['P1', true],
      ['Old', false],
      ['P2', false],
    ]);
  });

  it('emergency alert: stored with a pending delivery per contact, primary first; bounds', async () => {
    const v = await registerUser(t);
    const none = await t
      .as(v)
      .post('/api/emergency/alert', { type: 'fall', severity: 'high', description: 'fell down' });
    expect(none.status).toBe(201);
    expect(none.body).toMatchObject({ status: 'no_contacts', deliveries: [] });
    await t.as(v).post('/api/emergency-contacts', { name: 'Son', phone: '9000000001' });
    await t
      .as(v)
      .post('/api/emergency-contacts', { name: 'Daughter', phone: '9000000002', is_primary: true });
    const res = await t.as(v).post('/api/emergency/alert', {
      type: 'chest_pain',
      severity: 'critical',
      description: 'pain in chest',
      location: 'home',
      latitude: 18.52,
      longitude: 73.85,
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      user_id: v.id,
      type: 'chest_pain',
      severity: 'critical',
      status: 'pending',
      location: 'home',
    });
    expect(res.body.deliveries.map((d: { name: string; status: string }) => [d.name, d.status])).toEqual([
      ['Daughter', 'pending'],
      ['Son', 'pending'],
    ]);
    const base = { type: 'fall', severity: 'low', description: 'd' };
    const emergencyAlertBounds = boundsOf(t, v, 'post', '/api/emergency/alert', base);
    await emergencyAlertBounds('type', ['medical', 'other'], ['earthquake', undefined]);
    await emergencyAlertBounds('severity', ['low', 'critical'], ['extreme']);
    await emergencyAlertBounds('latitude', [-90, 90], [-90.1, 90.1]);
    await emergencyAlertBounds('longitude', [-180, 180], [180.5]);
    await emergencyAlertBounds('description', ['x'], ['', undefined]);
  });

  it('export returns the account and every record; DELETE /api/auth/me erases records and the account', async () => {
    const v = await registerUser(t);
    const vit = await t.as(v).post('/api/vitals', { heart_rate: 70 });
    await t.as(v).post('/api/tracking/water/log', { amount_ml: 100 });
    await t.as(v).post('/api/emergency-contacts', { name: 'Son', phone: '9000000001' });
    // The export streams as a download: read it whole, as text.
    const exportOf = (user: TestUser) => wholeText(t.as(user).get('/api/auth/me/export'));
    const exp = await exportOf(v);
    expect(exp.status).toBe(200);
    expect(exp.headers['content-type']).toMatch(/application\/json/);
    const doc = JSON.parse(exp.body as unknown as string);
    expect(doc.account).toMatchObject({ id: v.id, email: v.email });
    expect(doc.records.map((r: { type: string }) => r.type).sort()).toEqual([
      'emergency_contact',
      'vitals',
      'water',
    ]);
    expect(doc.records.every((r: { payload: { user_id: string } }) => r.payload.user_id === v.id)).toBe(true);
    // Another user's export never contains v's records.
    const other = await exportOf(u);
    expect(other.body as unknown as string).not.toContain(vit.body.id);

    const del = await t.as(v).delete('/api/auth/me');
    expect(del.status).toBe(204);
    expect((await t.as(v).get('/api/auth/me')).status).toBe(401);
    expect((await t.http.post('/api/auth/login').send({ email: v.email, password: v.password })).status).toBe(
      401,
    );
    const again = await registerUser(t, { email: v.email });
    expect((await t.as(again).get('/api/vitals')).body).toEqual([]);
  });
});
