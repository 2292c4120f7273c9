import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocusGraphGateway } from '../../src/locusgraph/locusgraph.gateway.js';
import { appSuite, createTestApp, registerUser, type TestApp, type TestUser } from '../support/app.js';
import { connectWs, wsBase } from '../support/ws-client.js';
import { FALL_ALERT } from '../support/health.js';

const DAY_MSG = 'Invalid day: monday. Use 3-letter lowercase format (mon, tue, wed, thu, fri, sat, sun)';
const TIME_MSG = 'Invalid time format. Use HH:MM (24-hour format)';
const ISO_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{2}:\d{2}$/;

/** An appointment whose reminder (1 minute before) comes due `inMs` from now: a real notification, quickly. */
async function appointmentDueIn(t: TestApp, u: TestUser, inMs: number, title = 'Check-up'): Promise<string> {
  const scheduled = new Date(Date.now() + 60_000 + inMs).toISOString();
  const res = await t.as(u).post('/api/appointments', {
    title,
    doctor_name: 'Dr. Rao',
    scheduled_at: scheduled,
    reminder_minutes_before: 1,
  });
  expect(res.status).toBe(201);
  return res.body.id;
}

describe('alarms routes', () => {
  const { t, users } = appSuite({ users: 2 });
  const [a, b] = users;

  it('creates an alarm (201) with defaults, the original fields and when it fires next in the user zone', async () => {
    const res = await t.as(a).post('/api/alarms', { type: 'medication', title: 'Aspirin', time: '8:05' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      user_id: a.id,
      type: 'medication',
      title: 'Aspirin',
      message: null,
      time: '08:05',
      days_of_week: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
      active: true,
      reference_id: null,
      timezone: 'Asia/Kolkata',
    });
    expect(res.body.id).toMatch(/^[0-9a-f]{12}$/);
    expect(res.body.created_at).toMatch(ISO_OFFSET);
    expect(res.body.next_trigger_at).toMatch(/T08:05:00\.000\+05:30$/);
    expect(new Date(res.body.next_trigger_at).getTime()).toBeGreaterThan(Date.now());
  });

  it('validates: type enum → 422, bad time / day → 400 with the original messages, wrong types → 422', async () => {
    const bad = async (body: Record<string, unknown>) => t.as(a).post('/api/alarms', body);
    const r1 = await bad({ type: 'vitamins', title: 'x', time: '08:00' });
    expect(r1.status).toBe(422);
    expect(r1.body.detail[0].loc).toEqual(['body', 'type']);
    expect((await bad({ type: 'water', time: '08:00' })).status).toBe(422);
    expect((await bad({ type: 'water', title: 'x' })).status).toBe(422);
    expect((await bad({ type: 'water', title: 'x', time: 800 })).status).toBe(422);
    expect((await bad({ type: 'water', title: 'x', time: '08:00', days_of_week: 'mon' })).status).toBe(422);
    expect((await bad({ type: 'water', title: 'x', time: '08:00', active: 'yes' })).status).toBe(422);
    for (const time of ['24:00', '12:60', '8', '08:00:00', 'noon', '']) {
      const r = await bad({ type: 'water', title: 'x', time });
      expect(r.status, time).toBe(400);
      expect(r.body).toEqual({ detail: TIME_MSG, code: 'BAD_REQUEST' });
    }
    const d = await bad({ type: 'water', title: 'x', time: '08:00', days_of_week: ['mon', 'monday'] });
    expect(d.status).toBe(400);
    expect(d.body.detail).toBe(DAY_MSG);
    const ok = await bad({ type: 'water', title: 'x', time: '08:00', days_of_week: ['MON', 'Fri'] });
    expect(ok.status).toBe(201);
    expect(ok.body.days_of_week).toEqual(['mon', 'fri']);
    expect(ok.body.message).toBeNull();
  });

  it('lists only the caller’s alarms with their real ids, by time; active_only filters', async () => {
    const mk = async (u: TestUser, time: string, active = true) =>
      (await t.as(u).post('/api/alarms', { type: 'water', title: `W ${time}`, time, active })).body
        .id as string;
    const late = await mk(a, '21:00');
    const early = await mk(a, '06:30', false);
    const other = await mk(b, '07:00');
    const list = await t.as(a).get('/api/alarms');
    expect(list.status).toBe(200);
    const ids = list.body.map((x: { id: string }) => x.id);
    expect(ids).toContain(late);
    expect(ids).toContain(early);
    expect(ids).not.toContain(other);
    const times = list.body.map((x: { time: string }) => x.time);
    expect([...times].sort()).toEqual(times);
    for (const x of list.body) expect((await t.as(a).get(`/api/alarms/${x.id}`)).status).toBe(200);
    const active = await t.as(a).get('/api/alarms?active_only=true');
    expect(active.body.map((x: { id: string }) => x.id)).not.toContain(early);
    expect((await t.as(a).get('/api/alarms?active_only=maybe')).status).toBe(422);
    const inactive = list.body.find((x: { id: string }) => x.id === early);
    expect(inactive.next_trigger_at).toBeNull();
  });

  it('PUT merges only the fields sent; a null message keeps it; an empty day list is 422; 400 on bad values', async () => {
    const created = await t.as(a).post('/api/alarms', {
      type: 'meal',
      title: 'Lunch',
      message: 'Eat',
      time: '13:00',
      days_of_week: ['mon', 'tue'],
      reference_id: 'r1',
    });
    const id = created.body.id;
    const r1 = await t.as(a).put(`/api/alarms/${id}`, { title: 'Late lunch' });
    expect(r1.status).toBe(200);
    expect(r1.body).toMatchObject({
      type: 'meal',
      title: 'Late lunch',
      message: 'Eat',
      time: '13:00',
      days_of_week: ['mon', 'tue'],
      active: true,
      reference_id: 'r1',
    });
    const r2 = await t.as(a).put(`/api/alarms/${id}`, { message: null, active: false });
    expect((await t.as(a).put(`/api/alarms/${id}`, { days_of_week: [] })).body.detail[0].loc).toEqual([
      'body',
      'days_of_week',
    ]);
    expect(r2.body).toMatchObject({
      message: 'Eat',
      days_of_week: ['mon', 'tue'],
      active: false,
      next_trigger_at: null,
    });
    const r3 = await t.as(a).put(`/api/alarms/${id}`, { time: '14:15', days_of_week: ['SAT'], active: true });
    expect(r3.body).toMatchObject({ time: '14:15', days_of_week: ['sat'], active: true });
    expect(r3.body.next_trigger_at).toMatch(/T14:15:00\.000\+05:30$/);
    expect(new Date(r3.body.next_trigger_at).getUTCDay()).toBe(6);
    expect((await t.as(a).put(`/api/alarms/${id}`, { time: '25:00' })).body.detail).toBe(TIME_MSG);
    expect((await t.as(a).put(`/api/alarms/${id}`, { days_of_week: ['monday'] })).body.detail).toBe(DAY_MSG);
    expect((await t.as(a).put(`/api/alarms/${id}`, { type: 'snack' })).status).toBe(422);
    expect(r3.body.updated_at >= r1.body.updated_at).toBe(true);
  });

  it('another user’s alarm is 404 for GET, PUT and DELETE; DELETE is 204 then 404', async () => {
    const id = (await t.as(a).post('/api/alarms', { type: 'water', title: 'Mine', time: '10:00' })).body.id;
    for (const req of [
      t.as(b).get(`/api/alarms/${id}`),
      t.as(b).put(`/api/alarms/${id}`, { title: 'Hijack' }),
      t.as(b).delete(`/api/alarms/${id}`),
    ]) {
      const r = await req;
      expect(r.status).toBe(404);
      expect(r.body).toEqual({ detail: 'Alarm not found', code: 'NOT_FOUND' });
    }
    expect((await t.as(a).get('/api/alarms/not-a-real-id')).status).toBe(404);
    expect((await t.as(a).get('/api/alarms/' + 'x'.repeat(80))).status).toBe(404);
    const del = await t.as(a).delete(`/api/alarms/${id}`);
    expect(del.status).toBe(204);
    expect(del.text).toBe('');
    expect((await t.as(a).get(`/api/alarms/${id}`)).status).toBe(404);
    expect((await t.as(a).delete(`/api/alarms/${id}`)).status).toBe(404);
    const list = await t.as(a).get('/api/alarms');
    expect(list.body.map((x: { id: string }) => x.id)).not.toContain(id);
  });

  it('401 without a token on every route', async () => {
    for (const r of [
      t.http.get('/api/alarms'),
      t.http.post('/api/alarms').send({}),
      t.http.get('/api/alarms/abc'),
      t.http.put('/api/alarms/abc').send({}),
      t.http.delete('/api/alarms/abc'),
      t.http.get('/api/notifications'),
      t.http.put('/api/notifications/read-all'),
      t.http.put('/api/notifications/abc/read'),
      t.http.post('/api/notifications/abc/snooze').send({}),
      t.http.get('/api/notifications/webhook'),
      t.http.put('/api/notifications/webhook').send({}),
    ]) {
      const res = await r;
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('NOT_AUTHENTICATED');
    }
  });
});

