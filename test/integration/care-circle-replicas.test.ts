import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReminderScheduler } from '../../src/reminders/scheduler/reminder-scheduler.js';
import { registerUser, requireService, startReplicas, type TestApp, type TestUser } from '../support/app.js';
import { link, manualClock } from '../support/care.js';
import type { ManualClock } from '../support/manual-clock.js';
import { createTempDatabase } from '../support/postgres.js';
import { connectWs, wsBase, type WsClient } from '../support/ws-client.js';

const pgUrl = requireService('TEST_DATABASE_URL');
const redisUrl = requireService('TEST_REDIS_URL');

type Note = { kind: string; user_id: string };

/**
 * Two replicas on one PostgreSQL and one Redis (BullMQ dispatcher, WebSocket fan-out), one shared manual clock:
 * one missed dose (both replicas' schedulers processing it, twice) and one emergency alert notify each
 * caregiver exactly once — one record in their list, one push on each of their sockets, whichever replica
 * holds the socket.
 */
describe.runIf(pgUrl && redisUrl)('care circle on two replicas (PostgreSQL + Redis)', () => {
  let db: { url: string; drop(): Promise<void> };
  const apps: TestApp[] = [];
  let clock: ManualClock;
  let owner: TestUser;
  const members: TestUser[] = [];
  const sockets: WsClient[] = [];

  beforeAll(async () => {
    db = await createTempDatabase(pgUrl!, 'podd_care');
    await startReplicas(
      2,
      () => ({ DATABASE_URL: db.url, REDIS_URL: redisUrl!, RATE_LIMIT_PER_MINUTE: '100000' }),
      apps,
    );
    clock = manualClock(apps[0], '2027-03-26T00:00:00Z');
    manualClock(apps[1], clock);
    owner = await registerUser(apps[0], { name: 'Asha' });
    for (let i = 0; i < 2; i++) members.push(await registerUser(apps[1]));
    for (const m of members)
      await link(apps[i0(m)], owner, m, {
        role: 'caregiver',
        scopes: ['medication', 'emergency'],
        notify: ['missed_dose', 'emergency_alert'],
      });
    for (const m of members)
      for (const a of apps)
        sockets.push(
          await connectWs(`${wsBase(a.app.getHttpServer())}/api/notifications/ws?token=${m.accessToken}`),
        );
  });
  const i0 = (m: TestUser) => members.indexOf(m) % 2;

  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.close()));
    for (const a of apps) await a.close().catch(() => undefined);
    await db?.drop();
  });

  const notes = async (m: TestUser, kind: string): Promise<Note[]> =>
    ((await apps[1].http.get('/api/notifications?limit=100').set(m.auth)).body as Note[]).filter(
      (n) => n.kind === kind,
    );
  const pushed = (kind: string) =>
    sockets.map(
      (s) =>
        s.messages.filter((x) => x.type === 'notification' && (x.notification as Note).kind === kind).length,
    );

  it('one missed dose → one notification per caregiver, one push per socket', async () => {
    await apps[0].http.post('/api/profile').set(owner.auth).send({ timezone: 'Asia/Kolkata' });
    const med = await apps[0].http
      .post('/api/medication')
      .set(owner.auth)
      .send({ name: 'Amlodipine', dosage: '5mg', frequency: 'daily' });
    const s = await apps[0].http
      .post('/api/medication/schedule')
      .set(owner.auth)
      .send({ medication_id: med.body.id, time_of_day: '08:00' });
    expect(s.status).toBe(201);
    const due = new Date('2027-03-26T02:30:00Z').getTime(); // 08:00 in Kolkata
    const window = apps[0].config.reminders.missedDoseWindowMinutes * 60_000;
    const run = () => Promise.all(apps.map((a) => a.app.get(ReminderScheduler).runDue()));
    clock.set(due + 5_000);
    await run();
    clock.set(due + window + 5_000);
    await run();
    await run();
    for (const m of members) expect(await notes(m, 'missed_dose')).toHaveLength(1);
    await Promise.all(sockets.map((x) => x.next((y) => y.type === 'notification', 5000)));
    await new Promise((r) => setTimeout(r, 500));
    console.log(
      `care replicas: missed dose → per caregiver ${members.length}×1 record; pushes per socket ${pushed('missed_dose').join(',')}`,
    );
    expect(pushed('missed_dose')).toEqual([1, 1, 1, 1]);
  });

  it('one emergency alert → one notification per caregiver, one push per socket', async () => {
    const res = await apps[0].http
      .post('/api/emergency/alert')
      .set(owner.auth)
      .send({ type: 'chest_pain', severity: 'critical', description: 'Pain in the chest' });
    expect(res.status).toBe(201);
    await Promise.all(
      sockets.map((x) =>
        x.next((y) => y.type === 'notification' && (y.notification as Note).kind === 'emergency_alert', 2000),
      ),
    );
    await new Promise((r) => setTimeout(r, 500));
    for (const m of members) expect(await notes(m, 'emergency_alert')).toHaveLength(1);
    console.log(`care replicas: emergency alert → pushes per socket ${pushed('emergency_alert').join(',')}`);
    expect(pushed('emergency_alert')).toEqual([1, 1, 1, 1]);
  });
});
