import { Redis } from 'ioredis';
import { register } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queuePrefix } from '../../src/reminders/scheduler/dispatchers.js';
import { registerUser, requireService, startReplicas, type TestApp, type TestUser } from '../support/app.js';
import { createTempDatabase } from '../support/postgres.js';
import { connectWs, wsBase, type WsClient } from '../support/ws-client.js';

const pgUrl = requireService('TEST_DATABASE_URL');
const redisUrl = requireService('TEST_REDIS_URL');

async function pushedTotal(): Promise<number> {
  const m = await register.getSingleMetric('podd_notifications_pushed_total')?.get();
  return m?.values.reduce((s, v) => s + v.value, 0) ?? 0;
}

const isNote = (m: Record<string, unknown>) => m.type === 'notification';

describe.runIf(pgUrl && redisUrl)('reminders on three replicas (one PostgreSQL, one Redis, BullMQ)', () => {
  let db: { url: string; drop(): Promise<void> };
  const apps: TestApp[] = [];
  let users: TestUser[] = [];

  beforeAll(async () => {
    db = await createTempDatabase(pgUrl!, 'podd_rem');
    await startReplicas(
      3,
      () => ({ DATABASE_URL: db.url, REDIS_URL: redisUrl!, RATE_LIMIT_PER_MINUTE: '100000' }),
      apps,
    );
    users = [];
    for (let i = 0; i < 4; i++) users.push(await registerUser(apps[i % 3]));
  });

  afterAll(async () => {
    const prefix = apps[0] ? queuePrefix(apps[0].config) : null;
    for (const a of apps) await a.close().catch(() => undefined);
    if (prefix) {
      const r = new Redis(redisUrl!);
      let cursor = '0';
      do {
        const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length) await r.del(...keys);
      } while (cursor !== '0');
      await r.quit();
    }
    await db?.drop();
  });

  it('each occurrence produces exactly one notification and one push, delivered to the user’s sockets on every replica', async () => {
    const sockets = new Map<string, WsClient[]>();
    for (const u of users) {
      sockets.set(
        u.id,
        await Promise.all(
          apps.map((a) =>
            connectWs(`${wsBase(a.app.getHttpServer())}/api/notifications/ws?token=${u.accessToken}`),
          ),
        ),
      );
    }
    const pushedBefore = await pushedTotal();
    const perUser = 3;
    // Every occurrence is created on a different replica; all come due within the same second.
    const dueAt = Date.now() + 4000;
    let k = 0;
    for (const u of users) {
      for (let j = 0; j < perUser; j++) {
        const app = apps[k++ % 3];
        const res = await app.as(u).post('/api/appointments', {
          title: `Visit ${j}`,
          scheduled_at: new Date(dueAt + 60_000 + j * 100).toISOString(),
          reminder_minutes_before: 1,
        });
        expect(res.status).toBe(201);
      }
    }
    for (const u of users) {
      for (const s of sockets.get(u.id)!) {
        for (let j = 0; j < perUser; j++) {
          await s.next(
            (m) => isNote(m) && (m.notification as { title: string }).title === `Appointment: Visit ${j}`,
            20_000,
          );
        }
      }
    }
    await new Promise((r) => setTimeout(r, 2500)); // anything duplicated would arrive by now
    for (const u of users) {
      const perSocket = sockets.get(u.id)!.map((s) =>
        s.messages
          .filter(isNote)
          .map((m) => (m.notification as { id: string }).id)
          .sort(),
      );
      expect(perSocket[0]).toHaveLength(perUser);
      expect(new Set(perSocket[0]).size).toBe(perUser);
      expect(perSocket[1]).toEqual(perSocket[0]);
      expect(perSocket[2]).toEqual(perSocket[0]);
      for (const a of apps) {
        const list = await a.as(u).get('/api/notifications?limit=100');
        expect(list.body.map((n: { id: string }) => n.id).sort()).toEqual(perSocket[0]);
      }
      for (const s of sockets.get(u.id)!) {
        const lateness = s.messages
          .filter(isNote)
          .map((m) => Date.now() - new Date((m.notification as { due_at: string }).due_at).getTime());
        expect(Math.min(...lateness)).toBeGreaterThanOrEqual(0);
      }
    }
    expect((await pushedTotal()) - pushedBefore).toBe(users.length * perUser);
    for (const list of sockets.values()) for (const s of list) await s.close();
  });

  it('an occurrence scheduled on a replica that stops is fired by the others, once', async () => {
    const u = users[0];
    const ws = await connectWs(
      `${wsBase(apps[1].app.getHttpServer())}/api/notifications/ws?token=${u.accessToken}`,
    );
    const res = await apps[0].http
      .post('/api/appointments')
      .set(u.auth)
      .send({
        title: 'Orphaned',
        scheduled_at: new Date(Date.now() + 60_000 + 2500).toISOString(),
        reminder_minutes_before: 1,
      });
    expect(res.status).toBe(201);
    // (The first instance stops: in one test process Passport's strategy registry is global and the last app
    // registered serves every app's guard, so the others must stay up.)
    const [stopped] = apps.splice(0, 1);
    await stopped.close();
    const title = 'Appointment: Orphaned';
    await ws.next((m) => isNote(m) && (m.notification as { title: string }).title === title, 20_000);
    await new Promise((r) => setTimeout(r, 1500));
    expect(
      ws.messages.filter((m) => isNote(m) && (m.notification as { title: string }).title === title),
    ).toHaveLength(1);
    const list = await apps[1].http.get('/api/notifications?limit=100').set(u.auth);
    expect(list.status).toBe(200);
    expect(list.body.filter((n: { title: string }) => n.title === title)).toHaveLength(1);
    await ws.close();
  });
});