describe('notifications: firing, routes, WebSocket and webhook delivery', () => {
  let t: TestApp;
  let a: TestUser;
  let b: TestUser;
  let hook: Server;
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];
  let hookStatus = 200;

  beforeAll(async () => {
    hook = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.statusCode = hookStatus;
        res.end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', () => r()));
    t = await createTestApp({ env: { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' } });
    a = await registerUser(t);
    b = await registerUser(t);
  });
  afterAll(async () => {
    await t.close();
    await new Promise((r) => hook.close(r));
  });

  it('the WebSocket refuses a missing or bad token at the handshake (401)', async () => {
    const base = wsBase(t.app.getHttpServer());
    await expect(connectWs(`${base}/api/notifications/ws`)).rejects.toMatchObject({ status: 401 });
    await expect(connectWs(`${base}/api/notifications/ws?token=not-a-jwt`)).rejects.toMatchObject({
      status: 401,
    });
    const refresh = await connectWs(`${base}/api/notifications/ws?token=${a.refreshToken}`).catch((e) => e);
    expect(refresh.status).toBe(401);
    expect(JSON.parse(refresh.body)).toMatchObject({ code: 'INVALID_TOKEN' });
    await expect(connectWs(`${base}/api/nope/ws?token=${a.accessToken}`)).rejects.toMatchObject({
      status: 404,
    });
  });

  it('a due reminder becomes one notification, pushed to every socket of its user and never to another user', async () => {
    const base = wsBase(t.app.getHttpServer());
    const app1 = await connectWs(`${base}/api/notifications/ws?token=${a.accessToken}`);
    const device = await connectWs(`${base}/api/notifications/ws`, {
      Authorization: `Bearer ${a.accessToken}`,
    });
    const browser = await connectWs(`${base}/api/notifications/ws`, {}, ['bearer', a.accessToken]);
    const other = await connectWs(`${base}/api/notifications/ws?token=${b.accessToken}`);
    try {
      const apptId = await appointmentDueIn(t, a, 1200, 'Cardiology');
      const isNote = (m: Record<string, unknown>) => m.type === 'notification';
      const [m1, m2, m3] = await Promise.all([app1.next(isNote), device.next(isNote), browser.next(isNote)]);
      const n = m1.notification as Record<string, unknown>;
      expect(m2.notification).toEqual(n);
      expect(m3.notification).toEqual(n);
      expect(n).toMatchObject({
        user_id: a.id,
        title: 'Appointment: Cardiology',
        type: 'appointment',
        kind: 'reminder',
        status: 'sent',
        read: false,
        source: `appointment:${apptId}`,
      });
      expect(n.message).toMatch(
        /^You have an appointment with Dr\. Rao at \d{1,2}:\d{2} [AP]M \(in 1 minute\)$/,
      );
      expect(n.due_at).toMatch(ISO_OFFSET);
      const lateMs = Date.now() - new Date(n.due_at as string).getTime();
      expect(lateMs).toBeLessThan(3000);
      await new Promise((r) => setTimeout(r, 300));
      expect(app1.messages.filter(isNote)).toHaveLength(1);
      expect(other.messages.filter(isNote)).toHaveLength(0);
      const list = await t.as(a).get('/api/notifications');
      expect(list.status).toBe(200);
      expect(list.body.filter((x: { source: string }) => x.source === `appointment:${apptId}`)).toHaveLength(
        1,
      );
      expect(list.body[0].id).toBe(n.id);
      expect((await t.as(b).get('/api/notifications')).body).toEqual([]);
    } finally {
      await Promise.all([app1.close(), device.close(), browser.close(), other.close()]);
    }
  });

  it('deleting an appointment cancels its reminder; moving it reschedules', async () => {
    const ws = await connectWs(
      `${wsBase(t.app.getHttpServer())}/api/notifications/ws?token=${b.accessToken}`,
    );
    try {
      const gone = await appointmentDueIn(t, b, 800, 'Cancelled');
      expect((await t.as(b).delete(`/api/appointments/${gone}`)).status).toBe(204);
      const moved = await appointmentDueIn(t, b, 900, 'Moved');
      const later = new Date(Date.now() + 60_000 + 2500).toISOString();
      expect((await t.as(b).put(`/api/appointments/${moved}`, { scheduled_at: later })).status).toBe(200);
      const m = await ws.next((x) => x.type === 'notification', 8000);
      expect((m.notification as { title: string }).title).toBe('Appointment: Moved');
      expect(Date.now()).toBeGreaterThanOrEqual(new Date(later).getTime() - 60_000 - 50);
      await new Promise((r) => setTimeout(r, 500));
      expect(ws.messages.filter((x) => x.type === 'notification')).toHaveLength(1);
    } finally {
      await ws.close();
    }
  });

  it('GET /api/notifications validates limit (1–100) and unread_only; read, read-all and snooze', async () => {
    for (const q of ['limit=0', 'limit=101', 'limit=abc', 'unread_only=perhaps']) {
      expect((await t.as(a).get(`/api/notifications?${q}`)).status, q).toBe(422);
    }
    const ws = await connectWs(
      `${wsBase(t.app.getHttpServer())}/api/notifications/ws?token=${a.accessToken}`,
    );
    try {
      await appointmentDueIn(t, a, 500, 'Second');
      await ws.next((x) => x.type === 'notification');
      const unread = await t.as(a).get('/api/notifications?unread_only=true&limit=100');
      expect(unread.body.length).toBeGreaterThanOrEqual(2);
      const one = await t.as(a).get('/api/notifications?limit=1');
      expect(one.body).toHaveLength(1);
      const id = unread.body[0].id;
      // Someone else's notification: 404 for read and snooze.
      expect((await t.as(b).put(`/api/notifications/${id}/read`)).status).toBe(404);
      expect((await t.as(b).post(`/api/notifications/${id}/snooze`, { minutes: 5 })).body).toEqual({
        detail: 'Notification not found',
        code: 'NOT_FOUND',
      });
      const read = await t.as(a).put(`/api/notifications/${id}/read`);
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({ id, read: true });
      for (const minutes of [0, 1441, 'ten', 2.5]) {
        expect(
          (await t.as(a).post(`/api/notifications/${id}/snooze`, { minutes })).status,
          String(minutes),
        ).toBe(422);
      }
      const snoozed = await t.as(a).post(`/api/notifications/${id}/snooze`, { minutes: 10 });
      expect(snoozed.status).toBe(200);
      expect(snoozed.body.read).toBe(true);
      const until = new Date(snoozed.body.snoozed_until).getTime();
      expect(Math.abs(until - (Date.now() + 600_000))).toBeLessThan(5000);
      expect(snoozed.body.snoozed_until).toMatch(ISO_OFFSET);
      const all = await t.as(a).put('/api/notifications/read-all');
      expect(all.status).toBe(200);
      expect(all.body.updated).toBeGreaterThanOrEqual(1);
      expect((await t.as(a).get('/api/notifications?unread_only=true')).body).toEqual([]);
      expect((await t.as(a).put('/api/notifications/read-all')).body).toEqual({ updated: 0 });
      expect((await t.as(a).put('/api/notifications/nope/read')).status).toBe(404);
    } finally {
      await ws.close();
    }
  });

  it('webhook: set (secret shown once), signed POST per notification, GET hides the secret, DELETE', async () => {
    expect((await t.as(b).get('/api/notifications/webhook')).status).toBe(404);
    for (const url of ['ftp://x', 'not a url', 'http://user:pw@example.com/x']) {
      expect((await t.as(b).put('/api/notifications/webhook', { url })).status, url).toBe(422);
    }
    expect(
      (await t.as(b).put('/api/notifications/webhook', { url: 'http://x.test', secret: 'short' })).status,
    ).toBe(422);
    const port = (hook.address() as AddressInfo).port;
    const url = `http://127.0.0.1:${port}/hook`;
    const set = await t.as(b).put('/api/notifications/webhook', { url });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ url, active: true, signature_header: 'X-Podd-Signature' });
    const secret: string = set.body.secret;
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    const got = await t.as(b).get('/api/notifications/webhook');
    expect(got.body.secret).toBeUndefined();
    received.length = 0;
    await appointmentDueIn(t, b, 500, 'Hooked');
    for (let i = 0; i < 100 && received.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(received).toHaveLength(1);
    const { headers, body } = received[0];
    const expected =
      'sha256=' + createHmac('sha256', secret).update(`${headers['x-podd-timestamp']}.${body}`).digest('hex');
    expect(headers['x-podd-signature']).toBe(expected);
    expect(headers['x-podd-event']).toBe('notification.reminder');
    const payload = JSON.parse(body);
    expect(payload.notification.title).toBe('Appointment: Hooked');
    expect(headers['x-podd-delivery']).toBe(payload.notification.id);
    expect((await t.as(b).delete('/api/notifications/webhook')).status).toBe(204);
    expect((await t.as(b).get('/api/notifications/webhook')).status).toBe(404);
  });

  it("an emergency alert reaches a contact with a webhook; a contact's e-mail alone never reaches that account (care circle only); status is recorded per contact", async () => {
    const sender = await registerUser(t, { name: 'Asha Devi' });
    const port = (hook.address() as AddressInfo).port;
    const mk = async (body: Record<string, unknown>) => {
      const r = await t.as(sender).post('/api/emergency-contacts', body);
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return r.body;
    };
    const son = await mk({
      name: 'Ravi',
      phone: '+919876543210',
      email: b.email.toUpperCase(),
      is_primary: true,
    });
    expect(son.email).toBe(b.email.toUpperCase());
    const neighbour = await mk({
      name: 'Neighbour',
      phone: '+919876500000',
      webhook_url: `http://127.0.0.1:${port}/family`,
    });
    const phoneOnly = await mk({ name: 'Aunt', phone: '+919811111111' });
    expect(
      (
        await t
          .as(sender)
          .post('/api/emergency-contacts', { name: 'X', phone: '+919822222222', email: 'nope' })
      ).status,
    ).toBe(422);
    const bSocket = await connectWs(
      `${wsBase(t.app.getHttpServer())}/api/notifications/ws?token=${b.accessToken}`,
    );
    received.length = 0;
    try {
      const res = await t.as(sender).post('/api/emergency/alert', FALL_ALERT);
      expect(res.status).toBe(201);
      for (let i = 0; i < 100 && received.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
      expect(received).toHaveLength(1);
      expect(received[0].headers['x-podd-event']).toBe('emergency.alert');
      expect(JSON.parse(received[0].body)).toMatchObject({
        alert: { alert_id: res.body.id, type: 'fall' },
        contact: { id: neighbour.id },
      });
      const gateway = t.app.get(LocusGraphGateway);
      let deliveries: { contact_id: string; status: string }[] = [];
      for (let i = 0; i < 100; i++) {
        const rec = await gateway.get<{
          deliveries: { contact_id: string; status: string }[];
          status: string;
        }>(`emergency_alert:${res.body.id}`);
        deliveries = rec!.payload.deliveries;
        if (deliveries.every((d) => d.status !== 'pending')) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const status = Object.fromEntries(deliveries.map((d) => [d.contact_id, d.status]));
      expect(status).toEqual({
        [son.id]: 'failed',
        [neighbour.id]: 'delivered',
        [phoneOnly.id]: 'failed',
      });
      // The contact's account got nothing: in-app delivery to another account needs an accepted care-circle link.
      expect(bSocket.messages.filter((x) => x.type === 'notification')).toEqual([]);
      const bNotes = (await t.as(b).get('/api/notifications?limit=100')).body;
      expect(bNotes.filter((n: { kind: string }) => n.kind === 'emergency_alert')).toEqual([]);
      // The sender's own notifications do not include it.
      expect((await t.as(sender).get('/api/notifications')).body).toEqual([]);
    } finally {
      await bSocket.close();
    }
  });

  it('Swagger documents every reminder route', async () => {
    const doc = (await t.http.get('/docs-json')).body;
    for (const [path, method] of [
      ['/api/alarms', 'get'],
      ['/api/alarms', 'post'],
      ['/api/alarms/{alarm_id}', 'put'],
      ['/api/notifications', 'get'],
      ['/api/notifications/read-all', 'put'],
      ['/api/notifications/{notification_id}/read', 'put'],
      ['/api/notifications/{notification_id}/snooze', 'post'],
      ['/api/notifications/webhook', 'put'],
    ]) {
      const op = doc.paths[path]?.[method];
      expect(op, `${method} ${path}`).toBeDefined();
      expect(op.security).toBeDefined();
      expect(op.responses['401']).toBeDefined();
    }
  });
});
