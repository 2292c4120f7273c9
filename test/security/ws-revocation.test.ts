import { randomBytes, randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, registerUser, requireService, type TestApp, type TestUser } from '../support/app.js';
import { link } from '../support/care.js';
import { SarvamStandIn } from '../support/sarvam-stand-in.js';
import { connectWs, wsBase, type WsClient } from '../support/ws-client.js';

/** Waits for `ws` to close (failing after 3 s) and checks: code 4401, at most 2 s after `since`. */
async function expectClosed4401(ws: WsClient, since: number): Promise<{ at: number }> {
  const closed = await Promise.race([
    ws.closed,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error('socket still open after 3 s')), 3000).unref(),
    ),
  ]);
  expect(closed.code).toBe(4401);
  expect(closed.at - since).toBeLessThan(2000);
  return closed;
}

/** A hand-signed access token for `sub` with exactly the claims given (plus type and jti). */
const signAccess = (secret: string, sub: string, claims: Record<string, unknown>): string =>
  jwt.sign({ sub, type: 'access', jti: randomUUID(), ...claims }, secret, { algorithm: 'HS256' });

/**
 * An open WebSocket lives no longer than its session: revocation (logout-all, password change, erasure)
 * and expiry close it with 4401 within 2 s, and no notification — an emergency alert included — reaches it
 * afterwards. Tokens without `exp` or `tv` are refused however well signed.
 */
describe('WebSocket sessions end with the session (one replica)', () => {
  let t: TestApp;
  let sarvam: SarvamStandIn;
  let base: string;
  /** Someone whose care circle the victim belongs to: each of their alerts is a notification to the victim. */
  let sender: TestUser;

  const isNotification = (m: Record<string, unknown>) => m.type === 'notification';

  /** A fresh user who is a caregiver in `sender`'s circle, told of emergency alerts (in-app delivery needs consent). */
  async function contact(): Promise<TestUser> {
    const v = await registerUser(t);
    await link(t, sender, v, { role: 'caregiver', scopes: ['emergency'], notify: ['emergency_alert'] });
    return v;
  }

  async function alert(): Promise<void> {
    const r = await t
      .as(sender)
      .post('/api/emergency/alert', { type: 'fall', severity: 'high', description: 'Fell in the garden' });
    expect(r.status).toBe(201);
  }

  const notifications = (token: string) => connectWs(`${base}/api/notifications/ws?token=${token}`);

  /** Revokes, then checks: closed with 4401 within 2 s, and the alert raised after it never arrives. */
  async function expectRevoked(ws: WsClient, revoke: () => Promise<void>): Promise<void> {
    await alert();
    await ws.next(isNotification); // the socket works before the revocation
    const before = ws.messages.length;
    const started = Date.now();
    await revoke();
    await alert();
    await expectClosed4401(ws, started);
    await new Promise((r) => setTimeout(r, 200));
    expect(ws.messages.slice(before).filter(isNotification)).toEqual([]);
  }

  beforeAll(async () => {
    sarvam = await SarvamStandIn.start();
    t = await createTestApp({ env: { SARVAM_API_KEY: sarvam.apiKey, SARVAM_BASE_URL: sarvam.url } });
    base = wsBase(t.app.getHttpServer());
    sender = await registerUser(t, { name: 'Asha' });
  });
  afterAll(async () => {
    await t?.close();
    await sarvam?.close();
  });

  it('logout-all closes the open socket with 4401', async () => {
    const v = await contact();
    const ws = await notifications(v.accessToken);
    await expectRevoked(ws, async () => {
      expect((await t.as(v).post('/api/auth/logout-all')).status).toBe(200);
    });
  });

  it('a password change closes the sockets of the old session, not one opened with the new token', async () => {
    const v = await contact();
    const old = await notifications(v.accessToken);
    let fresh: WsClient | undefined;
    await expectRevoked(old, async () => {
      const r = await t.as(v).post('/api/auth/change-password', {
        current_password: v.password,
        new_password: 'a-brand-new-password',
      });
      expect(r.status).toBe(200);
      fresh = await notifications(r.body.access_token);
    });
    // The new session's socket stays open through re-checks and still gets alerts.
    await new Promise((r) => setTimeout(r, 1500));
    expect(fresh!.socket.readyState).toBe(fresh!.socket.OPEN);
    await fresh!.next(isNotification);
    await fresh!.close();
  });

  it('erasing the account closes its sockets', async () => {
    const v = await contact();
    const ws = await notifications(v.accessToken);
    await alert();
    await ws.next(isNotification);
    const started = Date.now();
    expect((await t.as(v).delete('/api/auth/me')).status).toBe(204);
    await expectClosed4401(ws, started);
  });

  it('the access token expiring closes the socket with 4401, and nothing is delivered after', async () => {
    const v = await contact();
    const exp = Math.floor(Date.now() / 1000) + 2;
    const ws = await notifications(signAccess(t.config.jwt.secret, v.id, { tv: 0, exp }));
    await alert();
    await ws.next(isNotification);
    const closed = await expectClosed4401(ws, exp * 1000);
    expect(closed.at).toBeGreaterThanOrEqual(exp * 1000 - 50);
    await alert();
    await new Promise((r) => setTimeout(r, 200));
    expect(ws.messages.filter(isNotification)).toHaveLength(1);
  });

  it('the voice socket closes with 4401 on logout-all too', async () => {
    const v = await registerUser(t);
    const ws = await connectWs(`${base}/api/voice/ws?token=${v.accessToken}`, {}, undefined, 'connected');
    const started = Date.now();
    expect((await t.as(v).post('/api/auth/logout-all')).status).toBe(200);
    await expectClosed4401(ws, started);
  });

  it('refuses correctly signed access tokens without exp or without tv (HTTP and WebSocket)', async () => {
    const v = await registerUser(t);
    const sign = (claims: Record<string, unknown>) => signAccess(t.config.jwt.secret, v.id, claims);
    const noExp = sign({ tv: 0 });
    const noTv = sign({ exp: Math.floor(Date.now() / 1000) + 600 });
    const both = sign({ tv: 0, exp: Math.floor(Date.now() / 1000) + 600 });
    expect((await t.http.get('/api/auth/me').set('Authorization', `Bearer ${both}`)).status).toBe(200);
    for (const token of [noExp, noTv]) {
      const r = await t.http.get('/api/auth/me').set('Authorization', `Bearer ${token}`);
      expect(r.status).toBe(401);
      expect(r.body.code).toBe('INVALID_TOKEN');
      await expect(notifications(token)).rejects.toMatchObject({ status: 401 });
    }
  });
});

const redisUrl = requireService('TEST_REDIS_URL');

describe.runIf(redisUrl)('WebSocket revocation across replicas (two instances, one Redis)', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    // Two instances of one deployment: same secret, same auth database, same Redis.
    const env = { REDIS_URL: redisUrl!, JWT_SECRET: randomBytes(32).toString('hex') };
    a = await createTestApp({ env });
    b = await createTestApp({ env: { ...env, DATA_DIR: a.dataDir }, dataDir: a.dataDir });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('logout-all on instance A closes the socket held on instance B with 4401 within 2 s', async () => {
    const v = await registerUser(a);
    const onB = await connectWs(
      `${wsBase(b.app.getHttpServer())}/api/notifications/ws?token=${v.accessToken}`,
    );
    const started = Date.now();
    expect((await a.as(v).post('/api/auth/logout-all')).status).toBe(200);
    await expectClosed4401(onB, started);
  });
});
