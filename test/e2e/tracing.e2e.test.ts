import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireService } from '../support/app.js';
import { ensureBuilt, startAppProcess, type AppProcess } from '../support/app-process.js';
import { processEnv } from '../support/durability.js';
import { createTempDatabase } from '../support/postgres.js';
import { StandInServer } from '../support/stand-in-server.js';

/**
 * OpenTelemetry end to end: `node dist/main.js` with the standard OTEL_* variables pointing at a stand-in
 * OTLP/HTTP collector (JSON encoding, the exporter's real wire format). One POST /api/vitals must arrive as
 * the span tree HTTP server span → locusgraph.store (gateway) → eventstore.store (the store's transaction),
 * and its trace id must be in the response headers and in the log line of the request. On PostgreSQL + Redis
 * (when TEST_DATABASE_URL and TEST_REDIS_URL are set, as in CI) the store span has the pg query spans as
 * children and the request has ioredis spans: the ESM loader hook instruments the app's own imports.
 */

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: Record<string, unknown> }[];
}
interface OtlpExport {
  resourceSpans: {
    resource: { attributes: { key: string; value: { stringValue?: string } }[] };
    scopeSpans: { spans: OtlpSpan[] }[];
  }[];
}

const collector = new StandInServer(() => ({ status: 200, body: {} }));
let app: AppProcess;
let dataDir: string;

const spans = (): OtlpSpan[] =>
  collector.requests
    .filter((r) => r.path === '/v1/traces')
    .flatMap((r) =>
      (r.body as OtlpExport).resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((s) => s.spans)),
    );

const attr = (s: OtlpSpan, key: string): unknown => {
  const v = s.attributes.find((a) => a.key === key)?.value;
  return v ? Object.values(v)[0] : undefined;
};

async function register(email: string): Promise<string> {
  const reg = await call('POST', '/api/auth/register', { email, password: 'a-long-password', name: 'Trace' });
  expect(reg.status).toBe(201);
  return ((await reg.json()) as { access_token: string }).access_token;
}

/** POSTs one vitals record and waits for its trace's store span; returns the trace's spans. */
async function tracedVitalsPost(token: string): Promise<{ traceId: string; tree: OtlpSpan[] }> {
  const res = await call('POST', '/api/vitals', { heart_rate: 72, logged_at: '2026-03-01T08:00:00Z' }, token);
  expect(res.status).toBe(201);
  const traceId = res.headers.get('x-trace-id') ?? '';
  expect(traceId).toMatch(/^[0-9a-f]{32}$/);
  // Spans are batched (OTEL_BSP_SCHEDULE_DELAY): wait for the store span of this trace.
  const inTrace = (): OtlpSpan[] => spans().filter((s) => s.traceId === traceId);
  for (let i = 0; i < 100 && !inTrace().some((s) => s.name === 'eventstore.store'); i++)
    await new Promise((r) => setTimeout(r, 100));
  return { traceId, tree: inTrace() };
}

const otelEnv = {
  OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
  OTEL_SERVICE_NAME: 'podd-under-test',
  OTEL_TRACES_SAMPLER: 'always_on',
  OTEL_BSP_SCHEDULE_DELAY: '200',
};

