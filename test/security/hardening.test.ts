import { randomUUID } from 'node:crypto';
import { connect, type AddressInfo } from 'node:net';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appSuite,
  createTestApp,
  preflight,
  registerUser,
  type TestApp,
  type TestUser,
} from '../support/app.js';
import { exampleBody, fetchOpenApi, fillPath, operations, type OpenApiDoc } from '../support/openapi.js';
import { fakeWav, SarvamStandIn } from '../support/sarvam-stand-in.js';

/** Security review as tests: tokens, headers, limits and CORS of the whole app over HTTP. */

describe('tokens: only HS256 access tokens signed with our key', () => {
  const { t, u } = appSuite();

  it('refuses alg none, another algorithm with our secret, a wrong key, a tampered payload and a stale token version', async () => {
    const claims = jwt.decode(u.accessToken) as jwt.JwtPayload;
    const base = { sub: claims.sub, type: 'access', jti: randomUUID(), tv: claims.tv ?? 0 };
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const exp = Math.floor(Date.now() / 1000) + 600;
    const [h, , sig] = u.accessToken.split('.');
    const bad: Record<string, string> = {
      'alg none': `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...base, exp })}.`,
      'alg NONE': `${b64({ alg: 'NONE', typ: 'JWT' })}.${b64({ ...base, exp })}.`,
      HS512: jwt.sign({ ...base }, t.config.jwt.secret, { algorithm: 'HS512', expiresIn: 600 }),
      'wrong key': jwt.sign({ ...base }, 'x'.repeat(64), { algorithm: 'HS256', expiresIn: 600 }),
      tampered: `${h}.${b64({ ...claims, sub: randomUUID() })}.${sig}`,
      'no type': jwt.sign({ sub: claims.sub, jti: randomUUID(), tv: 0 }, t.config.jwt.secret, {
        algorithm: 'HS256',
        expiresIn: 600,
      }),
      'future token version': jwt.sign({ ...base, tv: 99 }, t.config.jwt.secret, {
        algorithm: 'HS256',
        expiresIn: 600,
      }),
      'unknown user': jwt.sign({ ...base, sub: randomUUID() }, t.config.jwt.secret, {
        algorithm: 'HS256',
        expiresIn: 600,
      }),
    };
    for (const [name, token] of Object.entries(bad)) {
      const res = await t.http.get('/api/vitals').set('Authorization', `Bearer ${token}`);
      expect(res.status, name).toBe(401);
    }
    expect((await t.as(u).get('/api/vitals')).status).toBe(200);
  });

  it('helmet headers on API, error and ops responses; no x-powered-by, no stack traces', async () => {
    const responses = [
      await t.as(u).get('/api/auth/me'),
      await t.as(u).get('/api/nope'),
      await t.http.get('/health'),
      await t.as(u).post('/api/vitals').set('Content-Type', 'application/json').send('{"x":'),
    ];
    for (const res of responses) {
      expect(res.headers['x-powered-by']).toBeUndefined();
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['strict-transport-security']).toMatch(/max-age=/);
      expect(res.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(res.headers['cache-control']).toBe('no-store'); // health data in no shared or browser cache
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['x-request-id']).toBeDefined();
      expect(JSON.stringify(res.body)).not.toMatch(/at .*\.(js|ts):\d+/);
    }
    expect(responses[1].status).toBe(404);
    expect(responses[3].status).toBe(400);
  });

  it('answers the router gives before any hook (405, a bad percent-encoding, an over-long id) carry them too', async () => {
    const responses = [
      await t.as(u).put('/api/vitals'),
      await t.as(u).get('/api/vitals/%E0%A4%A'),
      await t.as(u).get(`/api/vitals/${'a'.repeat(1500)}`),
    ];
    expect(responses.map((r) => r.status)).toEqual([405, 400, 404]);
    for (const res of responses) {
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.body).toEqual({ detail: expect.any(String), code: expect.any(String) });
    }
  });

  it('the Swagger UI, an HTML application, gets the browser set; its JSON document the data set', async () => {
    const ui = await t.http.get('/docs/');
    expect(ui.status).toBe(200);
    expect(ui.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(ui.headers['content-security-policy']).toMatch(/script-src 'self'/);
    expect(ui.headers['x-frame-options']).toBe('SAMEORIGIN');
    const doc = await t.http.get('/docs-json');
    expect(doc.status).toBe(200);
    expect(doc.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
  });
});

