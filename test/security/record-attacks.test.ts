import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, registerUser, type TestApp, type TestUser } from '../support/app.js';
import {
  exampleBody,
  fetchOpenApi,
  fillPath,
  operations,
  type OpenApiDoc,
  type Operation,
} from '../support/openapi.js';

const isErr = { detail: expect.anything(), code: expect.any(String) };

/**
 * Hostile input against the generated CRUD routes (every collection with a documented POST and an `/{id}` item,
 * walked from GET /docs-json): malformed ids, mistyped bodies, members the client must not set, HEAD/OPTIONS.
 */
describe('record routes under attack', () => {
  let t: TestApp;
  let a: TestUser;
  let b: TestUser;
  let doc: OpenApiDoc;
  /** Collection path → its POST, the item's GET/PUT/DELETE, and one record of A. */
  const collections: {
    path: string;
    create: Operation;
    item: Operation[];
    body: Record<string, unknown>;
    id: string;
  }[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    a = await registerUser(t);
    b = await registerUser(t);
    doc = await fetchOpenApi(t);
    const ops = operations(doc).filter((o) => o.secured && o.path.startsWith('/api/'));
    for (const create of ops.filter((o) => o.method === 'post' && o.bodyType === 'application/json')) {
      const item = ops.filter((o) => o.pathParams.length === 1 && o.path.startsWith(`${create.path}/{`));
      if (!item.length || create.pathParams.length) continue;
      const body = exampleBody(doc, create) as Record<string, unknown> | undefined;
      if (!body || typeof body !== 'object' || Array.isArray(body)) continue;
      const res = await t.http.post(create.path).set(a.auth).send(body);
      if (res.status === 201 && typeof res.body?.id === 'string' && res.body.user_id === a.id)
        collections.push({ path: create.path, create, item, body, id: res.body.id });
    }
  });
  afterAll(async () => t.close());

  it('finds the record collections (vitals, food, appointments, contacts, medication, lab results…)', () => {
    const paths = collections.map((c) => c.path);
    for (const p of ['/api/vitals', '/api/food-logs', '/api/appointments', '/api/lab-results'])
      expect(paths).toContain(p);
    expect(paths.length).toBeGreaterThanOrEqual(8);
  });

  it('malformed ids are 404 {detail, code} on GET, PUT and DELETE (never 400/500)', async () => {
    const ids = ['x', 'a'.repeat(2000), '..', '.%2e', '%00', "1' OR '1'='1", 'null', '__proto__', 'é🔑', ' '];
    const wrong: string[] = [];
    for (const c of collections)
      for (const o of c.item)
        for (const id of ids) {
          const path = fillPath(o.path, id);
          const req = t.http[o.method](path).set(a.auth);
          const res = o.method === 'put' ? await req.send(c.body) : await req;
          if (res.status !== 404 || typeof res.body?.code !== 'string')
            wrong.push(
              `${o.label} id ${JSON.stringify(id.slice(0, 12))}: ${res.status} ${JSON.stringify(res.body)}`,
            );
        }
    expect(wrong).toEqual([]);
    // Long ids reach the route: no token is a 401 (with the usual headers), a token the lookup's 404; the router
    // answered both with its own 414 body echoing the path. Past 1,000 characters and for a malformed
    // percent-encoding, the router's refusal is in the error shape too and echoes nothing.
    const path = collections[0].path;
    const long = `${path}/${'b'.repeat(900)}`;
    const anonymous = await t.http.get(long);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.code).toBe('NOT_AUTHENTICATED');
    expect(anonymous.headers['x-content-type-options']).toBe('nosniff');
    for (const [raw, status] of [
      [long, 404],
      [`${path}/${'b'.repeat(1001)}`, 404],
      [`${path}/%E0%A4%A`, 400],
    ] as const) {
      const res = await t.http.get(raw).set(a.auth);
      expect(res.status, raw.slice(0, 40)).toBe(status);
      expect(res.body, raw.slice(0, 40)).toEqual({ detail: expect.any(String), code: expect.any(String) });
      expect(res.text).not.toContain('bbbbbbbbbb');
    }
  });

  it("B's PUT and DELETE of A's record are 404 and leave it untouched; B's list does not show it", async () => {
    for (const c of collections) {
      const put = c.item.find((o) => o.method === 'put');
      const del = c.item.find((o) => o.method === 'delete');
      const get = c.item.find((o) => o.method === 'get')!;
      const before = (await t.http.get(fillPath(get.path, c.id)).set(a.auth)).body;
      if (put) expect((await t.http.put(fillPath(put.path, c.id)).set(b.auth).send(c.body)).status).toBe(404);
      if (del) expect((await t.http.delete(fillPath(del.path, c.id)).set(b.auth)).status).toBe(404);
      expect((await t.http.get(fillPath(get.path, c.id)).set(b.auth)).status, c.path).toBe(404);
      expect((await t.http.get(fillPath(get.path, c.id)).set(a.auth)).body, c.path).toEqual(before);
      const list = await t.http.get(c.path).set(b.auth);
      if (list.status === 200) expect(JSON.stringify(list.body), c.path).not.toContain(c.id);
    }
  });

  it('mistyped bodies are 422 with a {loc, msg, type} list naming the field, on POST and PUT', async () => {
    const wrong: string[] = [];
    for (const c of collections) {
      const put = c.item.find((o) => o.method === 'put');
      const putFields = put ? Object.keys((exampleBody(doc, put) as object | undefined) ?? {}) : [];
      for (const [field, v] of Object.entries(c.body)) {
        // A value of another JSON type than the example's: an object for a scalar, a string for a number.
        const bad =
          typeof v === 'number' ? 'NaN' : typeof v === 'object' && v !== null ? 'text' : { $gt: '' };
        const targets: [string, () => Promise<{ status: number; body: { detail?: unknown } }>][] = [
          [
            'POST',
            async () =>
              t.http
                .post(c.path)
                .set(a.auth)
                .send({ ...c.body, [field]: bad }),
          ],
        ];
        // A PUT ignores what cannot change (logged_at, taken_at): only the members it documents are checked.
        if (put && putFields.includes(field))
          targets.push([
            'PUT',
            async () =>
              t.http
                .put(fillPath(put.path, c.id))
                .set(a.auth)
                .send({ [field]: bad }),
          ]);
        for (const [m, send] of targets) {
          const res = await send();
          const detail = res.body.detail as { loc: string[] }[];
          if (res.status !== 422 || !Array.isArray(detail) || !detail.some((d) => d.loc?.includes(field)))
            wrong.push(
              `${m} ${c.path} ${field}=${JSON.stringify(bad)}: ${res.status} ${JSON.stringify(res.body)}`,
            );
        }
      }
      for (const body of [[], 'text', 42]) {
        const res = await t.http
          .post(c.path)
          .set(a.auth)
          .set('content-type', 'application/json')
          .send(JSON.stringify(body));
        if (res.status < 400 || res.status >= 500)
          wrong.push(`POST ${c.path} body ${JSON.stringify(body)}: ${res.status}`);
        else expect(res.body).toMatchObject(isErr);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('members the client may not set (id, user_id, created_at, unknown ones) are dropped', async () => {
    const forged = {
      id: 'aaaaaaaaaaaa',
      user_id: b.id,
      owner_id: b.id,
      created_at: '2000-01-01T00:00:00Z',
      is_deleted: true,
      zzz_unknown: 'x',
    };
    const o = await registerUser(t);
    for (const c of collections) {
      // A fresh user's first record of each kind (some refuse a duplicate of A's with 409).
      const res = await t.http
        .post(c.path)
        .set(o.auth)
        .send({ ...c.body, ...forged });
      expect(res.status, `${c.path} ${JSON.stringify(res.body)}`).toBe(201);
      expect(res.body.user_id, c.path).toBe(o.id);
      expect(res.body.id, c.path).not.toBe(forged.id);
      expect(res.body, c.path).not.toHaveProperty('zzz_unknown');
      expect(res.body.created_at, c.path).not.toMatch(/^2000/);
      const put = c.item.find((o) => o.method === 'put');
      if (!put) continue;
      const upd = await t.http.put(fillPath(put.path, res.body.id)).set(o.auth).send(forged);
      expect([200, 422], `${put.label} ${JSON.stringify(upd.body)}`).toContain(upd.status);
      const now = await t.http.get(fillPath(put.path, res.body.id)).set(o.auth);
      expect(now.status, c.path).toBe(200);
      expect(now.body.user_id).toBe(o.id);
      expect(now.body.id).toBe(res.body.id);
      expect(now.body).not.toHaveProperty('zzz_unknown');
      expect((await t.http.get(fillPath(put.path, res.body.id)).set(b.auth)).status).toBe(404);
    }
  });

  it('HEAD needs a token like GET and answers without a body; OPTIONS and other methods are not a way in', async () => {
    for (const c of collections) {
      const item = fillPath(c.item[0].path, c.id);
      expect((await t.http.head(c.path)).status, c.path).toBe(401);
      expect((await t.http.head(item)).status, item).toBe(401);
      const head = await t.http.head(item).set(a.auth);
      expect(head.status, item).toBe(200);
      expect(head.text ?? '').toBe('');
      expect((await t.http.head(item).set(b.auth)).status, item).toBe(404);
      const options = await t.http.options(item);
      expect(options.status, item).not.toBe(200);
      expect(options.status, item).toBeLessThan(500);
      const patch = await t.http.patch(item).set(a.auth).send({});
      expect(patch.status, item).toBe(405);
      expect(patch.body).toEqual(isErr);
    }
  });
});
