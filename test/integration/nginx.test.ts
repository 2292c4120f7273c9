import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createTestApp, type TestApp } from '../support/app.js';
import { createNginxProxy, type NginxProxy } from '../support/nginx.js';
import { requireTool } from '../support/tools.js';

/**
 * deploy/nginx/podd.conf for real: the file with only its ports, certificate and log paths substituted,
 * `nginx -t`, then nginx (non-daemon, high ports, self-signed certificate made now) in front of two app
 * instances sharing one DATA_DIR, and requests through it over TLS.
 */
const nginx = requireTool('nginx', 'apt-get install nginx');
const openssl = requireTool('openssl', 'apt-get install openssl');

const MB = 1024 * 1024;

describe.runIf(nginx && openssl)('nginx in front of two app instances (deploy/nginx/podd.conf)', () => {
  let dataDir: string;
  let apps: TestApp[] = [];
  let proxy: NginxProxy;
  let ca: Buffer;
  let base: string;
  let httpsPort: number;

  const api = () => request(base);
  /**
   * A raw HTTPS request (certificate checked against the test CA) that resolves with the response even when
   * nginx answers before the whole body is sent; keeps the raw header list to count duplicates.
   */
  const send = (
    method: string,
    path: string,
    body?: { size: number; contentType: string },
  ): Promise<{ status: number; headers: IncomingHttpHeaders; rawHeaders: string[]; body: string }> =>
    new Promise((res, rej) => {
      const headers = body ? { 'content-type': body.contentType, 'content-length': body.size } : {};
      const req = httpsRequest(
        { host: '127.0.0.1', servername: 'localhost', port: httpsPort, path, method, ca, headers },
        (r) => {
          let text = '';
          r.on('data', (d) => (text += d)).on('end', () =>
            res({ status: r.statusCode ?? 0, headers: r.headers, rawHeaders: r.rawHeaders, body: text }),
          );
        },
      );
      req.on('error', (e: NodeJS.ErrnoException) =>
        e.code === 'EPIPE' || e.code === 'ECONNRESET' ? undefined : rej(e),
      );
      req.end(body ? Buffer.alloc(body.size, 0x20) : undefined);
    });
  const post = (path: string, size: number, contentType: string) => send('POST', path, { size, contentType });

  beforeAll(async () => {
    // Two instances on one DATA_DIR and one JWT secret: a user registered through one logs in through the other.
    dataDir = mkdtempSync(join(tmpdir(), 'podd-nginx-data-'));
    mkdirSync(dataDir, { recursive: true });
    const env = { JWT_SECRET: randomBytes(32).toString('hex') };
    apps.push(await createTestApp({ dataDir, env }));
    apps.push(await createTestApp({ dataDir, env }));
    const upstreams = apps.map((a) => (a.app.getHttpServer().address() as { port: number }).port);
    proxy = await createNginxProxy({ nginx: nginx!, openssl: openssl!, upstreams });
    ({ ca, base, httpsPort } = proxy);
  });

  afterAll(async () => {
    await proxy?.close();
    for (const a of apps) await a.close().catch(() => undefined);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('passes nginx -t', () => {
    const t = proxy.check();
    expect(t.code, t.stderr).toBe(0);
    expect(t.stderr).toMatch(/syntax is ok/);
    expect(t.stderr).toMatch(/test is successful/);
  });

  it('starts in the foreground on high ports', async () => {
    await proxy.start();
  });

  it('redirects plain HTTP to HTTPS', async () => {
    const res = await request(`http://127.0.0.1:${proxy.httpPort}`)
      .get('/api/auth/me')
      .set('Host', 'api.example.com');
    expect(res.status).toBe(301);
    expect(res.headers.location).toBe('https://api.example.com/api/auth/me');
  });

  it('registers through nginx, logs in and reads /me over TLS (certificate verified)', async () => {
    const email = `nginx${Date.now()}@example.com`;
    const reg = await api()
      .post('/api/auth/register')
      .ca(ca)
      .send({ email, password: 'password-123', name: 'N' });
    expect(reg.status).toBe(201);
    // Several logins: least_conn spreads them over both instances; each must accept the account.
    for (let i = 0; i < 4; i++) {
      const login = await api().post('/api/auth/login').ca(ca).send({ email, password: 'password-123' });
      expect(login.status).toBe(200);
      const me = await api()
        .get('/api/auth/me')
        .ca(ca)
        .set('Authorization', `Bearer ${login.body.access_token}`);
      expect(me.status).toBe(200);
      expect(me.body.email).toBe(email);
    }
    const served = apps.map((a) => a.logs.filter((l) => l.includes('/api/auth/login')).length);
    expect(
      served.every((n) => n > 0),
      `logins per instance: ${served}`,
    ).toBe(true);
  });

  it('sets each security header exactly once (the app’s copies hidden) and keeps the app’s CSP', async () => {
    const res = await send('GET', '/health/live');
    expect(res.status).toBe(200);
    const count = (name: string) =>
      res.rawHeaders.filter((h, i) => i % 2 === 0 && h.toLowerCase() === name).length;
    for (const h of [
      'strict-transport-security',
      'x-frame-options',
      'x-content-type-options',
      'referrer-policy',
    ]) {
      expect(count(h), h).toBe(1);
    }
    expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toBeTruthy();
    expect(res.headers.server).toBe('nginx');
  });

  it('passes X-Request-Id through, or gives the request nginx’s id', async () => {
    const given = await api().get('/health/live').ca(ca).set('X-Request-Id', 'trace-abc.123');
    expect(given.headers['x-request-id']).toBe('trace-abc.123');
    const generated = await api().get('/health/live').ca(ca);
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
    const bad = await api().get('/health/live').ca(ca).set('X-Request-Id', 'bad id with spaces');
    expect(bad.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
  });

  it('passes /health to the app (readiness JSON, not a canned reply) and serves /metrics to loopback', async () => {
    const h = await api().get('/health').ca(ca);
    expect(h.status).toBe(200);
    expect(h.body.status).toBe('ok');
    expect(h.headers['x-request-id']).toBeTruthy();
    const m = await api().get('/metrics').ca(ca);
    expect(m.status).toBe(200);
    expect(m.text).toMatch(/^# HELP /m);
  });

  it('refuses uploads above 10 MB and JSON above 1 MB itself (413, API error shape); uploads below reach the app', async () => {
    const tooLarge = { detail: 'Request body is too large', code: 'PAYLOAD_TOO_LARGE' };
    const upload = 'multipart/form-data; boundary=x';
    const big = await post('/api/voice/stream', 10 * MB + 1024, upload);
    expect(big.status).toBe(413);
    expect(JSON.parse(big.body)).toEqual(tooLarge);
    expect(big.headers['x-request-id']).toBeUndefined(); // answered by nginx
    // JSON above the app's BODY_LIMIT_BYTES (1 MB) is refused by nginx too (the app would close mid-body).
    for (let i = 0; i < 3; i++) {
      const json = await post('/api/auth/register', 2 * MB, 'application/json');
      expect(json.status).toBe(413);
      expect(JSON.parse(json.body)).toEqual(tooLarge);
    }
    // A 5 MB upload passes nginx and reaches the app (which answers 401: no token).
    const medium = await post('/api/voice/stream', 5 * MB, upload);
    expect(medium.status).toBe(401);
    expect(medium.headers['x-request-id']).toBeTruthy(); // answered by the app
  });

  it('upgrades WebSocket connections through nginx to the app (notifications socket)', async () => {
    const email = `ws${Date.now()}@example.com`;
    const reg = await api()
      .post('/api/auth/register')
      .ca(ca)
      .send({ email, password: 'password-123', name: 'W' });
    expect(reg.status).toBe(201);
    const messages: { type: string }[] = [];
    const ws = new WebSocket(
      `wss://localhost:${httpsPort}/api/notifications/ws?token=${reg.body.access_token}`,
      { ca },
    );
    await new Promise<void>((res, rej) => {
      ws.once('open', () => res());
      ws.once('unexpected-response', (_req, r) => rej(new Error(`handshake answered ${r.statusCode}`)));
      ws.once('error', rej);
    });
    ws.on('message', (d) => messages.push(JSON.parse(String(d))));
    const waitFor = async (type: string) => {
      const until = Date.now() + 5000;
      while (!messages.some((m) => m.type === type)) {
        if (Date.now() > until) throw new Error(`no ${type} message; got ${JSON.stringify(messages)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    await waitFor('ready');
    ws.send(JSON.stringify({ type: 'ping' }));
    await waitFor('pong');
    ws.close();
    // A handshake without a token is refused by the app itself (401 in the API shape), through nginx.
    const refused = await new Promise<number>((res, rej) => {
      const bad = new WebSocket(`wss://localhost:${httpsPort}/api/notifications/ws`, { ca });
      bad.once('unexpected-response', (_req, r) => res(r.statusCode ?? 0));
      bad.once('open', () => rej(new Error('opened without a token')));
      bad.once('error', () => undefined);
    });
    expect(refused).toBe(401);
  });

  it('answers 503 in the API error shape when no instance is up', async () => {
    for (const a of apps) await a.close();
    apps = [];
    const res = await api().get('/api/auth/me').ca(ca);
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ detail: 'Service temporarily unavailable', code: 'SERVICE_UNAVAILABLE' });
  });
});
