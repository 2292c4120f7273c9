#!/usr/bin/env node
// Health-data benchmark: Podd vs the raw ceiling (bench/ceiling), side by side in the same run.
//
//   npm run build && node bench/health-data.mjs [--duration 10] [--connections 50] [--rounds 3] [--ceiling DIR]
//
// - Ceiling: copied to a temp dir (or --ceiling DIR / CEILING_DIR reused when it already holds run.db,
//   tokens.txt and node_modules), `npm install`, 1M events (1,000 users × 1,000), tokens.
// - Podd: started from dist/ with NODE_ENV=production, a strong JWT_SECRET, LOG_LEVEL=warn and a very high
//   RATE_LIMIT_PER_MINUTE. One user is pre-filled with 100,000 vitals records through the event-store driver
//   directly (not HTTP); another user receives the POSTs.
// - Pairs, alternating within each round: POST /api/vitals vs POST /events; GET /api/vitals?limit=100 vs
//   GET /events?type=hr. Same autocannon connections and duration. Medians of the rounds.
// - Writes bench/results/health-data.md (figures table; the analysis notes below the marker are kept).
import { spawn, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import autocannon from 'autocannon';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const DURATION = Number(arg('duration', 10));
const CONNECTIONS = Number(arg('connections', 50));
const ROUNDS = Number(arg('rounds', 3));
const PREFILL = Number(arg('prefill', 100_000));
const CEILING_PORT = 3100;
const PODD_PORT = 3200;

const log = (...a) => console.error('[bench]', ...a);
const sh = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'ignore', 'inherit'] });

// ---------------------------------------------------------------------------------------------- ceiling
function prepareCeiling() {
  const given = arg('ceiling', process.env.CEILING_DIR);
  const dir = given ?? mkdtempSync(join(tmpdir(), 'podd-ceiling-'));
  if (!existsSync(join(dir, 'core.mjs'))) cpSync(resolve(ROOT, 'bench/ceiling'), dir, { recursive: true });
  if (!existsSync(join(dir, 'node_modules/better-sqlite3'))) {
    log('npm install in', dir);
    sh('npm', ['install', '--no-audit', '--no-fund'], dir);
  }
  if (!existsSync(join(dir, 'run.db'))) {
    log('seeding 1M events');
    sh('node', ['seed.mjs', 'run.db', '1000', '1000'], dir);
  }
  if (!existsSync(join(dir, 'tokens.txt'))) sh('node', ['mktokens.mjs', '1000', 'tokens.txt'], dir);
  return dir;
}

async function waitFor(url, p, timeoutMs = 60_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (p.exitCode !== null) throw new Error(`server for ${url} exited (${p.exitCode})`);
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`${url} did not start`);
}

function start(cmd, args, { cwd, env }) {
  return spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
}

function stop(p) {
  return new Promise((res) => {
    if (!p || p.exitCode !== null) return res();
    p.once('exit', () => res());
    p.kill('SIGTERM');
    setTimeout(() => p.kill('SIGKILL'), 10_000).unref();
  });
}

const cannon = (opts) =>
  new Promise((res, rej) => autocannon({ connections: CONNECTIONS, duration: DURATION, ...opts }, (e, r) => (e ? rej(e) : res(r))));

// ------------------------------------------------------------------------------------------------ podd
const PODD_ENV = (dataDir) => ({
  NODE_ENV: 'production',
  JWT_SECRET: randomBytes(32).toString('hex'),
  LOG_LEVEL: 'warn',
  RATE_LIMIT_PER_MINUTE: '1000000',
  DATA_DIR: dataDir,
  PORT: String(PODD_PORT),
  HOST: '127.0.0.1',
});

