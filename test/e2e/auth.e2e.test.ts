import jwt from 'jsonwebtoken';
import { describe, expect, it } from 'vitest';
import { appSuite, createTestApp, preflight, registerUser } from '../support/app.js';

describe('auth routes (whole app over HTTP, real SQLite)', () => {
  const { t } = appSuite({ env: { LOGIN_MAX_FAILURES: '3', TRUST_PROXY: 'loopback' }, users: 0 });

  it('registers (201, bearer pair), stores e-mail lower-cased and refuses a duplicate with 409', async () => {
    const res = await t.http
      .post('/api/auth/register')
      .send({ email: 'Asha@Example.com', password: 'password-123', name: 'Asha' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ token_type: 'bearer' });
    expect(typeof res.body.access_token).toBe('string');
    expect(typeof res.body.refresh_token).toBe('string');
    const claims = jwt.decode(res.body.access_token) as Record<string, unknown>;
    expect(claims).toMatchObject({ type: 'access' });
    for (const k of ['sub', 'jti', 'iat', 'exp']) expect(claims[k]).toBeDefined();
    const dup = await t.http
      .post('/api/auth/register')
      .send({ email: 'asha@example.com', password: 'password-456', name: 'Other' });
    expect(dup.status).toBe(409);
    expect(dup.body).toEqual({ detail: 'Email already registered', code: 'EMAIL_TAKEN' });
    const me = await t.http.get('/api/auth/me').set('Authorization', `Bearer ${res.body.access_token}`);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ email: 'asha@example.com', name: 'Asha' });
    expect(me.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Date(me.body.created_at).toISOString()).toBe(me.body.created_at);
  });

  it('validates register input with a 422 list of {loc, msg, type}', async () => {
    const res = await t.http.post('/api/auth/register').send({ email: 'not-an-email', password: 'short' });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    const locs = res.body.detail.map((d: { loc: string[] }) => d.loc.join('.'));
    expect(locs).toEqual(expect.arrayContaining(['body.email', 'body.password', 'body.name']));
    for (const d of res.body.detail) {
      expect(typeof d.msg).toBe('string');
      expect(typeof d.type).toBe('string');
    }
    // 8 and 72 characters are the bounds for a new password.
    const seven = await t.http
      .post('/api/auth/register')
      .send({ email: 'p7@example.com', password: '1234567', name: 'x' });
    expect(seven.status).toBe(422);
    const eight = await t.http
      .post('/api/auth/register')
      .send({ email: 'p8@example.com', password: '12345678', name: 'x' });
    expect(eight.status).toBe(201);
    const s72 = await t.http
      .post('/api/auth/register')
      .send({ email: 'p72@example.com', password: 'a'.repeat(72), name: 'x' });
    expect(s72.status).toBe(201);
    const s73 = await t.http
      .post('/api/auth/register')
      .send({ email: 'p73@example.com', password: 'a'.repeat(73), name: 'x' });
    expect(s73.status).toBe(422);
  });

  it('logs in; wrong password and unknown e-mail are the same 401', async () => {
    const u = await registerUser(t);
    const ok = await t.http
      .post('/api/auth/login')
      .send({ email: u.email.toUpperCase(), password: u.password });
    expect(ok.status).toBe(200);
    expect(ok.body.token_type).toBe('bearer');
    const wrong = await t.http
      .post('/api/auth/login')
      .set('X-Forwarded-For', '10.1.0.1')
      .send({ email: u.email, password: 'nope-nope' });
    const unknown = await t.http
      .post('/api/auth/login')
      .set('X-Forwarded-For', '10.1.0.2')
      .send({ email: 'ghost@example.com', password: 'nope-nope' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual({ detail: 'Invalid credentials', code: 'INVALID_CREDENTIALS' });
    expect(unknown.body).toEqual(wrong.body);
  });

  it('rotates refresh tokens; reusing a rotated one revokes the whole family', async () => {
    const u = await registerUser(t);
    const r1 = await t.http.post('/api/auth/refresh').send({ refresh_token: u.refreshToken });
    expect(r1.status).toBe(200);
    expect(r1.body.refresh_token).not.toBe(u.refreshToken);
    // Old token again → reuse → 401, and the new token of the same family is dead too.
    const reuse = await t.http.post('/api/auth/refresh').send({ refresh_token: u.refreshToken });
    expect(reuse.status).toBe(401);
    expect(reuse.body).toEqual({ detail: 'Token revoked', code: 'TOKEN_REVOKED' });
    const after = await t.http.post('/api/auth/refresh').send({ refresh_token: r1.body.refresh_token });
    expect(after.status).toBe(401);
    // Another session of the same user is untouched.
    const other = await t.http.post('/api/auth/login').send({ email: u.email, password: u.password });
    const r2 = await t.http.post('/api/auth/refresh').send({ refresh_token: other.body.refresh_token });
    expect(r2.status).toBe(200);
  });

  it('refuses an access token on /refresh and a refresh token as bearer', async () => {
    const u = await registerUser(t);
    const a = await t.http.post('/api/auth/refresh').send({ refresh_token: u.accessToken });
    expect(a.status).toBe(401);
    expect(a.body.code).toBe('INVALID_REFRESH_TOKEN');
    const garbage = await t.http.post('/api/auth/refresh').send({ refresh_token: 'garbage' });
    expect(garbage.status).toBe(401);
    const b = await t.http.get('/api/auth/me').set('Authorization', `Bearer ${u.refreshToken}`);
    expect(b.status).toBe(401);
    expect(b.body).toEqual({ detail: 'Invalid token', code: 'INVALID_TOKEN' });
  });

  it('answers 401 without a token, with a forged or expired one, and with alg none', async () => {
    const missing = await t.http.get('/api/auth/me');
    expect(missing.status).toBe(401);
    expect(missing.body).toEqual({ detail: 'Not authenticated', code: 'NOT_AUTHENTICATED' });
    const u = await registerUser(t);
    const claims = jwt.decode(u.accessToken) as jwt.JwtPayload;
    const forged = jwt.sign(
      { sub: claims.sub, type: 'access', jti: 'x', tv: 0 },
      'another-secret-another-secret-another',
      { algorithm: 'HS256' },
    );
    expect((await t.http.get('/api/auth/me').set('Authorization', `Bearer ${forged}`)).status).toBe(401);
    const expired = jwt.sign(
      { sub: claims.sub, type: 'access', jti: 'x', tv: 0, exp: Math.floor(Date.now() / 1000) - 10 },
      t.config.jwt.secret,
      {
        algorithm: 'HS256',
      },
    );
    expect((await t.http.get('/api/auth/me').set('Authorization', `Bearer ${expired}`)).status).toBe(401);
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: claims.sub, type: 'access', tv: 0 })).toString('base64url')}.`;
    expect((await t.http.get('/api/auth/me').set('Authorization', `Bearer ${none}`)).status).toBe(401);
  });

  it('logout always answers 200 and revokes the refresh token', async () => {
    const u = await registerUser(t);
    const out = await t.http.post('/api/auth/logout').send({ refresh_token: u.refreshToken });
    expect(out.status).toBe(200);
    expect(out.body).toEqual({ message: 'logged out' });
    expect((await t.http.post('/api/auth/logout').send({ refresh_token: 'garbage' })).status).toBe(200);
    const r = await t.http.post('/api/auth/refresh').send({ refresh_token: u.refreshToken });
    expect(r.status).toBe(401);
    expect((await t.http.post('/api/auth/logout').send({})).status).toBe(422);
  });

  it('logout-all ends every session: access and refresh tokens', async () => {
    const u = await registerUser(t);
    const second = await t.http.post('/api/auth/login').send({ email: u.email, password: u.password });
    expect((await t.as(u).post('/api/auth/logout-all')).status).toBe(200);
    expect((await t.as(u).get('/api/auth/me')).status).toBe(401);
    expect(
      (await t.http.get('/api/auth/me').set('Authorization', `Bearer ${second.body.access_token}`)).status,
    ).toBe(401);
    expect(
      (await t.http.post('/api/auth/refresh').send({ refresh_token: second.body.refresh_token })).status,
    ).toBe(401);
    expect((await t.http.post('/api/auth/logout-all')).status).toBe(401);
    // A new login works.
    expect((await t.http.post('/api/auth/login').send({ email: u.email, password: u.password })).status).toBe(
      200,
    );
  });

  it('change-password checks the current password, ends other sessions and returns a new one', async () => {
    const u = await registerUser(t);
    const other = await t.http.post('/api/auth/login').send({ email: u.email, password: u.password });
    const bad = await t
      .as(u)
      .post('/api/auth/change-password', { current_password: 'wrong-one', new_password: 'brand-new-pass' });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('INVALID_CREDENTIALS');
    const short = await t
      .as(u)
      .post('/api/auth/change-password', { current_password: u.password, new_password: 'short' });
    expect(short.status).toBe(422);
    const ok = await t
      .as(u)
      .post('/api/auth/change-password', { current_password: u.password, new_password: 'brand-new-pass' });
    expect(ok.status).toBe(200);
    expect(
      (await t.http.get('/api/auth/me').set('Authorization', `Bearer ${ok.body.access_token}`)).status,
    ).toBe(200);
    expect(
      (await t.http.get('/api/auth/me').set('Authorization', `Bearer ${other.body.access_token}`)).status,
    ).toBe(401);
    expect(
      (await t.http.post('/api/auth/refresh').send({ refresh_token: other.body.refresh_token })).status,
    ).toBe(401);
    expect(
      (
        await t.http
          .post('/api/auth/login')
          .set('X-Forwarded-For', '10.2.0.1')
          .send({ email: u.email, password: u.password })
      ).status,
    ).toBe(401);
    expect(
      (await t.http.post('/api/auth/login').send({ email: u.email, password: 'brand-new-pass' })).status,
    ).toBe(200);
  });

  it('throttles failed logins per account and address with 429 and Retry-After, even for the right password', async () => {
    const u = await registerUser(t);
    const login = (password: string, ip: string) =>
      t.http.post('/api/auth/login').set('X-Forwarded-For', ip).send({ email: u.email, password });
    for (let i = 0; i < 3; i++) expect((await login('bad-password', '10.9.0.1')).status).toBe(401);
    const blocked = await login(u.password, '10.9.0.1');
    expect(blocked.status).toBe(429);
    expect(blocked.body.code).toBe('LOGIN_THROTTLED');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    // The account itself is not locked: its owner logs in from another address.
    expect((await login(u.password, '10.9.0.2')).status).toBe(200);
  });

  it('throttles failed logins per IP across accounts', async () => {
    for (let i = 0; i < 3; i++) {
      const r = await t.http
        .post('/api/auth/login')
        .set('X-Forwarded-For', '10.3.3.3')
        .send({ email: `nobody${i}@example.com`, password: 'bad-password' });
      expect(r.status).toBe(401);
    }
    const u = await registerUser(t);
    const blocked = await t.http
      .post('/api/auth/login')
      .set('X-Forwarded-For', '10.3.3.3')
      .send({ email: u.email, password: u.password });
    expect(blocked.status).toBe(429);
    const elsewhere = await t.http
      .post('/api/auth/login')
      .set('X-Forwarded-For', '10.3.3.4')
      .send({ email: u.email, password: u.password });
    expect(elsewhere.status).toBe(200);
  });

  it('maps malformed JSON to 400, a too-large body to 413 and an unknown route to 404', async () => {
    const bad = await t.http
      .post('/api/auth/login')
      .set('Content-Type', 'application/json')
      .send('{"email": ');
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ detail: 'Malformed JSON body', code: 'MALFORMED_JSON' });
    const big = await t.http
      .post('/api/auth/login')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ email: 'x'.repeat(t.config.bodyLimitBytes) }));
    expect(big.status).toBe(413);
    expect(big.body.code).toBe('PAYLOAD_TOO_LARGE');
    const nf = await t.http.get('/api/nothing-here');
    expect(nf.status).toBe(404);
    expect(nf.body).toEqual({ detail: 'Not Found', code: 'ROUTE_NOT_FOUND' });
  });

  it('sets a request id, security headers, and no x-powered-by', async () => {
    const res = await t.http.get('/').set('X-Request-Id', 'trace-123');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ name: 'Podd Health Assistant', version: expect.any(String) });
    expect(res.headers['x-request-id']).toBe('trace-123');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toBeDefined();
    expect(res.headers['x-powered-by']).toBeUndefined();
    const generated = await t.http.get('/health/live');
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers CORS preflights for allowed origins only', async () => {
    const ok = await preflight(t, '/api/auth/login', 'http://localhost:3000', 'content-type,authorization');
    expect(ok.status).toBeLessThan(300);
    expect(ok.headers['access-control-allow-origin']).toBe('http://localhost:3000');
    const evil = await preflight(t, '/api/auth/login', 'https://evil.example');
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('never logs passwords or tokens', async () => {
    const u = await registerUser(t, { password: 'a-very-unique-password-42' });
    await t.http.post('/api/auth/login').send({ email: u.email, password: 'a-very-unique-password-42' });
    const all = t.logs.join('\n');
    expect(all).toContain('"route":"/api/auth/login"');
    expect(all).not.toContain('a-very-unique-password-42');
    expect(all).not.toContain(u.accessToken);
    expect(all).not.toContain(u.refreshToken);
  });
});

describe('global rate limit', () => {
  it('limits each user to RATE_LIMIT_PER_MINUTE with X-RateLimit headers and a 429 body', async () => {
    const t = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: '5' } });
    try {
      const u = await registerUser(t); // register + me = 2 anonymous/user requests
      const first = await t.as(u).get('/api/auth/me');
      expect(first.headers['x-ratelimit-limit']).toBe('5');
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await t.as(u).get('/api/auth/me')).status);
      expect(statuses).toContain(429);
      const limited = await t.as(u).get('/api/auth/me');
      expect(limited.status).toBe(429);
      expect(limited.body).toEqual({ detail: 'Too many requests, please slow down', code: 'RATE_LIMITED' });
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      // Ops routes are never limited.
      expect((await t.http.get('/health/live')).status).toBe(200);
    } finally {
      await t.close();
    }
  });
});
