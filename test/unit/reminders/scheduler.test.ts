import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { toZonedIso } from '../../../src/schedule/local-time.js';
import { createReminderHarness, type ReminderHarness } from '../../support/reminder-harness.js';
import { ManualClock } from '../../support/manual-clock.js';

const MIN = 60_000;
const open: ReminderHarness[] = [];
const dirs: string[] = [];

async function harness(
  clock: ManualClock,
  dataDir?: string,
  env?: Record<string, string>,
): Promise<ReminderHarness> {
  const h = await createReminderHarness({ clock, dataDir, env });
  open.push(h);
  return h;
}
/** A harness whose clock starts at `at`, and a fresh user id: the start of most tests here. */
async function start(
  at: string | number | Date,
): Promise<{ clock: ManualClock; user: string; h: ReminderHarness }> {
  const clock = new ManualClock(at);
  return { clock, user: randomUUID(), h: await harness(clock) };
}
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'podd-rem-restart-'));
  dirs.push(d);
  return d;
}
afterEach(async () => {
  for (const h of open.splice(0)) await h.close().catch(() => undefined);
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const alarm = (time: string, extra: Record<string, unknown> = {}) => ({
  type: 'medication',
  title: `Pill ${time}`,
  message: null,
  time,
  days_of_week: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
  active: true,
  reference_id: null,
  ...extra,
});

/** IST wall time on 10 Mar 2026 → instant. */
const ist = (hhmm: string, sec = 0) => new Date(`2026-03-10T${hhmm}:${String(sec).padStart(2, '0')}+05:30`);

describe('ReminderScheduler — restart in the middle of a day (Asia/Kolkata)', () => {
  it('nothing fires twice; missed within grace fires once; older ones are recorded as missed, not pushed', async () => {
    const dir = tempDir();
    const clock = new ManualClock(ist('07:00'));
    const user = randomUUID();
    let h = await harness(clock, dir);
    for (const [id, t] of [
      ['a0800', '08:00'],
      ['a0900', '09:00'],
      ['a1000', '10:00'],
      ['a1020', '10:20'],
    ] as const) {
      await h.put(`alarm:${id}`, user, alarm(t));
      await h.scheduler.sync(`alarm:${id}`);
    }
    await h.put('medication:m1', user, {
      name: 'Metformin',
      dosage: '500mg',
      frequency: 'daily',
      active: true,
    });
    await h.put('med_schedule:s0930', user, { medication_id: 'm1', time_of_day: '09:30', days_of_week: [] });
    await h.scheduler.sync('med_schedule:s0930');

    // 08:00:00.4 — the 08:00 alarm fires, once, even if the pass runs twice.
    clock.set(ist('08:00').getTime() + 400);
    const first = await h.scheduler.runDue();
    expect(first.sent).toBe(1);
    expect((await h.scheduler.runDue()).processed).toBe(0);
    expect(h.pushes).toHaveLength(1);

    // Crash at 08:00:30 (no shutdown), back at 10:12.
    await h.close();
    open.splice(open.indexOf(h), 1);
    clock.set(ist('10:12'));
    h = await harness(clock, dir);
    const stats = await h.scheduler.runDue();
    expect(stats).toMatchObject({ sent: 1, missed: 2, errors: 0 });

    const notes = await h.notifications(user);
    const byTitle = Object.fromEntries(notes.map((n) => [n.payload.title, n.payload.status]));
    expect(byTitle).toEqual({
      'Pill 08:00': 'sent',
      'Pill 09:00': 'missed',
      Metformin: 'missed',
      'Pill 10:00': 'sent',
    });
    expect(notes).toHaveLength(4);
    // Only the 10:00 one was pushed by the new instance (12 min late ≤ 15 min grace).
    expect(h.pushes.map((p) => (p.message.notification as { title: string }).title)).toEqual(['Pill 10:00']);
    expect(notes.find((n) => n.payload.title === 'Pill 10:00')!.payload.occurrence_key).toBe(
      'alarm:a1000@2026-03-10T10:00',
    );

    // A second restart a minute later changes nothing.
    await h.close();
    open.splice(open.indexOf(h), 1);
    clock.set(ist('10:13'));
    h = await harness(clock, dir);
    expect(await h.scheduler.runDue()).toMatchObject({ sent: 0, missed: 0 });
    expect(await h.notifications(user)).toHaveLength(4);
    expect(h.pushes).toHaveLength(0);

    // 10:20 fires on time; tomorrow's 08:00 is the next due of the first alarm.
    clock.set(ist('10:20', 1));
    expect(await h.scheduler.runDue()).toMatchObject({ sent: 1, missed: 0 });
    const next = await h.module
      .get((await import('../../../src/reminders/scheduler/due-queue.js')).DueQueue)
      .getByIdentity('occ|alarm:a0800');
    expect(next!.payload.key).toBe('alarm:a0800@2026-03-11T08:00');
  });

  it('a crash between the notification write and the due-record advance does not duplicate', async () => {
    const { clock, user, h } = await start(ist('07:59'));
    await h.put('alarm:x1', user, alarm('08:00'));
    await h.scheduler.sync('alarm:x1');
    const { DueQueue } = await import('../../../src/reminders/scheduler/due-queue.js');
    const due = h.module.get(DueQueue);
    const before = (await due.getByIdentity('occ|alarm:x1'))!;
    clock.set(ist('08:00', 1));
    await h.scheduler.runDue();
    // Put the due record back as it was before the pass (what a crash before the advance leaves behind).
    const after = (await due.getByIdentity('occ|alarm:x1'))!;
    await due.replace(after, before.payload, before.occurredAt);
    await h.scheduler.runDue();
    expect(await h.notifications(user)).toHaveLength(1);
    expect(h.pushes).toHaveLength(1);
    expect((await due.getByIdentity('occ|alarm:x1'))!.payload.key).toBe('alarm:x1@2026-03-11T08:00');
  });

  it('concurrent passes (two workers) create one notification per occurrence', async () => {
    const clock = new ManualClock(ist('07:00'));
    const h = await harness(clock);
    const users = Array.from({ length: 20 }, () => randomUUID());
    for (const [i, u] of users.entries()) {
      await h.put(`alarm:c${i}`, u, alarm('08:00'));
      await h.scheduler.sync(`alarm:c${i}`);
    }
    clock.set(ist('08:00', 2));
    const [a, b, c] = await Promise.all([
      h.scheduler.runDue(),
      h.scheduler.runDue(),
      h.scheduler.processDue('nope:x'),
    ]);
    expect(a.sent + b.sent + c.sent).toBe(20);
    expect(h.pushes).toHaveLength(20);
    for (const u of users) expect(await h.notifications(u)).toHaveLength(1);
  });
});

describe('ReminderScheduler — prepared ahead of the due time (one replica)', () => {
  it('prepares before the minute, writes and pushes nothing early, commits at the minute; a change in between wins', async () => {
    const { clock, user, h } = await start(ist('07:00'));
    for (const id of ['p1', 'p2', 'p3']) {
      await h.put(`alarm:${id}`, user, alarm('08:00', { title: id }));
      await h.scheduler.sync(`alarm:${id}`);
    }
    clock.set(ist('07:59', 58));
    const prepared = await h.scheduler.prepare(ist('08:00'));
    expect(prepared.plans).toHaveLength(3);
    expect(await h.notifications(user)).toHaveLength(0);
    expect(h.pushes).toHaveLength(0);
    // Before 08:00: p2 is deleted, p3 moves to 08:30 (each change announced as the gateway would).
    await h.gateway.delete('alarm:p2');
    await h.scheduler.onChange({ contextId: 'alarm:p2', type: 'alarm', userId: user, op: 'delete' });
    await h.put('alarm:p3', user, alarm('08:30', { title: 'p3' }));
    await h.scheduler.onChange({ contextId: 'alarm:p3', type: 'alarm', userId: user, op: 'store' });
    clock.set(ist('08:00'));
    const stats = await h.scheduler.runPrepared(prepared);
    expect(stats.sent).toBe(1);
    expect((await h.notifications(user)).map((n) => n.payload.title)).toEqual(['p1']);
    // The moved one fires at its new time, the deleted one never.
    clock.set(ist('08:30', 1));
    await h.scheduler.runDue();
    expect((await h.notifications(user)).map((n) => n.payload.title).sort()).toEqual(['p1', 'p3']);
    clock.set(ist('08:00').getTime() + 86_400_000 + 1000);
    await h.scheduler.runDue();
    expect((await h.notifications(user)).filter((n) => n.payload.title === 'p2')).toHaveLength(0);
  });
});

describe('ReminderScheduler — sources', () => {
  it('medication reminder text, and one missed-dose notification when no dose is logged within the window', async () => {
    const { clock, user, h } = await start(ist('08:30'));
    await h.put('medication:m1', user, {
      name: 'Metformin',
      dosage: '500mg',
      frequency: 'daily',
      active: true,
    });
    await h.put('medication:m2', user, { name: 'Aspirin', dosage: '75mg', frequency: 'daily', active: true });
    await h.put('med_schedule:s1', user, { medication_id: 'm1', time_of_day: '09:00', days_of_week: [] });
    await h.put('med_schedule:s2', user, { medication_id: 'm2', time_of_day: '09:00', days_of_week: [] });
    await h.scheduler.sync('med_schedule:s1');
    await h.scheduler.sync('med_schedule:s2');
    clock.set(ist('09:00', 1));
    expect((await h.scheduler.runDue()).sent).toBe(2);
    const sent = await h.notifications(user);
    expect(sent.map((n) => n.payload.message).sort()).toEqual([
      'Time to take Aspirin (75mg)',
      'Time to take Metformin (500mg)',
    ]);
    // Aspirin is taken at 09:20; Metformin never.
    await h.gateway.store({
      contextId: 'med_log:l1',
      userId: user,
      kind: 'observation',
      source: 'user',
      payload: {
        user_id: user,
        medication_id: 'm2',
        taken_at: ist('09:20').toISOString(),
        scheduled_time: null,
        notes: null,
      },
      occurredAt: ist('09:20'),
    });
    clock.set(ist('09:59'));
    expect((await h.scheduler.runDue()).processed).toBe(0);
    clock.set(ist('10:00', 1));
    const r = await h.scheduler.runDue();
    expect(r.sent).toBe(1);
    const missed = (await h.notifications(user)).filter((n) => n.payload.kind === 'missed_dose');
    expect(missed).toHaveLength(1);
    expect(missed[0].payload.message).toBe(
      'Missed dose: Metformin was due at 09:00 and no dose has been logged',
    );
    await h.scheduler.runDue();
    expect((await h.notifications(user)).filter((n) => n.payload.kind === 'missed_dose')).toHaveLength(1);
  });

  it('an inactive medication or a deleted schedule stops reminders', async () => {
    const { clock, user, h } = await start(ist('08:00'));
    await h.put('medication:m1', user, { name: 'X', dosage: '1', frequency: 'daily', active: true });
    await h.put('med_schedule:s1', user, { medication_id: 'm1', time_of_day: '09:00', days_of_week: [] });
    await h.scheduler.onChange({
      contextId: 'med_schedule:s1',
      type: 'med_schedule',
      userId: user,
      op: 'store',
    });
    await h.put('medication:m1', user, { name: 'X', dosage: '1', frequency: 'daily', active: false });
    await h.scheduler.onChange({ contextId: 'medication:m1', type: 'medication', userId: user, op: 'store' });
    clock.set(ist('09:00', 1));
    expect((await h.scheduler.runDue()).sent).toBe(0);
    await h.put('medication:m1', user, { name: 'X', dosage: '1', frequency: 'daily', active: true });
    await h.scheduler.onChange({ contextId: 'medication:m1', type: 'medication', userId: user, op: 'store' });
    await h.gateway.delete('med_schedule:s1');
    await h.scheduler.onChange({
      contextId: 'med_schedule:s1',
      type: 'med_schedule',
      userId: user,
      op: 'delete',
    });
    clock.set(ist('09:00').getTime() + 86_400_000 + 1000);
    expect((await h.scheduler.runDue()).sent).toBe(0);
    expect(await h.notifications(user)).toHaveLength(0);
  });

  it('appointment: reminder at scheduled_at − minutes with the time in the user zone; moving it reschedules; deleting cancels', async () => {
    const { clock, user, h } = await start(ist('09:00'));
    await h.put('appointment:p1', user, {
      title: 'Cardiology',
      doctor_name: 'Dr. Rao',
      scheduled_at: ist('16:30').toISOString(),
      reminder_minutes_before: 30,
    });
    await h.scheduler.sync('appointment:p1');
    // Moved to 17:00 before the reminder.
    await h.put('appointment:p1', user, {
      title: 'Cardiology',
      doctor_name: 'Dr. Rao',
      scheduled_at: ist('17:00').toISOString(),
      reminder_minutes_before: 30,
    });
    await h.scheduler.sync('appointment:p1');
    clock.set(ist('16:00', 1));
    expect((await h.scheduler.runDue()).sent).toBe(0);
    clock.set(ist('16:30', 1));
    expect((await h.scheduler.runDue()).sent).toBe(1);
    const [n] = await h.notifications(user);
    expect(n.payload.title).toBe('Appointment: Cardiology');
    expect(n.payload.message).toBe('You have an appointment with Dr. Rao at 5:00 PM (in 30 minutes)');
    // A second appointment, deleted before its reminder.
    await h.put('appointment:p2', user, {
      title: 'Eye',
      doctor_name: null,
      scheduled_at: ist('19:00').toISOString(),
      reminder_minutes_before: 15,
    });
    await h.scheduler.sync('appointment:p2');
    await h.gateway.delete('appointment:p2');
    await h.scheduler.onChange({
      contextId: 'appointment:p2',
      type: 'appointment',
      userId: user,
      op: 'delete',
    });
    clock.set(ist('18:45', 1));
    expect((await h.scheduler.runDue()).sent).toBe(0);
    expect(await h.notifications(user)).toHaveLength(1);
  });

  it('a profile time-zone change moves pending reminders to the new zone; a local day fires once', async () => {
    const { clock, user, h } = await start('2026-03-10T00:00:00Z'); // 05:30 IST
    await h.put('alarm:t1', user, alarm('08:00'));
    await h.scheduler.sync('alarm:t1');
    clock.set(ist('08:00', 1)); // 02:30Z
    expect((await h.scheduler.runDue()).sent).toBe(1);
    // The user flies to Berlin (08:00 IST = 03:30 CET, same date): today's 08:00 there is the same local day.
    await h.put('profile:' + user, user, { timezone: 'Europe/Berlin' });
    await h.scheduler.onChange({ contextId: `profile:${user}`, type: 'profile', userId: user, op: 'store' });
    clock.set('2026-03-10T07:00:01Z'); // 08:00 Berlin
    expect((await h.scheduler.runDue()).sent).toBe(0);
    clock.set('2026-03-11T07:00:01Z'); // next day, 08:00 Berlin
    expect((await h.scheduler.runDue()).sent).toBe(1);
    const notes = await h.notifications(user);
    expect(notes.map((n) => n.payload.occurrence_key)).toEqual([
      'alarm:t1@2026-03-10T08:00',
      'alarm:t1@2026-03-11T08:00',
    ]);
  });
});

describe('ReminderScheduler — snooze and webhook retries', () => {
  it('a snoozed notification comes back once, after the snooze', async () => {
    const { clock, user, h } = await start(ist('07:59'));
    await h.put('alarm:s1', user, alarm('08:00'));
    await h.scheduler.sync('alarm:s1');
    clock.set(ist('08:00', 1));
    await h.scheduler.runDue();
    const [first] = await h.notifications(user);
    const { NotificationsService } =
      await import('../../../src/reminders/notifications/notifications.service.js');
    const snoozed = await h.module.get(NotificationsService).snooze(user, first.id, 5);
    expect(snoozed).toMatchObject({ read: true, snoozed_until: '2026-03-10T08:05:01.000+05:30' });
    clock.set(ist('08:04'));
    expect((await h.scheduler.runDue()).sent).toBe(0);
    clock.set(ist('08:05', 2));
    expect((await h.scheduler.runDue()).sent).toBe(1);
    expect((await h.scheduler.runDue()).sent).toBe(0);
    const notes = await h.notifications(user);
    expect(notes.map((n) => [n.payload.kind, n.payload.title, n.payload.read])).toEqual([
      ['reminder', 'Pill 08:00', true],
      ['snooze', 'Pill 08:00', false],
    ]);
    expect(h.pushes).toHaveLength(2);
  });

  it('a failed webhook delivery is retried with backoff from the durable queue, signed each time', async () => {
    const { createServer } = await import('node:http');
    const { createHmac } = await import('node:crypto');
    const hits: { headers: Record<string, unknown>; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c));
      req.on('end', () => {
        hits.push({ headers: req.headers, body });
        res.statusCode = hits.length === 1 ? 503 : 204;
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const clock = new ManualClock(ist('07:59'));
      const user = randomUUID();
      const h = await harness(clock, undefined, { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' });
      const { WebhookService } = await import('../../../src/reminders/delivery/webhook.service.js');
      const port = (server.address() as { port: number }).port;
      const cfg = await h.module.get(WebhookService).setConfig(user, `http://127.0.0.1:${port}/hook`);
      await h.put('alarm:w1', user, alarm('08:00'));
      await h.scheduler.sync('alarm:w1');
      clock.set(ist('08:00', 1));
      await h.scheduler.runDue();
      // The first attempt runs in the background; wait until its retry is in the queue.
      const { DueQueue } = await import('../../../src/reminders/scheduler/due-queue.js');
      const retry = async () =>
        (await h.module.get(DueQueue).listForUser(user)).find((r) => r.payload.kind === 'webhook');
      for (let i = 0; i < 200 && !(await retry()); i++) await new Promise((r) => setTimeout(r, 20));
      expect(hits).toHaveLength(1);
      expect((await retry())!.payload).toMatchObject({ attempts: 1, due_at: '2026-03-10T02:30:11.000Z' });
      // The retry is a due record 10 s later.
      clock.set(ist('08:00', 5));
      await h.scheduler.runDue();
      expect(hits).toHaveLength(1);
      clock.set(ist('08:00', 12));
      await h.scheduler.runDue();
      expect(hits).toHaveLength(2);
      expect(hits[1].body).toBe(hits[0].body);
      expect(hits[1].headers['x-podd-delivery']).toBe(hits[0].headers['x-podd-delivery']);
      for (const hit of hits) {
        const sig = createHmac('sha256', cfg.payload.secret)
          .update(`${hit.headers['x-podd-timestamp']}.${hit.body}`)
          .digest('hex');
        expect(hit.headers['x-podd-signature']).toBe(`sha256=${sig}`);
      }
      clock.set(ist('08:10'));
      await h.scheduler.runDue();
      expect(hits).toHaveLength(2);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

describe('ReminderScheduler — DST end to end (America/New_York)', () => {
  async function nyUser(h: ReminderHarness): Promise<string> {
    const user = randomUUID();
    await h.put(`profile:${user}`, user, { timezone: 'America/New_York' });
    return user;
  }

  /**
   * A New York user's daily alarm at `time`, the clock walked minute by minute over the night [from, to]
   * (UTC), processing at every step; returns the harness and the notifications the user got.
   */
  async function dailyAlarmOverNight(id: string, time: string, from: string, to: string) {
    const clock = new ManualClock(Date.parse(from) - 17 * 3_600_000);
    const h = await harness(clock);
    const user = await nyUser(h);
    await h.put(id, user, alarm(time));
    await h.scheduler.sync(id);
    for (let t = Date.parse(from); t <= Date.parse(to); t += MIN) {
      clock.set(t + 500);
      await h.scheduler.runDue();
    }
    return { h, notes: await h.notifications(user) };
  }

  it('02:30 daily on the spring-forward night fires once, at 03:00 EDT', async () => {
    const { h, notes } = await dailyAlarmOverNight(
      'alarm:n1',
      '02:30',
      '2026-03-08T05:00:00Z',
      '2026-03-08T09:00:00Z',
    );
    expect(notes).toHaveLength(1);
    expect(notes[0].payload.occurrence_key).toBe('alarm:n1@2026-03-08T02:30');
    expect(toZonedIso(new Date(notes[0].payload.due_at), 'America/New_York')).toBe(
      '2026-03-08T03:00:00.000-04:00',
    );
    expect(h.pushes).toHaveLength(1);
  });

  it('01:30 daily on the fall-back night fires once, at the first 01:30 (EDT)', async () => {
    const { notes } = await dailyAlarmOverNight(
      'alarm:n2',
      '01:30',
      '2026-11-01T04:00:00Z',
      '2026-11-01T08:00:00Z',
    );
    expect(notes).toHaveLength(1);
    expect(notes[0].payload.due_at).toBe('2026-11-01T05:30:00.000Z');
  });

  it('a weekly Sunday 09:00 alarm stays at 09:00 local across the change (Berlin)', async () => {
    const clock = new ManualClock('2026-03-20T00:00:00Z');
    const h = await harness(clock);
    const user = randomUUID();
    await h.put(`profile:${user}`, user, { timezone: 'Europe/Berlin' });
    await h.put('alarm:w1', user, alarm('09:00', { days_of_week: ['sun'] }));
    await h.scheduler.sync('alarm:w1');
    for (const at of ['2026-03-22T08:00:01Z', '2026-03-29T07:00:01Z', '2026-04-05T07:00:01Z']) {
      clock.set(at);
      expect((await h.scheduler.runDue()).sent).toBe(1);
    }
    const notes = await h.notifications(user);
    expect(notes.map((n) => toZonedIso(new Date(n.payload.due_at), 'Europe/Berlin'))).toEqual([
      '2026-03-22T09:00:00.000+01:00',
      '2026-03-29T09:00:00.000+02:00',
      '2026-04-05T09:00:00.000+02:00',
    ]);
  });
});
