import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, startAppProcess, type AppProcess } from '../support/app-process.js';
import { processEnv, rawRequest } from '../support/durability.js';
import { LocusGraphStandIn } from '../support/locusgraph-standin.js';

/**
 * Crash durability: writes of several record types at a steady rate, a ledger of every write the API
 * acknowledged (2xx), SIGKILL at a random moment, restart on the same DATA_DIR — every acknowledged write must
 * be readable, have its access-log entry, and both SQLite files must pass `PRAGMA integrity_check`. Replication to LocusGraph cloud (the
 * stand-in) is on, so the outbox is written in the same transactions: after the last restart it must drain
 * and the stand-in must hold every acknowledged record. Then the stand-in is the one that dies, repeatedly,
 * while writes go on: no API error, and replication catches up.
 */

type Kind = 'vitals' | 'food' | 'water' | 'medication_log' | 'mood';
interface Ack {
  kind: Kind;
  id: string;
  /** A value the record must still carry. */
  field: string;
  value: unknown;
}

const WRITES: Record<
  Kind,
  { path: string; body: (n: number, ctx: { medicationId: string }) => object; field: string }
> = {
  vitals: { path: '/api/vitals', body: (n) => ({ heart_rate: 40 + (n % 150) }), field: 'heart_rate' },
  food: {
    path: '/api/food-logs',
    body: (n) => ({ description: `crash-food-${n}`, meal_type: 'snack' }),
    field: 'description',
  },
  water: { path: '/api/tracking/water/log', body: (n) => ({ amount_ml: 100 + n }), field: 'amount_ml' },
  medication_log: {
    path: '/api/medication/log',
    body: (n, c) => ({ medication_id: c.medicationId, notes: `dose-${n}` }),
    field: 'notes',
  },
  mood: {
    path: '/api/tracking/mood/log',
    body: (n) => ({ mood: 'good', energy_level: 'high', notes: `mood-${n}` }),
    field: 'notes',
  },
};
const KINDS = Object.keys(WRITES) as Kind[];
/** Context types of the records as stored (export `type`). */
const TYPE_OF: Record<Kind, string> = {
  vitals: 'vitals',
  food: 'food',
  water: 'water',
  medication_log: 'med_log',
  mood: 'mood',
};

/**
 * Sends writes at a steady pace (one every `everyMs`, at most `concurrency` in flight) until `stop()`,
 * recording the acknowledged ones. Transport errors and non-2xx answers are counted, not recorded.
 */
function driveWrites(
  base: string,
  auth: Record<string, string>,
  ctx: { medicationId: string },
  start: number,
  everyMs = 15,
  concurrency = 8,
) {
  const acked: Ack[] = [];
  const failed: string[] = [];
  let n = start;
  let inFlight = 0;
  let stopped = false;
  const pending = new Set<Promise<void>>();
  const timer = setInterval(() => {
    if (stopped || inFlight >= concurrency) return;
    const i = n++;
    const kind = KINDS[i % KINDS.length];
    const w = WRITES[kind];
    const body = w.body(i, ctx) as Record<string, unknown>;
    inFlight++;
    const p = rawRequest(base, 'POST', w.path, { headers: auth, body })
      .then((res) => {
        if (res.status >= 200 && res.status < 300) {
          const rec = JSON.parse(res.body) as { id: string };
          acked.push({ kind, id: rec.id, field: w.field, value: body[w.field] });
        } else failed.push(`${w.path} → ${res.status} ${res.body}`);
      })
      .catch((e: NodeJS.ErrnoException) => void failed.push(`${w.path} → ${e.code ?? e.message}`))
      .finally(() => {
        inFlight--;
        pending.delete(p);
      });
    pending.add(p);
  }, everyMs);
  return {
    acked,
    failed,
    next: () => n,
    async stop(): Promise<void> {
      stopped = true;
      clearInterval(timer);
      await Promise.allSettled(pending);
    },
  };
}

/** Record ids with a 'create' entry in the access log (read from the file as the crash left it). */
function loggedCreates(file: string): Set<string> {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const ids = db
      .prepare("SELECT record_id FROM access_log WHERE operation = 'create'")
      .pluck()
      .all() as string[];
    return new Set(ids);
  } finally {
    db.close();
  }
}

function integrity(file: string): string {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (db.pragma('integrity_check') as { integrity_check: string }[])
      .map((r) => r.integrity_check)
      .join('; ');
  } finally {
    db.close();
  }
}

/** Proves every acknowledged write is readable: by id where the API has a GET by id, all of them in the export. */
async function verifyLedger(base: string, auth: Record<string, string>, ledger: Ack[]): Promise<string[]> {
  const lost: string[] = [];
  const exp = await rawRequest(base, 'GET', '/api/auth/me/export', { headers: auth, timeoutMs: 60_000 });
  expect(exp.status).toBe(200);
  const records = (
    JSON.parse(exp.body) as { records: { type: string; id: string; payload: Record<string, unknown> }[] }
  ).records;
  const byContext = new Map(records.map((r) => [`${r.type}:${r.id}`, r]));
  for (const a of ledger) {
    const r = byContext.get(`${TYPE_OF[a.kind]}:${a.id}`);
    if (!r) lost.push(`${a.kind} ${a.id} missing from the export`);
    else if (r.payload[a.field] !== a.value)
      lost.push(`${a.kind} ${a.id}: ${a.field}=${String(r.payload[a.field])}`);
  }
  for (const a of ledger.filter((x) => x.kind === 'vitals' || x.kind === 'food')) {
    const path = a.kind === 'vitals' ? `/api/vitals/${a.id}` : `/api/food-logs/${a.id}`;
    const res = await rawRequest(base, 'GET', path, { headers: auth });
    if (res.status !== 200 || JSON.parse(res.body)[a.field] !== a.value)
      lost.push(`GET ${path} → ${res.status}`);
  }
  return lost;
}