describe('rate limits', () => {
  const { t } = appSuite({
    env: { LOGIN_MAX_FAILURES: '3', CHAT_RATE_PER_MINUTE: '3', RATE_LIMIT_PER_MINUTE: '40' },
    users: 0,
  });

  it('login: failures per account from one address → 429 with Retry-After, even with the right password', async () => {
    const u = await registerUser(t);
    for (let i = 0; i < 3; i++) {
      const r = await t.http.post('/api/auth/login').send({ email: u.email, password: 'wrong-password' });
      expect(r.status).toBe(401);
    }
    const locked = await t.http.post('/api/auth/login').send({ email: u.email, password: u.password });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    expect(locked.body.code).toBeTypeOf('string');
  });

  it('chat: CHAT_RATE_PER_MINUTE per user → 429 with Retry-After', async () => {
    const u = await registerUser(t);
    const statuses: number[] = [];
    let retryAfter: string | undefined;
    for (let i = 0; i < 5; i++) {
      const r = await t.as(u).post('/api/chat', { message: 'how much water today?' });
      statuses.push(r.status);
      if (r.status === 429) retryAfter = r.headers['retry-after'];
    }
    expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
    expect(statuses.slice(3)).toEqual([429, 429]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
  });

  it('every /api route: RATE_LIMIT_PER_MINUTE per user → 429 with Retry-After', async () => {
    const u = await registerUser(t);
    let limited: { status: number; headers: Record<string, string> } | undefined;
    for (let i = 0; i < 60 && !limited; i++) {
      const r = await t.as(u).get('/api/vitals');
      if (r.status === 429) limited = r;
      else expect(r.status).toBe(200);
    }
    expect(limited?.status).toBe(429);
    expect(Number(limited?.headers['retry-after'])).toBeGreaterThan(0);
    // The limit is the matched route's, whatever spelling of the target reached it.
    const encoded = await t.as(u).get('/%61pi/vitals');
    expect(encoded.status).toBe(429);
    const server = t.app.getHttpServer();
    if (!server.listening) await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const { port } = server.address() as AddressInfo;
    const raw = await new Promise<string>((ok, fail) => {
      const socket = connect(port, '127.0.0.1', () =>
        socket.write(
          `GET http://127.0.0.1:${port}/api/vitals HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
            `Authorization: Bearer ${u.accessToken}\r\nConnection: close\r\n\r\n`,
        ),
      );
      let text = '';
      socket.on('data', (d) => (text += d.toString()));
      socket.on('end', () => ok(text));
      socket.on('error', fail);
    });
    expect(raw.split('\r\n', 1)[0]).toBe('HTTP/1.1 429 Too Many Requests');
  });
});

describe('request size limits (413) on every body and upload route of the OpenAPI document', () => {
  let sarvam: SarvamStandIn;
  let t: TestApp;
  let u: TestUser;
  let doc: OpenApiDoc;
  const BODY_LIMIT = 4096;
  const UPLOAD_LIMIT = 16384;
  beforeAll(async () => {
    sarvam = await SarvamStandIn.start();
    t = await createTestApp({
      env: {
        BODY_LIMIT_BYTES: String(BODY_LIMIT),
        UPLOAD_LIMIT_BYTES: String(UPLOAD_LIMIT),
        SARVAM_API_KEY: sarvam.apiKey,
        SARVAM_BASE_URL: sarvam.url,
      },
    });
    u = await registerUser(t);
    doc = await fetchOpenApi(t);
  });
  afterAll(async () => {
    await t.close();
    await sarvam.close();
  });

  it('a JSON body over BODY_LIMIT_BYTES is 413 on every JSON route (a body under it is not)', async () => {
    const json = operations(doc).filter((o) => o.bodyType === 'application/json');
    expect(json.length).toBeGreaterThan(30);
    const wrong: string[] = [];
    for (const o of json) {
      const path = fillPath(o.path, 'f2ea5ecd24e3');
      const example = exampleBody(doc, o);
      const big = Array.isArray(example)
        ? [...example, { pad: 'x'.repeat(BODY_LIMIT) }]
        : { ...(example as object), pad: 'x'.repeat(BODY_LIMIT) };
      const res = await t.http[o.method](path).set(u.auth).send(big);
      if (res.status !== 413 || res.body.code !== 'PAYLOAD_TOO_LARGE')
        wrong.push(`${o.label}: ${res.status}`);
    }
    expect(wrong).toEqual([]);
    const small = await t.as(u).post('/api/vitals', { heart_rate: 70, pad: 'x'.repeat(1000) });
    expect(small.status).toBe(201);
  });

  it('an upload over UPLOAD_LIMIT_BYTES is 413 on every multipart route', async () => {
    const uploads = operations(doc).filter((o) => o.bodyType === 'multipart/form-data');
    for (const o of uploads) {
      const res = await t.http[o.method](fillPath(o.path, 'f2ea5ecd24e3'))
        .set(u.auth)
        .attach('file', fakeWav('a'.repeat(UPLOAD_LIMIT * 2)), {
          filename: 'big.wav',
          contentType: 'audio/wav',
        });
      expect(res.status, o.label).toBe(413);
      expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
    }
    console.log(`size limits: ${uploads.length} upload routes → 413`);
  });
});

describe('CORS', () => {
  const { t } = appSuite({
    env: { CORS_ORIGINS: 'https://app.podd.example,http://localhost:3000' },
    users: 0,
  });

  it('allows the configured origins and refuses any other', async () => {
    const ok = await preflight(t, '/api/vitals', 'https://app.podd.example', 'authorization,content-type');
    expect(ok.status).toBe(204);
    expect(ok.headers['access-control-allow-origin']).toBe('https://app.podd.example');
    expect(ok.headers['access-control-allow-credentials']).toBe('true');
    expect(ok.headers['access-control-allow-methods']).toContain('POST');
    expect(ok.headers['access-control-allow-headers']?.toLowerCase()).toContain('authorization');
    expect(ok.headers['access-control-max-age']).toBe('600');
    expect(ok.headers.vary).toContain('Origin');
    expect(ok.headers['cache-control']).toBe('no-store'); // the security headers come first
    expect(ok.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/); // and the request id
    for (const origin of ['https://evil.example', 'https://app.podd.example.evil.example', 'null', '']) {
      const pre = await preflight(t, '/api/vitals', origin);
      expect(pre.headers['access-control-allow-origin'], origin).toBeUndefined();
      expect(pre.headers['access-control-allow-credentials'], origin).toBeUndefined();
      expect(pre.headers['access-control-allow-methods'], origin).toBeUndefined();
      const get = await t.http.get('/health').set('Origin', origin);
      expect(get.headers['access-control-allow-origin'], origin).toBeUndefined();
      expect(get.headers.vary, origin).toContain('Origin');
    }
  });

  it('lets an allowed page read the answer and the headers it needs, errors included', async () => {
    const res = await t.http.get('/api/vitals').set('Origin', 'http://localhost:3000');
    expect(res.status).toBe(401);
    expect(res.headers['access-control-allow-origin']).toBe('http://localhost:3000');
    expect(res.headers['access-control-expose-headers']).toContain('X-Request-Id');
    expect(res.headers['access-control-expose-headers']).toContain('Retry-After');
    expect(res.headers.vary).toContain('Origin');
    // No Origin (apps, devices, servers): no CORS headers beyond Vary.
    const plain = await t.http.get('/health');
    expect(plain.headers['access-control-allow-origin']).toBeUndefined();
    expect(plain.headers['access-control-expose-headers']).toBeUndefined();
  });

  it('answers an OPTIONS that is no preflight like any method a path lacks: 405 with Allow, or 404', async () => {
    const res = await t.http.options('/api/vitals').set('Origin', 'http://localhost:3000');
    expect(res.status).toBe(405);
    expect(res.body).toMatchObject({ code: 'METHOD_NOT_ALLOWED' });
    expect(res.headers.allow).toContain('POST');
    // A static path beside a parameter one is its own resource: the batch route allows POST only, not the
    // methods of `/:id` (which the router would also match).
    const batch = await t.http.options('/api/appointments/batch');
    expect(batch.status).toBe(405);
    expect(batch.headers.allow).toBe('POST');
    const one = await t.http.post('/api/appointments/some-id');
    expect(one.status).toBe(405);
    expect(one.headers.allow).toBe('DELETE, GET, HEAD, PUT');
    const unknown = await t.http.options('/api/nowhere').set('Access-Control-Request-Method', 'GET');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 'ROUTE_NOT_FOUND' });
  });
});

describe('CORS open to every origin, and off', () => {
  const any = appSuite({ env: { CORS_ORIGINS: '*' }, users: 0 });
  const off = appSuite({ env: { CORS_ORIGINS: '[]' }, users: 0 });

  it('`*` answers `*` without credentials (the standard forbids both together)', async () => {
    const pre = await preflight(any.t, '/api/vitals', 'https://anywhere.example', 'authorization');
    expect(pre.status).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe('*');
    expect(pre.headers['access-control-allow-credentials']).toBeUndefined();
    expect(pre.headers['access-control-allow-headers']?.toLowerCase()).toContain('authorization');
  });

  it('an empty list sends no CORS header and answers no preflight', async () => {
    const pre = await preflight(off.t, '/api/vitals', 'http://localhost:3000');
    expect(pre.status).toBe(405);
    expect(pre.headers['access-control-allow-origin']).toBeUndefined();
    const get = await off.t.http.get('/health').set('Origin', 'http://localhost:3000');
    expect(get.headers['access-control-allow-origin']).toBeUndefined();
    expect(get.headers.vary).toBeUndefined();
  });
});
