import { randomBytes } from 'node:crypto';
import { request as httpRequest, type Agent } from 'node:http';

/**
 * Helpers for the durability suites (test/durability): the environment of a `node dist/main.js` test server
 * (start it with startAppProcess from app-process.ts) and raw HTTP requests that report transport failures
 * (connection reset/refused) as errors with their code, so a test can tell "answered 503" from "reset".
 */

/** Environment of a test server: fast bcrypt, generous limits, quiet logs. Merge your own over it. */
export function processEnv(dataDir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    JWT_SECRET: randomBytes(32).toString('hex'),
    BCRYPT_COST: '4',
    RATE_LIMIT_PER_MINUTE: '100000',
    LOG_LEVEL: 'warn',
    ...extra,
  };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * One HTTP request on its own keep-alive agent, reporting transport failures (ECONNRESET, ECONNREFUSED…) as
 * rejected promises with their error code, so tests can tell "answered 503" from "connection reset".
 */
export function rawRequest(
  base: string,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: unknown; agent?: Agent; timeoutMs?: number } = {},
): Promise<RawResponse> {
  const url = new URL(path, base);
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((ok, fail) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method,
        agent: options.agent,
        headers: {
          ...(body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}),
          ...options.headers,
        },
        timeout: options.timeoutMs ?? 30_000,
      },
      (res) => {
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (data += c));
        res.on('end', () => ok({ status: res.statusCode ?? 0, headers: res.headers, body: data }));
        res.on('error', fail);
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', fail);
    if (body) req.write(body);
    req.end();
  });
}

/** Registers a user over HTTP and returns its bearer header. */
export async function registerOver(
  base: string,
  email: string,
): Promise<{ id: string; auth: Record<string, string> }> {
  const reg = await rawRequest(base, 'POST', '/api/auth/register', {
    body: { email, password: 'long-enough-password', name: 'Durability' },
  });
  if (reg.status !== 201) throw new Error(`register: ${reg.status} ${reg.body}`);
  const auth = { authorization: `Bearer ${JSON.parse(reg.body).access_token}` };
  const me = await rawRequest(base, 'GET', '/api/auth/me', { headers: auth });
  return { id: JSON.parse(me.body).id, auth };
}