async function register(base, email) {
  const res = await fetch(`${base}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'bench-password-123', name: 'Bench' }),
  });
  const body = await res.json();
  if (res.status !== 201) throw new Error(`register: ${res.status} ${JSON.stringify(body)}`);
  const me = await (await fetch(`${base}/api/auth/me`, { headers: { authorization: `Bearer ${body.access_token}` } })).json();
  return { id: me.id, token: body.access_token };
}

/** Writes `n` vitals records for a user straight through the embedded driver (same payload shape as the API). */
async function prefill(env, userId, n) {
  const { loadConfig } = await import(pathToFileURL(join(ROOT, 'dist/config/app-config.js')).href);
  const { openEventStore } = await import(pathToFileURL(join(ROOT, 'dist/locusgraph/embedded/open-event-store.js')).href);
  const { newId } = await import(pathToFileURL(join(ROOT, 'dist/common/ids.js')).href);
  const store = await openEventStore(loadConfig(env), { replicate: false });
  const now = Date.now();
  const span = 60 * 86400_000;
  const CHUNK = 1000;
  for (let i = 0; i < n; i += CHUNK) {
    const reqs = [];
    for (let j = i; j < Math.min(n, i + CHUNK); j++) {
      const at = new Date(now - span + Math.floor((j / n) * span));
      reqs.push({
        contextId: `vitals:${newId()}`,
        userId,
        kind: 'observation',
        source: 'user',
        occurredAt: at,
        payload: {
          blood_pressure_systolic: 110 + (j % 40),
          blood_pressure_diastolic: 70 + (j % 25),
          heart_rate: 60 + (j % 40),
          blood_sugar: 90 + (j % 60),
          fasting: j % 3 === 0,
          temperature: 36.5,
          weight_kg: 64.2,
          spo2: 95 + (j % 5),
          logged_at: at.toISOString(),
          user_id: userId,
        },
      });
    }
    await store.storeMany(reqs);
  }
  const count = await store.count({ userId });
  await store.close();
  return count;
}

// ------------------------------------------------------------------------------------------------- run
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  if (!existsSync(join(ROOT, 'dist/main.js'))) throw new Error('run `npm run build` first');
  const ceilingDir = prepareCeiling();
  // GET reads user 1's history; POSTs go to user 2, so the history read stays the seeded ~24 KB page.
  const [ceilingToken, ceilingWriterToken] = readFileSync(join(ceilingDir, 'tokens.txt'), 'utf8').split('\n');
  const dataDir = mkdtempSync(join(tmpdir(), 'podd-bench-'));
  const env = PODD_ENV(dataDir);
  const base = `http://127.0.0.1:${PODD_PORT}`;

  log('podd: registering users');
  let podd = start('node', ['dist/main.js'], { cwd: ROOT, env });
  await waitFor(`${base}/health/live`, podd);
  const reader = await register(base, `reader-${Date.now()}@bench.example`);
  const writer = await register(base, `writer-${Date.now()}@bench.example`);
  await stop(podd);
  log(`podd: pre-filling ${PREFILL} vitals records through the driver`);
  const t0 = Date.now();
  const count = await prefill(env, reader.id, PREFILL);
  log(`podd: ${count} records in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  podd = start('node', ['dist/main.js'], { cwd: ROOT, env });
  const ceiling = start('node', ['servers/b-fastify.mjs'], { cwd: ceilingDir, env: { DB_FILE: 'run.db', PORT: String(CEILING_PORT) } });
  await Promise.all([waitFor(`${base}/health/live`, podd), waitFor(`http://127.0.0.1:${CEILING_PORT}/events`, ceiling)]);

  const targets = {
    post: {
      podd: { url: `${base}/api/vitals`, method: 'POST', headers: { authorization: `Bearer ${writer.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ blood_pressure_systolic: 124, blood_pressure_diastolic: 82, heart_rate: 72 }) },
      ceiling: { url: `http://127.0.0.1:${CEILING_PORT}/events`, method: 'POST', headers: { authorization: `Bearer ${ceilingWriterToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ type: 'hr', value: 72 }) },
    },
    get: {
      podd: { url: `${base}/api/vitals?limit=100`, headers: { authorization: `Bearer ${reader.token}` } },
      ceiling: { url: `http://127.0.0.1:${CEILING_PORT}/events?type=hr`, headers: { authorization: `Bearer ${ceilingToken}` } },
    },
  };
  // Sanity: both answer what we think.
  const check = await fetch(targets.get.podd.url, { headers: targets.get.podd.headers });
  const rows = await check.json();
  if (check.status !== 200 || rows.length !== 100) throw new Error(`podd GET sanity: ${check.status} ${rows.length}`);
  const cCheck = await fetch(targets.get.ceiling.url, { headers: targets.get.ceiling.headers });
  const cRows = await cCheck.json();
  log(`sanity: podd GET ${JSON.stringify(rows).length} bytes, ceiling GET ${JSON.stringify(cRows).length} bytes`);

  // Warm-up.
  for (const op of ['post', 'get']) for (const side of ['ceiling', 'podd']) await cannon({ ...targets[op][side], duration: 3 });

  const results = { post: { podd: [], ceiling: [] }, get: { podd: [], ceiling: [] } };
  for (let r = 0; r < ROUNDS; r++) {
    for (const op of ['post', 'get']) {
      const order = r % 2 === 0 ? ['ceiling', 'podd'] : ['podd', 'ceiling'];
      for (const side of order) {
        const res = await cannon(targets[op][side]);
        const bad = res.non2xx + res.errors + res.timeouts;
        results[op][side].push({ rps: res.requests.average, p99: res.latency.p99, p50: res.latency.p50, bad });
        log(`round ${r + 1} ${op} ${side}: ${res.requests.average.toFixed(0)} req/s, p50 ${res.latency.p50} ms, p99 ${res.latency.p99} ms, non-2xx/errors ${bad}`);
      }
    }
  }
  await Promise.all([stop(podd), stop(ceiling)]);
  rmSync(dataDir, { recursive: true, force: true });

  const summary = {};
  for (const op of ['post', 'get']) {
    const s = {};
    for (const side of ['podd', 'ceiling']) {
      s[side] = { rps: median(results[op][side].map((x) => x.rps)), p50: median(results[op][side].map((x) => x.p50)), p99: median(results[op][side].map((x) => x.p99)), bad: results[op][side].reduce((a, x) => a + x.bad, 0) };
    }
    s.ratio = s.podd.rps / s.ceiling.rps;
    s.p99ratio = s.podd.p99 / s.ceiling.p99;
    summary[op] = s;
  }
  console.log(JSON.stringify({ connections: CONNECTIONS, duration: DURATION, rounds: ROUNDS, prefill: count, summary, results }, null, 2));
  writeReport(summary, count);
}

function writeReport(s, count) {
  const file = join(ROOT, 'bench/results/health-data.md');
  mkdirSync(dirname(file), { recursive: true });
  const old = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const marker = '<!-- notes -->';
  const notes = old.includes(marker) ? old.slice(old.indexOf(marker)) : `${marker}\n`;
  const row = (name, x) =>
    `| ${name} | ${x.podd.rps.toFixed(0)} | ${x.ceiling.rps.toFixed(0)} | **${x.ratio.toFixed(2)}** (≥ 0.6) | ${x.podd.p99} / ${x.ceiling.p99} | **${x.p99ratio.toFixed(2)}** (≤ 1.5) | ${x.podd.bad} |`;
  const text = `# Health-data benchmark: Podd vs the raw ceiling

Run: ${new Date().toISOString()} · \`node bench/health-data.mjs\` · autocannon ${CONNECTIONS} connections × ${DURATION} s, ${ROUNDS} alternating rounds, medians ·
Podd from \`dist/\` (NODE_ENV=production, LOG_LEVEL=warn, rate limit 1,000,000/min), SQLite event store · reader holds ${count.toLocaleString('en')} vitals records ·
ceiling \`servers/b-fastify.mjs\` on its 1M-event database · machine: ${process.arch}, Node ${process.version}, shared with other work (absolute numbers move; the same-run ratio is the figure).

| pair | Podd req/s | ceiling req/s | ratio | p99 ms Podd / ceiling | p99 ratio | Podd non-2xx |
|---|---|---|---|---|---|---|
${row('POST /api/vitals vs POST /events', s.post)}
${row('GET /api/vitals?limit=100 vs GET /events?type=hr', s.get)}

${notes}`;
  writeFileSync(file, text);
  log('wrote', file);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
