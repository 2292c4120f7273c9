import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { requireService } from '../support/app.js';
import { ensureBuilt, startAppProcess, type AppProcess } from '../support/app-process.js';
import { createNginxProxy, type NginxProxy } from '../support/nginx.js';
import { createTempDatabase } from '../support/postgres.js';
import { requireTool } from '../support/tools.js';

/**
 * The scale-out promise, end to end: three `node dist/main.js` processes (production mode) on one
 * PostgreSQL database and one Redis, behind the shipped nginx config's least_conn upstream.
 */
const adminUrl = requireService('TEST_DATABASE_URL');
const redisUrl = requireService('TEST_REDIS_URL');
const nginx = requireTool('nginx', 'apt-get install nginx');
const openssl = requireTool('openssl', 'apt-get install openssl');

const LIMIT = 40;
const PASSWORD = 'correct horse battery';

type Msg = { type: string; notification?: { id: string; alarm_id: string | null } };

describe.runIf(adminUrl && redisUrl && nginx && openssl)(
  'three replicas on one PostgreSQL + Redis behind nginx',
  () => {
    let db: { url: string; drop(): Promise<void> };
    let redis: Redis;
    let apps: AppProcess[] = [];
    let proxy: NginxProxy;
    const results: Record<string, unknown> = {};

    const direct = (i: number) => request(apps[i].url);
    const viaNginx = () => request(proxy.base);
    const register = async (label: string) => {
      const email = `${label}-${randomBytes(4).toString('hex')}@example.com`;
      const res = await viaNginx()
        .post('/api/auth/register')
        .ca(proxy.ca)
        .send({ email, password: PASSWORD, name: label });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return { email, access: res.body.access_token as string, refresh: res.body.refresh_token as string };
    };

    beforeAll(async () => {
      ensureBuilt();
      db = await createTempDatabase(adminUrl!, 'podd_replicas');
      // A Redis database of its own: queues, counters and caches of other suites stay apart.
      const r = new URL(redisUrl!);
      r.pathname = '/11';
      redis = new Redis(r.toString(), { lazyConnect: true, maxRetriesPerRequest: 2 });
      await redis.connect();
      await redis.flushdb();
      const env = {
        NODE_ENV: 'production',
        DATABASE_URL: db.url,
        REDIS_URL: r.toString(),
        JWT_SECRET: randomBytes(32).toString('hex'),
        BCRYPT_COST: '10',
        RATE_LIMIT_PER_MINUTE: String(LIMIT),
        DEFAULT_TIMEZONE: 'UTC',
        LOG_LEVEL: 'info',
        TRUST_PROXY: 'loopback',
        SHUTDOWN_GRACE_MS: '5000',
      };
      // All three at once, as a rollout starts them: migrations must not race.
      apps = await Promise.all(['A', 'B', 'C'].map((name) => startAppProcess(name, env)));
      proxy = await createNginxProxy({
        nginx: nginx!,
        openssl: openssl!,
        upstreams: apps.map((a) => a.port),
      });
      await proxy.start();
    }, 180_000);

    afterAll(async () => {
      console.log(`three-replica results: ${JSON.stringify(results)}`);
      await proxy?.close();
      const codes = await Promise.all(apps.map((a) => a.stop()));
      await redis?.flushdb().catch(() => undefined);
      redis?.disconnect();
      await db?.drop();
      expect(codes, 'every replica exits 0 on SIGTERM').toEqual(apps.map(() => 0));
    }, 60_000);

    it('every replica is ready on the shared PostgreSQL and Redis', async () => {
      for (const [i, a] of apps.entries()) {
        const h = await direct(i).get('/health');
        expect(h.status, `${a.name}: ${JSON.stringify(h.body)}`).toBe(200);
        expect(h.body.details.redis.status).toBe('up');
      }
    });

    it('a user registered through one instance logs in through each of the others', async () => {
      const email = `cross-${randomBytes(4).toString('hex')}@example.com`;
      const reg = await direct(0)
        .post('/api/auth/register')
        .send({ email, password: PASSWORD, name: 'Cross' });
      expect(reg.status).toBe(201);
      let logins = 0;
      for (const i of [1, 2]) {
        const login = await direct(i).post('/api/auth/login').send({ email, password: PASSWORD });
        expect(login.status, apps[i].name).toBe(200);
        const me = await direct((i + 1) % 3)
          .get('/api/auth/me')
          .set('Authorization', `Bearer ${login.body.access_token}`);
        expect(me.body.email).toBe(email);
        logins++;
      }
      for (let k = 0; k < 3; k++) {
        const login = await viaNginx()
          .post('/api/auth/login')
          .ca(proxy.ca)
          .send({ email, password: PASSWORD });
        expect(login.status).toBe(200);
        logins++;
      }
      results.crossInstanceLogins = `${logins}/${logins}`;
    });

    it('a refresh token revoked on one instance is refused by all; a rotated one too', async () => {
      const u = await register('revoke');
      const out = await direct(1).post('/api/auth/logout').send({ refresh_token: u.refresh });
      expect(out.status).toBe(200);
      for (const i of [0, 1, 2]) {
        const r = await direct(i).post('/api/auth/refresh').send({ refresh_token: u.refresh });
        expect(r.status, `revoked token on ${apps[i].name}`).toBe(401);
      }
      const login = await direct(0).post('/api/auth/login').send({ email: u.email, password: PASSWORD });
      const rotated = await direct(0)
        .post('/api/auth/refresh')
        .send({ refresh_token: login.body.refresh_token });
      expect(rotated.status).toBe(200);
      const reuse = await direct(2)
        .post('/api/auth/refresh')
        .send({ refresh_token: login.body.refresh_token });
      expect(reuse.status, 'rotated token reused on C').toBe(401);
      // Reuse revokes the whole family: the token issued by the rotation is refused on B as well.
      const family = await direct(1)
        .post('/api/auth/refresh')
        .send({ refresh_token: rotated.body.refresh_token });
      expect(family.status).toBe(401);
    });

    it(`the rate limit is global: ${LIMIT}/minute per user across the three instances, not ${3 * LIMIT}`, async () => {
      const u = await register('throttle');
      const statuses: number[] = [];
      for (let k = 0; k < 3 * LIMIT; k++) {
        const r = await direct(k % 3)
          .get('/api/auth/me')
          .set('Authorization', `Bearer ${u.access}`);
        statuses.push(r.status);
      }
      const ok = statuses.filter((s) => s === 200).length;
      const limited = statuses.filter((s) => s === 429).length;
      results.throttle = { limit: LIMIT, requests: statuses.length, ok, limited };
      expect(ok).toBe(LIMIT);
      expect(limited).toBe(2 * LIMIT);
    });

    it('each reminder occurrence fires exactly once, and reaches WebSocket clients on every instance', async () => {
      const u = await register('alarm');
      const auth = { Authorization: `Bearer ${u.access}` };
      // One socket per instance for the same user.
      const inbox: Msg[][] = [[], [], []];
      const sockets = await Promise.all(
        apps.map(
          (a, i) =>
            new Promise<WebSocket>((res, rej) => {
              const ws = new WebSocket(`ws://127.0.0.1:${a.port}/api/notifications/ws?token=${u.access}`);
              ws.on('message', (d) => {
                const m = JSON.parse(String(d)) as Msg;
                inbox[i].push(m);
                if (m.type === 'ready') res(ws);
              });
              ws.once('unexpected-response', (_q, r) =>
                rej(new Error(`${a.name}: handshake ${r.statusCode}`)),
              );
              ws.once('error', rej);
            }),
        ),
      );
      const pushedBefore = await Promise.all(apps.map((_, i) => pushedCount(i)));

      // Three alarms due at the next whole minute (UTC; at least 8 s away so they are stored before it).
      const now = new Date();
      const due = new Date(Math.ceil((now.getTime() + 8_000) / 60_000) * 60_000);
      const hhmm = due.toISOString().slice(11, 16);
      const alarmIds: string[] = [];
      for (let k = 0; k < 3; k++) {
        const r = await viaNginx()
          .post('/api/alarms')
          .ca(proxy.ca)
          .set(auth)
          .send({ type: 'water', title: `Glass ${k + 1}`, time: hhmm, days_of_week: [] });
        expect(r.status, JSON.stringify(r.body)).toBe(201);
        alarmIds.push(r.body.id);
      }

      // Wait (on the sockets: polling would spend the rate limit) until every socket has three
      // notifications, then a little longer for any duplicate.
      const deadline = due.getTime() + 45_000;
      const count = (box: Msg[]) => box.filter((m) => m.type === 'notification').length;
      while (Date.now() < deadline && !inbox.every((box) => count(box) >= 3)) {
        await new Promise((res) => setTimeout(res, 250));
      }
      await new Promise((res) => setTimeout(res, 5_000));
      const final = await direct(2).get('/api/notifications').set(auth);
      expect(final.status).toBe(200);
      const listed = final.body as { id: string; alarm_id: string | null }[];
      for (const ws of sockets) ws.close();

      const perAlarm = alarmIds.map((id) => listed.filter((n) => n.alarm_id === id).length);
      const pushed = (await Promise.all(apps.map((_, i) => pushedCount(i)))).map(
        (n, i) => n - pushedBefore[i],
      );
      const received = inbox.map((box) =>
        box.filter((m) => m.type === 'notification').map((m) => m.notification!.id),
      );
      results.reminders = {
        due: hhmm,
        perAlarm,
        duplicates: listed.length - 3,
        firedBy: pushed,
        received: received.map((r) => r.length),
      };

      expect(perAlarm, 'one notification per alarm occurrence').toEqual([1, 1, 1]);
      expect(listed).toHaveLength(3);
      expect(
        pushed.reduce((a, b) => a + b, 0),
        'pushed once each, by whichever replica fired it',
      ).toBe(3);
      const ids = listed.map((n) => n.id).sort();
      for (const [i, r] of received.entries()) {
        expect([...r].sort(), `socket on ${apps[i].name}`).toEqual(ids);
      }
      // Each socket got all three, and its own instance pushed only `pushed[i]` of them: the rest were
      // fired by another replica and fanned out through Redis (at least 6 of the 9 deliveries).
      const crossInstance = pushed.reduce((acc, n) => acc + (3 - n), 0);
      results.crossInstanceDeliveries = crossInstance;
      expect(crossInstance).toBeGreaterThanOrEqual(6);
    }, 150_000);

    async function pushedCount(i: number): Promise<number> {
      const m = await direct(i).get('/metrics');
      const line = /^podd_notifications_pushed_total(?:\{[^}]*\})? (\d+(?:\.\d+)?)$/m.exec(m.text);
      return line ? Number(line[1]) : 0;
    }
  },
);
