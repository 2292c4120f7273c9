import { randomBytes, randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { beforeAll, describe, expect, it } from 'vitest';
import { appSuite, registerUser, type TestUser } from '../support/app.js';
import {
  exampleBody,
  fetchOpenApi,
  fillPath,
  operations,
  resolveRef,
  type OpenApiDoc,
  type Operation,
} from '../support/openapi.js';

/**
 * The auth matrix, generated from GET /docs-json so every route added later is covered without editing this
 * file: each authenticated /api operation refuses a missing, expired, forged, `alg: none` and refresh token
 * with 401, and each operation with an id in its path answers 404 to a user who does not own the record —
 * real records of user A (created through the documented POST of the collection, from the schema's examples)
 * where the API can create them, random ids otherwise — and leaves A's record untouched.
 */
describe('auth matrix from the OpenAPI document', () => {
  const { t } = appSuite({ users: 0 });
  let doc: OpenApiDoc;
  let ops: Operation[];
  let a: TestUser;
  let b: TestUser;
  beforeAll(async () => {
    doc = await fetchOpenApi(t);
    ops = operations(doc).filter((o) => o.path.startsWith('/api/'));
    a = await registerUser(t);
    b = await registerUser(t);
  });

  const send = (o: Operation, path: string, token: string | null, body?: unknown) => {
    let req = t.http[o.method](path);
    if (token !== null) req = req.set('Authorization', `Bearer ${token}`);
    return body === undefined ? req : req.send(body as object);
  };

  it('covers every route: only register, login, refresh and logout are public', () => {
    const pub = ops.filter((o) => !o.secured).map((o) => o.label);
    expect(pub.sort()).toEqual([
      'POST /api/auth/login',
      'POST /api/auth/logout',
      'POST /api/auth/refresh',
      'POST /api/auth/register',
    ]);
    expect(ops.length).toBeGreaterThan(60);
  });

  it('every authenticated operation: no token, expired, forged, alg none, refresh token → 401', async () => {
    const claims = jwt.decode(a.accessToken) as jwt.JwtPayload;
    const base = { sub: claims.sub, type: 'access', tv: claims.tv ?? 0 };
    const expired = jwt.sign(
      { ...base, jti: randomUUID(), exp: Math.floor(Date.now() / 1000) - 60 },
      t.config.jwt.secret,
      { algorithm: 'HS256' },
    );
    const forged = jwt.sign({ ...base, jti: randomUUID() }, randomBytes(32).toString('hex'), {
      algorithm: 'HS256',
      expiresIn: 600,
    });
    const none =
      `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.` +
      `${Buffer.from(JSON.stringify({ ...base, jti: randomUUID(), exp: Math.floor(Date.now() / 1000) + 600 })).toString('base64url')}.`;
    const tokens: [string, string | null][] = [
      ['none', null],
      ['expired', expired],
      ['forged', forged],
      ['alg none', none],
      ['refresh token', a.refreshToken],
      ['garbage', 'not-a-jwt'],
    ];
    const wrong: string[] = [];
    let checked = 0;
    for (const o of ops.filter((x) => x.secured)) {
      const path = fillPath(o.path, 'f2ea5ecd24e3');
      for (const [name, token] of tokens) {
        const res = await send(o, path, token);
        if (res.status !== 401 || typeof res.body?.code !== 'string')
          wrong.push(`${o.label} with ${name}: ${res.status}`);
        else if (!String(res.headers['www-authenticate'] ?? '').startsWith('Bearer'))
          wrong.push(`${o.label} with ${name}: no WWW-Authenticate`);
      }
      checked++;
    }
    console.log(`auth matrix: ${checked} authenticated operations × ${tokens.length} bad credentials → 401`);
    expect(wrong).toEqual([]);
    // The real token still works (the matrix did not lock the account).
    expect((await t.as(a).get('/api/auth/me')).status).toBe(200);
  });

  it("another user's ids → 404 on every operation with an id in its path; the owner's record is untouched", async () => {
    // Create one record of A per collection that has a documented POST, in document order, so that bodies
    // referring to an earlier record (`medication_id`…) get A's real id.
    const ids: Record<string, string> = {};
    const owned = new Map<string, boolean>();
    const withIds = ops.filter((o) => o.secured && o.pathParams.length);
    for (const o of withIds) {
      const param = o.pathParams.at(-1)!;
      if (ids[param]) continue;
      const collection = o.path.slice(0, o.path.indexOf(`/{${param}}`));
      const create = ops.find((x) => x.method === 'post' && x.path === collection);
      if (!create) continue;
      const body = exampleBody(doc, create) as Record<string, unknown> | undefined;
      if (body && typeof body === 'object' && !Array.isArray(body))
        for (const k of Object.keys(body)) if (ids[k]) body[k] = ids[k];
      const res = await send(create, collection, a.accessToken, body ?? {});
      if (res.status >= 200 && res.status < 300 && typeof res.body?.id === 'string') {
        ids[param] = res.body.id;
        owned.set(param, 'user_id' in res.body);
      }
    }
    const real = Object.keys(ids).filter((p) => owned.get(p));
    expect(real.length, `records created: ${JSON.stringify(ids)}`).toBeGreaterThanOrEqual(5);

    const wrong: string[] = [];
    let checked = 0;
    for (const o of withIds) {
      const values: Record<string, string> = {};
      for (const p of o.pathParams) values[p] = owned.get(p) ? ids[p] : randomBytes(6).toString('hex');
      const path = fillPath(o.path, values);
      const body = exampleBody(doc, o) as Record<string, unknown> | undefined;
      const res = await send(o, path, b.accessToken, body);
      if (res.status !== 404)
        wrong.push(`${o.label} as another user: ${res.status} ${JSON.stringify(res.body)}`);
      checked++;
    }
    console.log(
      `auth matrix: ${checked} operations with ids → 404 for another user (${real.length} collections with real records)`,
    );
    expect(wrong).toEqual([]);
    // A's records are still A's, unchanged by B's attempts (B's PUT/DELETE did nothing).
    for (const p of real) {
      const get = withIds.find((o) => o.method === 'get' && o.pathParams.at(-1) === p);
      if (!get) continue;
      const res = await t.as(a).get(fillPath(get.path, { [p]: ids[p] }));
      expect(res.status, get.label).toBe(200);
      expect(res.body.user_id).toBe(a.id);
    }
  });

  it('documents its own auth: every authenticated operation declares bearer auth and a 401', () => {
    for (const o of ops.filter((x) => x.secured)) {
      expect(o.op.responses['401'], o.label).toBeDefined();
      expect(resolveRef(doc, { $ref: '#/components/schemas/ErrorResponseDto' })).toBeDefined();
    }
  });
});