async function call(method: string, path: string, body?: unknown, token?: string): Promise<Response> {
  return fetch(`${app.url}${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

beforeAll(() => collector.start());
afterAll(() => collector.close());

describe('OpenTelemetry tracing (OTEL_EXPORTER_OTLP_ENDPOINT set)', () => {
  beforeAll(async () => {
    ensureBuilt();
    dataDir = mkdtempSync(join(tmpdir(), 'podd-tracing-'));
    app = await startAppProcess(
      'tracing',
      processEnv(dataDir, {
        LOG_LEVEL: 'info',
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
        ...otelEnv,
      }),
    );
  }, 90_000);
  afterAll(async () => {
    await app?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('exports server → gateway → store spans for POST /api/vitals, with the trace id in headers and logs', async () => {
    const reg = await call('POST', '/api/auth/register', {
      email: 'trace@example.com',
      password: 'a-long-password',
      name: 'Trace',
    });
    expect(reg.status).toBe(201);
    const token = ((await reg.json()) as { access_token: string }).access_token;

    const res = await call(
      'POST',
      '/api/vitals',
      { heart_rate: 72, logged_at: '2026-03-01T08:00:00Z' },
      token,
    );
    expect(res.status).toBe(201);
    const traceId = res.headers.get('x-trace-id');
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(res.headers.get('x-request-id')).toBeTruthy();

    // Spans are batched (OTEL_BSP_SCHEDULE_DELAY): wait for the store span of this trace.
    const inTrace = (): OtlpSpan[] => spans().filter((s) => s.traceId === traceId);
    for (let i = 0; i < 100 && !inTrace().some((s) => s.name === 'eventstore.store'); i++)
      await new Promise((r) => setTimeout(r, 100));

    const tree = inTrace();
    const server = tree.find((s) => s.kind === 2 && !s.parentSpanId);
    expect(server, JSON.stringify(tree.map((s) => s.name))).toBeDefined();
    expect(server!.name).toBe('POST /api/vitals');
    expect(Number(attr(server!, 'http.response.status_code'))).toBe(201);
    const gateway = tree.find((s) => s.name === 'locusgraph.store');
    const store = tree.find((s) => s.name === 'eventstore.store');
    expect(gateway?.parentSpanId).toBe(server!.spanId);
    expect(store?.parentSpanId).toBe(gateway!.spanId);
    expect(gateway!.attributes).toContainEqual({ key: 'podd.record_type', value: { stringValue: 'vitals' } });
    // No payload or ids in span attributes: the heart rate must not be in anything exported.
    expect(JSON.stringify(tree)).not.toContain('"intValue":72');

    const resource = (collector.requests[0].body as OtlpExport).resourceSpans[0].resource.attributes;
    expect(resource).toContainEqual({ key: 'service.name', value: { stringValue: 'podd-under-test' } });

    // The request's log line carries the same trace id.
    const line = app
      .output()
      .split('\n')
      .filter((l) => l.includes('"route":"/api/vitals"'))
      .map((l) => JSON.parse(l) as { trace_id?: string; method: string })
      .find((l) => l.method === 'POST');
    expect(line?.trace_id).toBe(traceId);
  });

  it('puts the trace id on error responses too, and continues a caller’s traceparent', async () => {
    const parent = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await fetch(`${app.url}/api/vitals`, {
      headers: { traceparent: `00-${parent}-00f067aa0ba902b7-01` },
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('x-trace-id')).toBe(parent);
    expect(res.headers.get('x-request-id')).toBeTruthy();
  });

  it('does not trace probes and scrapes', async () => {
    const res = await fetch(`${app.url}/health`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-trace-id')).toBeNull();
  });
});

const adminUrl = requireService('TEST_DATABASE_URL');
const redisUrl = requireService('TEST_REDIS_URL');

describe.runIf(adminUrl && redisUrl)('OpenTelemetry tracing on PostgreSQL + Redis', () => {
  let db: Awaited<ReturnType<typeof createTempDatabase>>;
  let pgApp: AppProcess;
  let dir: string;
  beforeAll(async () => {
    ensureBuilt();
    db = await createTempDatabase(adminUrl!, 'podd_tracing');
    dir = mkdtempSync(join(tmpdir(), 'podd-tracing-pg-'));
    pgApp = await startAppProcess(
      'tracing-pg',
      processEnv(dir, {
        DATABASE_URL: db.url,
        REDIS_URL: redisUrl!,
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
        ...otelEnv,
      }),
    );
    app = pgApp; // call() talks to this instance now
  }, 90_000);
  afterAll(async () => {
    await pgApp?.stop();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the store span has pg query children, and Redis commands are traced', async () => {
    const { tree } = await tracedVitalsPost(await register('trace-pg@example.com'));
    const store = tree.find((s) => s.name === 'eventstore.store')!;
    expect(store).toBeDefined();
    const queries = tree.filter(
      (s) => s.parentSpanId === store.spanId && attr(s, 'db.system.name') === 'postgresql',
    );
    expect(queries.length).toBeGreaterThan(0);
    expect(tree.some((s) => attr(s, 'db.system.name') === 'redis')).toBe(true);
  });
});