async function waitFor(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function outboxDepth(base: string): Promise<number | undefined> {
  const res = await rawRequest(base, 'GET', '/health');
  const text = res.body;
  const m = /"outbox_depth":\s*(\d+)/.exec(text);
  return m ? Number(m[1]) : undefined;
}

describe('crash durability (node dist/main.js, SIGKILL, restart on the same DATA_DIR)', () => {
  let standin: LocusGraphStandIn;
  let dataDir: string;
  let env: Record<string, string>;
  let app: AppProcess | null = null;
  let auth: Record<string, string>;
  const ctx = { medicationId: '' };
  const ledger: Ack[] = [];
  let n = 0;

  beforeAll(async () => {
    ensureBuilt();
    standin = await LocusGraphStandIn.start({ rateLimits: false });
    dataDir = mkdtempSync(join(tmpdir(), 'podd-crash-'));
    env = processEnv(dataDir, {
      JWT_SECRET: randomBytes(32).toString('hex'),
      LOCUSGRAPH_API_URL: standin.url,
      LOCUSGRAPH_API_KEY: LocusGraphStandIn.DEFAULT_KEY,
      LOCUSGRAPH_GRAPH_ID: LocusGraphStandIn.DEFAULT_GRAPH,
    });
    app = await startAppProcess('crash', env);
    const reg = await rawRequest(app.url, 'POST', '/api/auth/register', {
      body: { email: 'crash@example.com', password: 'long-enough-password', name: 'Crash' },
    });
    expect(reg.status).toBe(201);
    auth = { authorization: `Bearer ${JSON.parse(reg.body).access_token}` };
    const med = await rawRequest(app.url, 'POST', '/api/medication', {
      headers: auth,
      body: { name: 'Metformin', dosage: '500mg', frequency: 'twice daily' },
    });
    expect(med.status).toBe(201);
    ctx.medicationId = JSON.parse(med.body).id;
  }, 90_000);

  afterAll(async () => {
    if (app) await app.stop(5000);
    await standin?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const ROUNDS = 4;
  it(
    `${ROUNDS} rounds of kill -9 under load: every acknowledged write survives, no file is corrupt`,
    { timeout: 240_000 },
    async () => {
      for (let round = 1; round <= ROUNDS; round++) {
        const load = driveWrites(app!.url, auth, ctx, n);
        // A random moment once the load is steady.
        await new Promise((r) => setTimeout(r, 1500 + Math.floor(Math.random() * 2500)));
        app!.proc.kill('SIGKILL');
        await load.stop();
        n = load.next();
        await new Promise<void>((r) =>
          app!.proc.exitCode !== null || app!.proc.signalCode ? r() : app!.proc.once('exit', () => r()),
        );
        ledger.push(...load.acked);
        expect(load.acked.length, `round ${round}: writes acknowledged before the kill`).toBeGreaterThan(10);
        // The files as the crash left them.
        expect(integrity(join(dataDir, 'locusgraph.db')), `round ${round} event store`).toBe('ok');
        expect(integrity(join(dataDir, 'podd_auth.db')), `round ${round} auth db`).toBe('ok');
        // The access log is committed before each response: every acknowledged write has its entry.
        const logged = loggedCreates(join(dataDir, 'podd_auth.db'));
        expect(
          ledger.filter((a) => !logged.has(a.id)).map((a) => a.id),
          `round ${round}: acknowledged writes missing from the access log`,
        ).toEqual([]);
        app = await startAppProcess(`crash-${round}`, env);
        const lost = await verifyLedger(app.url, auth, ledger);
        expect(lost, `round ${round}`).toEqual([]);
      }
      console.log(
        `crash durability: ${ROUNDS} kill -9 rounds, ${ledger.length} acknowledged writes checked, 0 lost`,
      );
      // The outbox survived the crashes and drains: the cloud copy holds every acknowledged record.
      await waitFor(
        'the outbox to drain',
        async () =>
          (await outboxDepth(app!.url)) === 0 &&
          ledger.every((a) => standin.memory(`${TYPE_OF[a.kind]}:${a.id}`)),
        90_000,
      );
      expect(integrity(join(dataDir, 'locusgraph.db'))).toBe('ok');
    },
  );

  it(
    'the LocusGraph stand-in dies repeatedly under load: no API error, replication catches up',
    { timeout: 180_000 },
    async () => {
      const load = driveWrites(app!.url, auth, ctx, n, 20, 4);
      for (let i = 0; i < 3; i++) {
        await new Promise((r) => setTimeout(r, 800 + Math.floor(Math.random() * 800)));
        await standin.down();
        await new Promise((r) => setTimeout(r, 1500 + Math.floor(Math.random() * 1500)));
        await standin.up();
      }
      await new Promise((r) => setTimeout(r, 500));
      await load.stop();
      n = load.next();
      expect(load.failed).toEqual([]);
      expect(load.acked.length).toBeGreaterThan(50);
      ledger.push(...load.acked);
      expect(await verifyLedger(app!.url, auth, load.acked)).toEqual([]);
      await waitFor(
        'replication to catch up',
        async () =>
          (await outboxDepth(app!.url)) === 0 &&
          load.acked.every((a) => standin.memory(`${TYPE_OF[a.kind]}:${a.id}`)),
        120_000,
      );
      for (const a of load.acked) {
        const m = standin.memory(`${TYPE_OF[a.kind]}:${a.id}`);
        expect(JSON.stringify(m?.payload ?? null)).toContain(JSON.stringify(a.value));
      }
      console.log(
        `stand-in outages: 3 rounds, ${load.acked.length} writes acknowledged, 0 API errors, all replicated`,
      );
    },
  );
});
