import { expect } from 'vitest';
import type { TestApp, TestUser } from './app.js';

type Method = 'post' | 'put' | 'get';

/**
 * Checks one validation bound: each `inside` value is accepted (status `ok`) and each `outside` value is a 422
 * naming the field. `base` is the rest of a valid body.
 */
export async function expectBounds(
  t: TestApp,
  user: TestUser,
  method: Method,
  path: string,
  base: Record<string, unknown>,
  field: string,
  inside: unknown[],
  outside: unknown[],
  ok = method === 'post' ? 201 : 200,
): Promise<void> {
  for (const v of inside) {
    const res = await t.http[method](path)
      .set(user.auth)
      .send({ ...base, [field]: v });
    expect(res.status, `${field}=${JSON.stringify(v)} should be accepted: ${JSON.stringify(res.body)}`).toBe(
      ok,
    );
  }
  for (const v of outside) {
    const res = await t.http[method](path)
      .set(user.auth)
      .send({ ...base, [field]: v });
    expect(res.status, `${field}=${JSON.stringify(v)} should be refused`).toBe(422);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.detail.map((d: { loc: (string | number)[] }) => d.loc.join('.'))).toContain(
      `body.${field}`,
    );
  }
}

/** Query-string bounds: `inside` values answer 200, `outside` values 422. */
export async function expectQueryBounds(
  t: TestApp,
  user: TestUser,
  path: string,
  field: string,
  inside: string[],
  outside: string[],
): Promise<void> {
  for (const v of inside) {
    const res = await t
      .as(user)
      .get(`${path}${path.includes('?') ? '&' : '?'}${field}=${encodeURIComponent(v)}`);
    expect(res.status, `${field}=${v}: ${JSON.stringify(res.body)}`).toBe(200);
  }
  for (const v of outside) {
    const res = await t
      .as(user)
      .get(`${path}${path.includes('?') ? '&' : '?'}${field}=${encodeURIComponent(v)}`);
    expect(res.status, `${field}=${v}`).toBe(422);
  }
}

export const ids = (body: { id: string }[]): string[] => body.map((r) => r.id);

/** A route as `'<METHOD> <path>'`, e.g. `'POST /api/medication/log'`. */
export type Route = `${'GET' | 'POST' | 'PUT' | 'DELETE'} /${string}`;

/** The five routes of a CRUD resource: list, create, and get/replace/delete of a well-formed id. */
export const crudRoutes = (base: `/${string}`): Route[] => [
  `GET ${base}`,
  `POST ${base}`,
  ...(['GET', 'PUT', 'DELETE'] as const).map((m): Route => `${m} ${base}/abcdefabcdef`),
];

/** Each route answers 401 without a token (an empty JSON body on every method). */
export async function expectUnauthenticated(t: TestApp, routes: Route[]): Promise<void> {
  for (const route of routes) {
    const [method, path] = route.split(' ');
    const m = method.toLowerCase() as 'get' | 'post' | 'put' | 'delete';
    expect((await t.http[m](path).send({})).status, route).toBe(401);
  }
}

/** A 422 whose only validation issue is on body field `field`, with this message and type. */
export function expectOneIssue(
  res: { status: number; body: { detail?: unknown } },
  field: string,
  msg: string,
  type: string,
): void {
  expect(res.status).toBe(422);
  expect(res.body.detail).toEqual([{ loc: ['body', field], msg, type }]);
}

/** expectBounds with the request fixed (one route and base body): call it with `(field, inside, outside)`. */
export const boundsOf =
  (t: TestApp, user: TestUser, method: Method, path: string, base: Record<string, unknown> = {}) =>
  (field: string, inside: unknown[], outside: unknown[]): Promise<void> =>
    expectBounds(t, user, method, path, base, field, inside, outside);

/** An emergency alert body (POST /api/emergency/alert) for suites that need one to be raised. */
export const FALL_ALERT = {
  type: 'fall',
  severity: 'high',
  description: 'Fell in the bathroom',
  location: 'Pune',
};
