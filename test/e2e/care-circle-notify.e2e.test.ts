import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CareNotifier } from '../../src/care-circle/care-notifier.js';
import { LocusGraphGateway } from '../../src/locusgraph/locusgraph.gateway.js';
import { ReminderScheduler } from '../../src/reminders/scheduler/reminder-scheduler.js';
import { createTestApp, registerUser, type TestApp, type TestUser } from '../support/app.js';
import { invite, link, manualClock } from '../support/care.js';
import type { ManualClock } from '../support/manual-clock.js';
import { waitFor } from '../support/wait-for.js';
import { connectWs, wsBase } from '../support/ws-client.js';
import { FALL_ALERT } from '../support/health.js';

const CARE_ALL = {
  role: 'caregiver' as const,
  scopes: ['vitals', 'medication', 'emergency'],
  notify: ['missed_dose', 'emergency_alert', 'dangerous_reading', 'chat_red_flag', 'daily_summary'],
};

type Note = { kind: string; type: string; title: string; data?: Record<string, unknown>; due_at: string };

describe('care circle: notifications that arrive once', () => {
  let t: TestApp;
  let clock: ManualClock;
  let owner: TestUser;
  let caregiver: TestUser;
  let viewer: TestUser;
  let declined: TestUser;
  let revoked: TestUser;
  let contactOnly: TestUser;
  const counts: string[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    // In the future of the real time, so the in-process dispatcher's (real-time) timers stay idle until we move.
    clock = manualClock(t, '2027-03-26T12:00:00Z');
    owner = await registerUser(t, { name: 'Asha' });
    [caregiver, viewer, declined, revoked, contactOnly] = await Promise.all(
      Array.from({ length: 5 }, () => registerUser(t)),
    );
    await link(t, owner, caregiver, CARE_ALL);
    await link(t, owner, viewer, { role: 'viewer', scopes: ['vitals', 'medication', 'emergency'] });
    const inv = await invite(t, owner, declined.email, CARE_ALL);
    await t.as(declined).post(`/api/care/invitations/${inv.id}/decline`);
    await link(t, owner, revoked, CARE_ALL);
    expect((await t.as(owner).delete(`/api/care/circle/${revoked.id}`)).status).toBe(204);
  });
  afterAll(async () => {
    console.log(['care-circle exactly-once counts:', ...counts].join('\n'));
    await t.close();
  });

  const notes = async (u: TestUser, kind?: string): Promise<Note[]> => {
    const r = await t.as(u).get('/api/notifications?limit=100');
    expect(r.status).toBe(200);
    return (r.body as Note[]).filter((n) => !kind || n.kind === kind);
  };
  const others = () => [viewer, declined, revoked, contactOnly];
  const stranger = () => contactOnly;

  it('an emergency alert reaches an accepted caregiver over WebSocket within 2 s — nobody else, not by e-mail', async () => {
    // contactOnly's e-mail is on an emergency contact of the owner: that alone must not reach their account.
    for (const [i, email] of [contactOnly.email, `nobody${Date.now()}@example.com`].entries()) {
      const c = await t
        .as(owner)
        .post('/api/emergency-contacts', { name: `Contact ${i}`, phone: `+91987654321${i}`, email });
      expect(c.status).toBe(201);
    }
    const base = wsBase(t.app.getHttpServer());
    const sockets = await Promise.all(
      [caregiver, ...others()].map((u) => connectWs(`${base}/api/notifications/ws?token=${u.accessToken}`)),
    );
    try {
      const started = Date.now();
      const res = await t.as(owner).post('/api/emergency/alert', FALL_ALERT);
      expect(res.status).toBe(201);
      const m = await sockets[0].next((x) => x.type === 'notification', 2000);
      const elapsed = Date.now() - started;
      expect(elapsed).toBeLessThan(2000);
      expect(m.notification).toMatchObject({
        user_id: caregiver.id,
        kind: 'emergency_alert',
        type: 'care',
        title: 'Emergency alert from Asha',
        message: 'Asha needs help: fall (high). Fell in the bathroom',
        data: { owner_id: owner.id, alert_id: res.body.id, location: 'Pune' },
      });
      // The contacts' delivery outcome is the same whether or not the e-mail has an account.
      const gateway = t.app.get(LocusGraphGateway);
      let deliveries: { status: string }[] = [];
      for (let i = 0; i < 100; i++) {
        const rec = await gateway.get<{ deliveries: { status: string }[] }>(`emergency_alert:${res.body.id}`);
        deliveries = rec!.payload.deliveries;
        if (deliveries.every((d) => d.status !== 'pending')) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(deliveries.map((d) => d.status)).toEqual(['failed', 'failed']);
      await new Promise((r) => setTimeout(r, 300));
      for (const s of sockets.slice(1))
        expect(s.messages.filter((x) => x.type === 'notification')).toEqual([]);
      for (const u of others()) expect(await notes(u)).toEqual([]);
      expect(await notes(caregiver, 'emergency_alert')).toHaveLength(1);
      counts.push(
        `  emergency alert: caregiver ${(await notes(caregiver, 'emergency_alert')).length}, others 0 (in ${elapsed} ms)`,
      );
    } finally {
      await Promise.all(sockets.map((s) => s.close()));
    }
  });

  it('a dangerous reading notifies the caregiver once; a normal one does not', async () => {
    const normal = await t.as(owner).post('/api/vitals', { blood_pressure_systolic: 130, spo2: 97 });
    expect(normal.status).toBe(201);
    const bad = await t
      .as(owner)
      .post('/api/vitals', { blood_pressure_systolic: 185, blood_pressure_diastolic: 110, spo2: 88 });
    expect(bad.status).toBe(201);
    // Changing the same reading again is the same event.
    await t.as(owner).put(`/api/vitals/${bad.body.id}`, { heart_rate: 150 });
    let got: Note[] = [];
    for (let i = 0; i < 50 && got.length === 0; i++) {
      got = await notes(caregiver, 'dangerous_reading');
      await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, 200));
    got = await notes(caregiver, 'dangerous_reading');
    expect(got).toHaveLength(1);
    expect(got[0].data).toMatchObject({
      vitals_id: bad.body.id,
      flags: ['blood pressure', 'oxygen saturation'],
    });
    for (const u of others()) expect(await notes(u, 'dangerous_reading')).toEqual([]);
    counts.push(`  dangerous reading: caregiver ${got.length}, others 0`);
  });

  it('a chat red flag (CareNotifier.notifyRedFlag) reaches the caregiver once per event', async () => {
    const notifier = t.app.get(CareNotifier);
    expect(await notifier.notifyRedFlag(owner.id, ['chest_pain'], 'chat-msg-1')).toBe(1);
    expect(await notifier.notifyRedFlag(owner.id, ['chest_pain'], 'chat-msg-1')).toBe(0);
    const got = await notes(caregiver, 'chat_red_flag');
    expect(got).toHaveLength(1);
    expect(got[0].data).toMatchObject({ categories: ['chest_pain'] });
    for (const u of others()) expect(await notes(u, 'chat_red_flag')).toEqual([]);
    counts.push(`  chat red flag (sent twice): caregiver ${got.length}, others 0`);
  });

  it('an emergency the owner types in chat reaches the caregiver as a chat red flag', async () => {
    const before = (await notes(caregiver, 'chat_red_flag')).length;
    const r = await t
      .as(owner)
      .post('/api/chat', { message: 'I cannot breathe and my lips are turning blue' });
    expect(r.status).toBe(200);
    expect(r.body.intent).toBe('emergency');
    await waitFor(
      async () => (await notes(caregiver, 'chat_red_flag')).length === before + 1,
      "the caregiver's chat red-flag notification",
      5_000,
    );
    const latest = (await notes(caregiver, 'chat_red_flag')).find((n) =>
      (n.data?.categories as string[] | undefined)?.includes('breathing'),
    );
    expect(latest).toBeDefined();
    for (const u of others()) expect(await notes(u, 'chat_red_flag')).toEqual([]);
  });

  it("a missed dose is notified to the caregiver exactly once, in the owner's zone, across the DST change (Europe/London)", async () => {
    expect((await t.as(owner).post('/api/profile', { timezone: 'Europe/London' })).status).toBe(200);
    const med = await t
      .as(owner)
      .post('/api/medication', { name: 'Metformin', dosage: '500mg', frequency: 'daily' });
    const sched = await t
      .as(owner)
      .post('/api/medication/schedule', { medication_id: med.body.id, time_of_day: '08:00' });
    expect(sched.status).toBe(201);
    const scheduler = t.app.get(ReminderScheduler);
    const windowMs = t.config.reminders.missedDoseWindowMinutes * 60_000;
    // 27 March 08:00 GMT = 08:00Z; 28 March (clocks go forward at 01:00Z) 08:00 BST = 07:00Z.
    const doses = ['2027-03-27T08:00:00Z', '2027-03-28T07:00:00Z'];
    for (const due of doses) {
      clock.set(new Date(due).getTime() + 5_000);
      await scheduler.runDue();
      clock.set(new Date(due).getTime() + windowMs + 5_000);
      // Several passes (and the in-process dispatcher, if it wakes): a replay must not duplicate.
      await Promise.all([scheduler.runDue(), scheduler.runDue()]);
      await scheduler.runDue();
    }
    const got = await notes(caregiver, 'missed_dose');
    expect(got.map((n) => new Date(n.due_at).toISOString()).sort()).toEqual(
      doses.map((d) => new Date(new Date(d).getTime() + windowMs).toISOString()),
    );
    for (const n of got) expect(n.data).toMatchObject({ local_time: '08:00', medication_name: 'Metformin' });
    expect(got[0].title).toBe('Asha missed a dose: Metformin');
    // The owner got their own missed-dose notifications (two), the others none.
    expect(await notes(owner, 'missed_dose')).toHaveLength(2);
    for (const u of others()) expect(await notes(u, 'missed_dose')).toEqual([]);
    counts.push(`  missed doses (2 doses, 4 passes each): caregiver ${got.length}, owner 2, others 0`);
  });

  it("a daily summary arrives once a day at the member's chosen time, in the member's zone", async () => {
    const put = (u: TestUser, body: object) => t.as(u).put(`/api/care/people/${owner.id}/summary`, body);
    expect((await put(viewer, { time: '20:00' })).status).toBe(404);
    expect((await put(stranger(), { time: '20:00' })).status).toBe(404);
    expect((await put(caregiver, { time: '25:00' })).status).toBe(422);
    expect((await put(caregiver, {})).status).toBe(422);
    const ok = await put(caregiver, { time: '20:00' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ user_id: owner.id, summary_time: '20:00' });
    const notifier = t.app.get(CareNotifier);
    // The caregiver has no profile: Asia/Kolkata (UTC+5:30). 19:59 there is 14:29Z.
    clock.set('2027-03-28T14:29:00Z');
    expect(await notifier.sendDailySummaries()).toBe(0);
    clock.set('2027-03-28T14:31:00Z');
    const runs = await Promise.all([notifier.sendDailySummaries(), notifier.sendDailySummaries()]);
    expect(await notifier.sendDailySummaries()).toBe(0);
    const got = await notes(caregiver, 'daily_summary');
    expect(got).toHaveLength(1);
    expect(runs.reduce((a, b) => a + b, 0)).toBe(1);
    expect(got[0]).toMatchObject({
      title: 'Today for Asha',
      data: { date: '2027-03-28', owner_id: owner.id },
    });
    expect((got[0] as unknown as { message: string }).message).toContain('1 missed of 1');
    // The next day, again once; null stops it.
    clock.set('2027-03-29T14:31:00Z');
    expect(await notifier.sendDailySummaries()).toBe(1);
    expect((await put(caregiver, { time: null })).body.summary_time).toBeNull();
    clock.set('2027-03-30T14:31:00Z');
    expect(await notifier.sendDailySummaries()).toBe(0);
    expect(await notes(caregiver, 'daily_summary')).toHaveLength(2);
    for (const u of others()) expect(await notes(u, 'daily_summary')).toEqual([]);
    counts.push(`  daily summary (4 passes on day 1, 1 on day 2): caregiver ${got.length} + 1, others 0`);
  });

  it('after the caregiver leaves, nothing more reaches them', async () => {
    const redFlagsBefore = (await notes(caregiver, 'chat_red_flag')).length;
    expect((await t.as(caregiver).delete(`/api/care/people/${owner.id}`)).status).toBe(204);
    await t.as(owner).post('/api/emergency/alert', { type: 'fall', severity: 'high', description: 'Again' });
    expect(await t.app.get(CareNotifier).notifyRedFlag(owner.id, ['stroke'], 'chat-msg-2')).toBe(0);
    await new Promise((r) => setTimeout(r, 300));
    expect(await notes(caregiver, 'emergency_alert')).toHaveLength(1);
    expect(await notes(caregiver, 'chat_red_flag')).toHaveLength(redFlagsBefore);
  });

  it('exposes podd_care_notifications_total by kind and outcome', async () => {
    const text = (await t.http.get('/metrics')).text;
    expect(text).toMatch(/podd_care_notifications_total\{kind="emergency_alert",outcome="sent"\} [1-9]/);
    expect(text).toMatch(/podd_care_notifications_total\{kind="chat_red_flag",outcome="duplicate"\} [1-9]/);
  });
});
