import { createHmac, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, registerUser, type TestApp, type TestUser } from '../support/app.js';
import { connectWs, wsBase } from '../support/ws-client.js';

const now = () => Math.floor(Date.now() / 1000);
const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

/**
 * An attacker's view of AccessTokenVerifier, the HTTP guard and the WebSocket handshake: garbled Authorization
 * headers, algorithm confusion, tokens missing claims or with claims of the wrong type, refresh/access swaps, and
 * tokens that outlived their user or session. Each is a 401 `{detail, code}`: never a 500, never accepted.
 */
describe('access-token attacks', () => {
  let t: TestApp;
  let u: TestUser;
  /** A token signed with the app's key, with exactly these claims (jti added). */
  const signed = (claims: Record<string, unknown>, algorithm: jwt.Algorithm = 'HS256') =>
    jwt.sign({ jti: randomUUID(), ...claims }, t.config.jwt.secret, { algorithm });
  const hmac = (data: string) => createHmac('sha256', t.config.jwt.secret).update(data).digest('base64url');
  const valid = (over: Record<string, unknown> = {}) =>
    signed({ sub: u.id, type: 'access', tv: 0, exp: now() + 600, ...over });

  const me = (authorization?: string, path = '/api/auth/me') => {
    const req = t.http.get(path);
    return authorization === undefined ? req : req.set('Authorization', authorization);
  };
  const expect401 = async (res: { status: number; body: unknown }, label: string) => {
    expect(res.status, `${label}: ${JSON.stringify(res.body)}`).toBe(401);
    expect(res.body, label).toEqual({ detail: expect.any(String), code: expect.any(String) });
  };

  beforeAll(async () => {
    t = await createTestApp();
    u = await registerUser(t);
  });
  afterAll(async () => t.close());

  it('Bearer in any case and with any whitespace before the token is accepted', async () => {
    const tok = u.accessToken;
    for (const h of [`Bearer ${tok}`, `bearer ${tok}`, `BEARER ${tok}`, `Bearer   ${tok}`, `Bearer\t${tok}`])
      expect((await me(h)).status, JSON.stringify(h.slice(0, 10))).toBe(200);
  });

  it('garbled, foreign-scheme, over-long and non-ASCII Authorization headers are 401', async () => {
    const tok = u.accessToken;
    const headers: [string, string][] = [
      ['empty', ''],
      ['scheme only', 'Bearer'],
      ['scheme and space', 'Bearer '],
      ['no space', `Bearer${tok}`],
      ['Basic', `Basic ${Buffer.from('a:b').toString('base64')}`],
      ['Token scheme', `Token ${tok}`],
      ['JWT scheme', `JWT ${tok}`],
      ['token alone', tok],
      ['two schemes, Basic first', `Basic abc, Bearer ${tok}`],
      ['comma after the token', `Bearer ${tok}, Basic abc`],
      ['a second word after the token', `Bearer ${tok} extra`],
      ['two tokens', `Bearer ${tok} ${tok}`],
      ['quoted token', `Bearer "${tok}"`],
      ['tampered signature', `Bearer ${tok.slice(0, -2)}xx`],
      ['two dots only', 'Bearer ..'],
      ['4 KB of junk', `Bearer ${'a'.repeat(4096)}`],
      ['6 KB payload, valid shape', `Bearer ${tok.split('.')[0]}.${'A'.repeat(6000)}.${tok.split('.')[2]}`],
      ['latin-1', 'Bearer tökén.ëÿ.ß'],
    ];
    for (const [label, h] of headers) await expect401(await me(h), label);
  });

  it('raw header bytes outside ASCII and a doubled Authorization header are 401, not 500', async () => {
    const { port } = t.app.getHttpServer().address() as { port: number };
    const raw = (head: Buffer) =>
      new Promise<string>((resolve, reject) => {
        const s = connect(port, '127.0.0.1', () => s.end(head));
        let out = '';
        s.on('data', (d) => (out += String(d)));
        s.on('end', () => resolve(out));
        s.on('error', reject);
      });
    const utf8 = await raw(
      Buffer.from(
        `GET /api/auth/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer 🔑é\r\nConnection: close\r\n\r\n`,
      ),
    );
    expect(utf8).toMatch(/^HTTP\/1.1 401/);
    expect(utf8).toMatch(/"code":"INVALID_TOKEN"/);
    // Node keeps the first of two Authorization headers: a forged second one cannot replace a valid first one
    // (nor the other way round).
    const doubled = await raw(
      Buffer.from(
        `GET /api/auth/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer forged\r\n` +
          `Authorization: Bearer ${u.accessToken}\r\nConnection: close\r\n\r\n`,
      ),
    );
    expect(doubled).toMatch(/^HTTP\/1.1 401/);
  });

  it('algorithm confusion: none, HS384/HS512 with our secret, RS256 and ES256 with their own keys', async () => {
    const claims = { sub: u.id, type: 'access', tv: 0, exp: now() + 600, jti: randomUUID() };
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const [, , sig] = valid().split('.');
    const tokens: [string, string][] = [
      ['none', `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`],
      ['NONE', `${b64({ alg: 'NONE', typ: 'JWT' })}.${b64(claims)}.`],
      ['none with a signature', `${b64({ alg: 'none' })}.${b64(claims)}.${sig}`],
      ['HS384', signed(claims, 'HS384')],
      ['HS512', signed(claims, 'HS512')],
      ['RS256', jwt.sign(claims, rsa.privateKey, { algorithm: 'RS256' })],
      ['ES256', jwt.sign(claims, ec.privateKey, { algorithm: 'ES256' })],
      ['another secret', jwt.sign(claims, randomBytes(32).toString('hex'), { algorithm: 'HS256' })],
      // The header says RS256 but the signature is an HMAC with our secret (the classic key confusion).
      [
        'RS256 header, HMAC signature',
        (() => {
          const body = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64(claims)}`;
          return `${body}.${hmac(body)}`;
        })(),
      ],
    ];
    for (const [label, tok] of tokens) await expect401(await me(`Bearer ${tok}`), label);
  });

  it('correctly signed tokens with a missing or ill-typed claim are 401 INVALID_TOKEN', async () => {
    const cases: [string, Record<string, unknown>][] = [
      ['no sub', { sub: undefined }],
      ['empty sub', { sub: '' }],
      ['numeric sub', { sub: 42 }],
      ['array sub', { sub: [u.id] }],
      ['no type', { type: undefined }],
      ['type refresh', { type: 'refresh', fam: randomUUID() }],
      ['type ACCESS', { type: 'ACCESS' }],
      ['tv as a string', { tv: '0' }],
      ['tv fractional', { tv: 0.5 }],
      ['tv null', { tv: null }],
    ];
    for (const [label, over] of cases) {
      const res = await me(`Bearer ${valid(over)}`);
      await expect401(res, label);
      expect(res.body.code, label).toBe('INVALID_TOKEN');
    }
    // exp of the wrong type, or past: refused by the signature check itself.
    // jsonwebtoken refuses to sign these: built by hand, HMAC'd with our secret (a numeric exp passes).
    const good = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: u.id, type: 'access', tv: 0, exp: now() + 600 })}`;
    expect((await me(`Bearer ${good}.${hmac(good)}`)).status).toBe(200);
    for (const exp of ['never', String(now() + 600), null, 1e300]) {
      const body = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: u.id, type: 'access', tv: 0, exp })}`;
      await expect401(await me(`Bearer ${body}.${hmac(body)}`), `exp ${String(exp)}`);
    }
    await expect401(await me(`Bearer ${valid({ exp: now() - 1 })}`), 'expired');
    await expect401(await me(`Bearer ${valid({ nbf: now() + 600 })}`), 'not yet valid');
    // A token version other than the user's current one, older or newer, is revoked.
    for (const tv of [-1, 1, 2 ** 40]) {
      const res = await me(`Bearer ${valid({ tv })}`);
      await expect401(res, `tv ${tv}`);
      expect(res.body.code).toBe('TOKEN_REVOKED');
    }
  });

  it('a token accepted before is refused from its exp on, and a copy differing in one byte is verified afresh', async () => {
    const tok = valid({ exp: now() + 120 });
    expect((await me(`Bearer ${tok}`)).status).toBe(200); // now among the checked tokens
    const [h, p, sig] = tok.split('.');
    const flipped = sig[5] === 'A' ? 'B' : 'A';
    await expect401(
      await me(`Bearer ${h}.${p}.${sig.slice(0, 5)}${flipped}${sig.slice(6)}`),
      'signature byte',
    );
    await expect401(
      await me(`Bearer ${h}.${b64({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), tv: 1 })}.${sig}`),
      'claims',
    );
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 121_000);
      await expect401(await me(`Bearer ${tok}`), 'expired after it was accepted');
    } finally {
      vi.useRealTimers();
    }
    expect((await me(`Bearer ${valid()}`)).status).toBe(200);
  });

  it('a well-signed token for a user that does not exist (or a non-UUID sub) is 401, not 500', async () => {
    for (const sub of [randomUUID(), 'admin', "x' OR '1'='1", 'x'.repeat(5000)]) {
      const res = await me(`Bearer ${valid({ sub })}`);
      await expect401(res, sub.slice(0, 20));
      expect(res.body.code).toBe('USER_NOT_FOUND');
    }
  });

  it('a token from ?token= or a cookie is not read on HTTP routes', async () => {
    await expect401(await me(undefined, `/api/auth/me?token=${u.accessToken}`), '?token=');
    await expect401(await me(undefined, `/api/vitals?access_token=${u.accessToken}`), '?access_token=');
    await expect401(
      await t.http.get('/api/auth/me').set('Cookie', `access_token=${u.accessToken}`),
      'cookie',
    );
  });

  it('/api/auth/refresh: an access token, a forged or typed-wrong refresh token, and non-strings are refused', async () => {
    const v = await registerUser(t);
    const refresh = (body: unknown) => t.http.post('/api/auth/refresh').send(body as object);
    const fam = randomUUID();
    const forgedRefresh = jwt.sign(
      { sub: v.id, type: 'refresh', fam, jti: randomUUID() },
      randomBytes(32).toString('hex'),
      { algorithm: 'HS256', expiresIn: 600 },
    );
    // Signed by us but never issued: no row for it.
    const unissued = signed({ sub: v.id, type: 'refresh', fam, exp: now() + 600 });
    for (const [label, tok] of [
      ['access token', v.accessToken],
      ['forged refresh', forgedRefresh],
      ['unissued refresh', unissued],
      ['refresh without fam', signed({ sub: v.id, type: 'refresh', exp: now() + 600 })],
      ['garbage', 'a.b.c'],
    ] as const)
      await expect401(await refresh({ refresh_token: tok }), label);
    for (const body of [
      {},
      { refresh_token: 42 },
      { refresh_token: [v.refreshToken] },
      { refresh_token: null },
      { refresh_token: 'a'.repeat(10_000) },
    ]) {
      const res = await refresh(body);
      expect([401, 422], JSON.stringify(body)).toContain(res.status);
      expect(res.body).toHaveProperty('code');
    }
    // The real one still works once: the attempts above did not revoke it.
    expect((await refresh({ refresh_token: v.refreshToken })).status).toBe(200);
  });

  it('tokens of an erased user, and tokens from before logout-all or a password change, are 401', async () => {
    const gone = await registerUser(t);
    expect(
      (await t.http.delete('/api/auth/me').set(gone.auth).send({ password: gone.password })).status,
    ).toBe(204);
    await expect401(await me(gone.auth.Authorization), 'erased user access');
    await expect401(
      await t.http.post('/api/auth/refresh').send({ refresh_token: gone.refreshToken }),
      'erased user refresh',
    );

    const v = await registerUser(t);
    expect((await t.http.post('/api/auth/logout-all').set(v.auth)).status).toBe(200);
    const res = await me(v.auth.Authorization);
    await expect401(res, 'after logout-all');
    expect(res.body.code).toBe('TOKEN_REVOKED');

    const w = await registerUser(t);
    const changed = await t.http
      .post('/api/auth/change-password')
      .set(w.auth)
      .send({ current_password: w.password, new_password: 'another long password' });
    expect(changed.status).toBe(200);
    await expect401(await me(w.auth.Authorization), 'after password change');
    expect((await me(`Bearer ${changed.body.access_token}`)).status).toBe(200);
  });

  it('the WebSocket handshake refuses the same tokens on each of its paths with 401 {detail, code}', async () => {
    const base = `${wsBase(t.app.getHttpServer())}/api/notifications/ws`;
    const bad: [string, string][] = [
      ['refresh token', u.refreshToken],
      ['expired', valid({ exp: now() - 1 })],
      ['HS512', signed({ sub: u.id, type: 'access', tv: 0, exp: now() + 600 }, 'HS512')],
      ['unknown user', valid({ sub: randomUUID() })],
      ['junk', 'x'.repeat(3000)],
    ];
    const refused = async (p: Promise<unknown>, label: string) => {
      const err = (await p.then(
        () => null,
        (e: unknown) => e,
      )) as { status?: number; body?: string } | null;
      expect(err?.status, label).toBe(401);
      expect(JSON.parse(err?.body ?? '{}'), label).toEqual({
        detail: expect.any(String),
        code: expect.any(String),
      });
    };
    for (const [label, tok] of bad) {
      await refused(connectWs(`${base}?token=${encodeURIComponent(tok)}`), `${label} ?token=`);
      await refused(connectWs(base, { Authorization: `bearer ${tok}` }), `${label} header`);
      await refused(connectWs(base, {}, ['bearer', tok]), `${label} subprotocol`);
    }
    await refused(connectWs(`${base}?token=`), 'empty ?token=');
    await refused(connectWs(base, { Authorization: `Basic ${u.accessToken}` }), 'Basic');
    await refused(connectWs(base, {}, ['bearer']), 'bearer subprotocol without a token');
    // The same valid token is accepted each way (lower-case scheme included).
    for (const open of [
      () => connectWs(`${base}?token=${u.accessToken}`),
      () => connectWs(base, { Authorization: `bearer ${u.accessToken}` }),
      () => connectWs(base, {}, ['bearer', u.accessToken]),
    ])
      await (await open()).close();
  });
});
