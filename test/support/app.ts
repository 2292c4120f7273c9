import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import pino from 'pino';
import request from 'supertest';
import { afterAll, beforeAll } from 'vitest';
import { createApp } from '../../src/app.factory.js';
import { loadConfig, type AppConfig } from '../../src/config/app-config.js';

type TestAgent = ReturnType<typeof request>;

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  dataDir: string;
  /** supertest bound to the app's HTTP server. */
  http: TestAgent;
  /** Lines the app logged (JSON strings), for log-hygiene assertions. */
  logs: string[];
  /** Requests as `user` (its bearer token set; the body, when given, sent as JSON or as is for a string). */
  as(user: TestUser): UserAgent;
  close(): Promise<void>;
}

type PendingRequest = ReturnType<TestAgent['get']>;
type Verb = 'get' | 'post' | 'put' | 'patch' | 'delete';
export type UserAgent = Record<Verb, (path: string, body?: string | object) => PendingRequest>;

export interface TestAppOptions {
  /** Extra or overriding environment variables. */
  env?: Record<string, string>;
  /** Reuse an existing DATA_DIR (restart tests); it is then not deleted on close. */
  dataDir?: string;
}

/**
 * Boots the whole application on real SQLite files in a temporary DATA_DIR (nothing mocked), ready for
 * supertest. Defaults: fast bcrypt, a generous rate limit, logs captured in memory.
 */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'podd-test-'));
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    JWT_SECRET: randomBytes(32).toString('hex'),
    BCRYPT_COST: '4',
    RATE_LIMIT_PER_MINUTE: '10000',
    LOG_LEVEL: 'info',
    ...options.env,
  };
  const config = loadConfig(env);
  const logs: string[] = [];
  const logger = pino({ level: config.logLevel }, { write: (line: string) => void logs.push(line) });
  const app = await createApp(config, { logger });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const http = request(app.getHttpServer());
  return {
    app,
    config,
    dataDir,
    http,
    logs,
    as: (user) => {
      const call = (verb: Verb) => (path: string, body?: string | object) => {
        const req = http[verb](path).set(user.auth);
        return body === undefined ? req : req.send(body);
      };
      return {
        get: call('get'),
        post: call('post'),
        put: call('put'),
        patch: call('patch'),
        delete: call('delete'),
      };
    },
    close: async () => {
      await app.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface TestUser {
  id: string;
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
  /** `{ Authorization: 'Bearer …' }` for supertest's `.set()`. */
  auth: { Authorization: string };
}

let counter = 0;

/** Registration fields a test may choose (the rest are generated). */
export interface UserFields {
  email?: string;
  password?: string;
  name?: string;
}

/** Registers a fresh user through the API and returns its tokens. */
export async function registerUser(t: TestApp, overrides: UserFields = {}): Promise<TestUser> {
  const email = overrides.email ?? `user${Date.now()}${counter++}@example.com`;
  const password = overrides.password ?? 'correct horse battery';
  const res = await t.http
    .post('/api/auth/register')
    .send({ email, password, name: overrides.name ?? 'Test User' });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
  const me = await t.http.get('/api/auth/me').set('Authorization', `Bearer ${res.body.access_token}`);
  return {
    id: me.body.id,
    email,
    password,
    accessToken: res.body.access_token,
    refreshToken: res.body.refresh_token,
    auth: { Authorization: `Bearer ${res.body.access_token}` },
  };
}

/**
 * A stand-in for a value a suite creates in `beforeAll`: reading any property forwards to `get()`, so the suite
 * can name it at collection time (`const { t, u } = appSuite()`) and use it unchanged inside its tests.
 */
export function late<T extends object>(get: () => T | undefined, what: string): T {
  const real = (): T => {
    const v = get();
    if (!v) throw new Error(`${what} is read before the suite's beforeAll ran`);
    return v;
  };
  return new Proxy({} as T, {
    get(_, key) {
      const v = real();
      const out = Reflect.get(v, key, v) as unknown;
      return typeof out === 'function' ? (out as (...a: unknown[]) => unknown).bind(v) : out;
    },
    set: (_, key, value) => Reflect.set(real(), key, value),
    has: (_, key) => Reflect.has(real(), key),
    ownKeys: () => Reflect.ownKeys(real()),
    getOwnPropertyDescriptor: (_, key) => {
      const d = Reflect.getOwnPropertyDescriptor(real(), key);
      return d && { ...d, configurable: true };
    },
  });
}

export interface AppSuite {
  /** The suite's app (started before the suite's tests, closed after them). */
  t: TestApp;
  /** The first registered user. */
  u: TestUser;
  /** All registered users, in order (`const { t, users: [a, b] } = appSuite({ users: 2 })`). */
  users: TestUser[];
}

export interface AppSuiteOptions {
  /** Extra environment; a function is called in beforeAll (for values known only then, e.g. a stand-in's port). */
  env?: Record<string, string> | (() => Record<string, string>);
  /** How many users to register (default 1), or each one's registration fields. */
  users?: number | UserFields[];
}

/**
 * For a suite: one test app (createTestApp with `env`) started in beforeAll with `users` fresh users, closed in
 * afterAll. Further beforeAll hooks of the suite run after it and can seed data.
 */
export function appSuite(options: AppSuiteOptions = {}): AppSuite {
  const { users: wanted = 1, env } = options;
  const fields = typeof wanted === 'number' ? Array.from({ length: wanted }, () => ({})) : wanted;
  const count = fields.length;
  const state: { t?: TestApp; users: TestUser[] } = { users: [] };
  beforeAll(async () => {
    state.t = await createTestApp({ env: typeof env === 'function' ? env() : env });
    for (const f of fields) state.users.push(await registerUser(state.t, f));
  });
  afterAll(async () => {
    await state.t?.close();
  });
  const users = Array.from({ length: count }, (_, i) => late(() => state.users[i], `user ${i}`));
  return { t: late(() => state.t, 'the test app'), u: users[0], users };
}

/** True when a suite that needs an external service must run: in CI a missing service is a failure, not a skip. */
export function requireService(envName: string): string | undefined {
  const v = process.env[envName];
  if (!v && process.env.CI === 'true') {
    throw new Error(`${envName} is not set: CI must start this service (see .ci/run)`);
  }
  return v;
}

/**
 * For a suite: appSuite wired to a stand-in server (`env` from the started stand-in). The stand-in starts
 * before the app and closes after it; `standIn` reads like `t` (use it inside the tests). No users by default.
 */
export function appWithStandIn<S extends { close(): Promise<void> }>(
  start: () => Promise<S>,
  env: (standIn: S) => Record<string, string>,
  options: Omit<AppSuiteOptions, 'env'> = {},
): AppSuite & { standIn: S } {
  const box: { standIn?: S } = {};
  beforeAll(async () => {
    box.standIn = await start();
  });
  afterAll(async () => {
    await box.standIn?.close();
  });
  const suite = appSuite({ users: 0, ...options, env: () => env(box.standIn!) });
  return { ...suite, standIn: late(() => box.standIn, 'the stand-in') };
}

/**
 * Starts `count` apps as replicas of one deployment: `env(i)` names the shared stores; every replica signs
 * tokens with the first one's secret. Each app is pushed onto `into` as it starts (close them there).
 */
export async function startReplicas(
  count: number,
  env: (i: number) => Record<string, string>,
  into: TestApp[] = [],
): Promise<TestApp[]> {
  for (let i = 0; i < count; i++) {
    const secret: Record<string, string> = into[0] ? { JWT_SECRET: into[0].config.jwt.secret } : {};
    into.push(await createTestApp({ env: { ...env(i), ...secret } }));
  }
  return into;
}

/** For a suite: startReplicas in beforeAll, each closed (last first) in afterAll; read them inside the tests. */
export function replicaSuite(count: number, env: (i: number) => Record<string, string>): TestApp[] {
  const apps: TestApp[] = [];
  beforeAll(async () => {
    await startReplicas(count, env, apps);
  });
  afterAll(async () => {
    for (const app of apps.splice(0).reverse()) await app.close();
  });
  return Array.from({ length: count }, (_, i) => late(() => apps[i], `replica ${i}`));
}

/** A CORS preflight of a POST to `path` from `origin`, asking for `headers` when given. */
export function preflight(t: TestApp, path: string, origin: string, headers?: string): PendingRequest {
  const req = t.http.options(path).set('Origin', origin).set('Access-Control-Request-Method', 'POST');
  return headers ? req.set('Access-Control-Request-Headers', headers) : req;
}

/** A streamed response (the account export is a download) read whole as UTF-8 text into `res.body`. */
export function wholeText(req: PendingRequest): PendingRequest {
  return req.buffer(true).parse((res, cb) => {
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => (text += chunk));
    res.on('end', () => cb(null, text));
  });
}
