#!/usr/bin/env node
// CPU cost per request of Podd's hot routes, for quick A/B work on a shared machine: main-thread CPU time
// divided by requests served is steadier under other load than req/s. Compares builds in the same run.
//
//   npm run build && node bench/cpu-cost.mjs [--dist dist,dist-old] [--duration 5] [--rounds 2] [--profile]
//
// - A data dir is prepared once (reader with 100,000 vitals records, writer, tokens) under $TMPDIR/podd-cpu-cost
//   and reused by later runs (delete it after a change of the stored format).
// - For each build and route (POST /api/vitals, GET /api/vitals?limit=100, GET /api/auth/me): autocannon at
//   50 connections, req/s, p99, main-thread CPU µs per request (bench/probe.mjs), alternating builds per round.
// - --profile: the top self time of each route for the first build; the V8 profile in $TMPDIR/podd-<route>.cpuprofile.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cannon, median, PORT_BASE, probe, ROOT, startServer, stop } from './lib.mjs';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const DISTS = arg('dist', 'dist').split(',');
const DURATION = Number(arg('duration', 5));
const ROUNDS = Number(arg('rounds', 2));
const PROFILE = process.argv.includes('--profile');
const ROUTES = arg('routes', 'post,get,me').split(',');
const PORT = PORT_BASE + 150;
const DATA = join(tmpdir(), 'podd-cpu-cost');
const SECRET = 'cpu-cost-secret-0123456789abcdef0123456789abcdef';
const log = (...a) => console.error('[cpu-cost]', ...a);

const env = (probeDir) => ({
  NODE_ENV: 'production',
  JWT_SECRET: SECRET,
  LOG_LEVEL: 'warn',
  RATE_LIMIT_PER_MINUTE: '1000000',
  DATA_DIR: DATA,
  PORT: String(PORT),
  HOST: '127.0.0.1',
  PODD_PROBE_DIR: probeDir,
  ...(PROFILE ? { PODD_PROBE_RAW: '1' } : {}),
});
const base = `http://127.0.0.1:${PORT}`;
const boot = (dist, probeDir) =>
  startServer(process.execPath, ['--import', './bench/probe.mjs', `${dist}/main.js`], {
    env: env(probeDir),
    url: `${base}/health/live`,
  });


async function register(email) {
  const res = await fetch(`${base}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'bench-password-123', name: 'Bench' }),
  });
  const body = await res.json();
  const me = await (await fetch(`${base}/api/auth/me`, { headers: { authorization: `Bearer ${body.access_token}` } })).json();
  return { id: me.id, token: body.access_token };
}

async function prepare(probeDir) {
  const file = join(DATA, 'bench-users.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  mkdirSync(DATA, { recursive: true });
  let p = await boot(DISTS[0], probeDir);
  const users = { reader: await register('reader@bench.example'), writer: await register('writer@bench.example') };
  await stop(p);
  const { loadConfig } = await import(pathToFileURL(join(ROOT, DISTS[0], 'config/app-config.js')).href);
  const { openEventStore } = await import(pathToFileURL(join(ROOT, DISTS[0], 'locusgraph/embedded/open-event-store.js')).href);
  const store = await openEventStore(loadConfig(env(probeDir)), { replicate: false });
  const now = Date.now();
  for (let i = 0; i < 100_000; i += 1000) {
    const reqs = [];
    for (let j = i; j < i + 1000; j++) {
      const at = new Date(now - 60 * 86400_000 + j * 51_840);
      const payload = { blood_pressure_systolic: 110 + (j % 40), blood_pressure_diastolic: 70 + (j % 25), heart_rate: 60 + (j % 40), blood_sugar: 90 + (j % 60), fasting: j % 3 === 0, temperature: 36.5, weight_kg: 64.2, spo2: 95 + (j % 5), logged_at: at.toISOString(), user_id: users.reader.id };
      reqs.push({ contextId: `vitals:${j.toString(16).padStart(12, '0')}`, userId: users.reader.id, kind: 'observation', source: 'user', occurredAt: at, payload });
    }
    await store.storeMany(reqs);
  }
  await store.close();
  writeFileSync(file, JSON.stringify(users));
  return users;
}

const probeDir = mkdtempSync(join(tmpdir(), 'podd-cpu-cost-probe-'));
const users = await prepare(probeDir);
const targets = {
  post: { url: `${base}/api/vitals`, method: 'POST', headers: { authorization: `Bearer ${users.writer.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ blood_pressure_systolic: 124, blood_pressure_diastolic: 82, heart_rate: 72 }) },
  get: { url: `${base}/api/vitals?limit=100`, headers: { authorization: `Bearer ${users.reader.token}` } },
  me: { url: `${base}/api/auth/me`, headers: { authorization: `Bearer ${users.reader.token}` } },
};
const results = {};
for (let r = 0; r < ROUNDS; r++) {
  for (const dist of r % 2 ? [...DISTS].reverse() : DISTS) {
    const p = await boot(dist, probeDir);
    try {
      for (const route of ROUTES) {
        await cannon({ ...targets[route], duration: 2 }); // warm-up
        await probe(p, probeDir, 'profile-start');
        const res = await cannon({ ...targets[route], duration: DURATION });
        const prof = await probe(p, probeDir, 'profile-stop');
        const cpuUs = (prof.mainThreadBusy * DURATION * 1e6) / res.requests.total;
        const bad = res.non2xx + res.errors + res.timeouts;
        (results[`${route} ${dist}`] ??= []).push({ rps: res.requests.average, p99: res.latency.p99, cpuUs });
        log(`${route} ${dist}: ${res.requests.average.toFixed(0)} req/s, p99 ${res.latency.p99} ms, ${cpuUs.toFixed(0)} µs CPU/req, idle ${(prof.idle * 100).toFixed(1)} %, bad ${bad}`);
        // A cost per failed request is not the route's cost (e.g. the saved tokens expired: 60 minutes by default).
        if (bad > res.requests.total / 100) {
          await stop(p);
          throw new Error(`${route} ${dist}: ${bad} of ${res.requests.total} requests failed; delete ${DATA} to register fresh users`);
        }
        if (PROFILE && r === 0 && dist === DISTS[0]) {
          cpSync(join(probeDir, 'last.cpuprofile'), join(tmpdir(), `podd-${route}.cpuprofile`));
          log(prof.top.slice(0, 15).map((t) => `${t.name} ${(t.share * 100).toFixed(1)}`).join('\n    '));
        }
      }
    } finally {
      await stop(p);
    }
  }
}
for (const [k, rs] of Object.entries(results))
  console.log(`${k.padEnd(24)} ${median(rs.map((x) => x.rps)).toFixed(0).padStart(6)} req/s  p99 ${String(median(rs.map((x) => x.p99))).padStart(5)} ms  ${median(rs.map((x) => x.cpuUs)).toFixed(0).padStart(5)} µs CPU/req`);
rmSync(probeDir, { recursive: true, force: true });
