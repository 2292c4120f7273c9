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
// - Inside both servers (bench/probe.mjs, preloaded): event-loop delay p99 during each round. Inside Podd also a CPU profile of
//   10 s of each route at full load (idle share, top self time), RSS after 1,000 / 100,000 mixed requests and
//   three further rounds of 20,000.
// - --postgres URL: Podd's auth DB and event store on PostgreSQL (a scratch database, emptied first);
//   results go to bench/results/health-data-postgres.md.
// - Writes bench/results/health-data.md (figures table; the analysis notes below the marker are kept).
import { spawn, execFileSync } from 'node:child_process';
import { closeSync, fdatasyncSync, openSync, writeSync } from 'node:fs';
import { loadavg } from 'node:os';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import { probe } from './lib.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const DURATION = Number(arg('duration', 10));
const CONNECTIONS = Number(arg('connections', 50));
const ROUNDS = Number(arg('rounds', 3));
const PREFILL = Number(arg('prefill', 100_000));
const POSTGRES = arg('postgres', undefined);
const MIXED = Number(arg('mixed', 100_000));
// BENCH_PORT_BASE moves both servers (several benchmarks may run on one machine): ceiling base, Podd base + 100.
const CEILING_PORT = Number(process.env.BENCH_PORT_BASE ?? 3100);
const PODD_PORT = CEILING_PORT + 100;

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

/** Refuses to run against a server someone else already started on our port. */
async function assertFree(url) {
  const answered = await fetch(url).then(() => true, () => false);
  if (answered) throw new Error(`${url} already answers (another benchmark?); set BENCH_PORT_BASE`);
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
  new Promise((res, rej) =>
    autocannon({ connections: CONNECTIONS, ...(opts.amount ? {} : { duration: DURATION }), ...opts }, (e, r) => (e ? rej(e) : res(r))),
  );

// ------------------------------------------------------------------------------------------------ podd
const PODD_ARGS = ['--import', './bench/probe.mjs', 'dist/main.js'];


/** Median latency of appending 4 KiB and fdatasync'ing, on the data dir's file system (what one durable commit waits for). */
function fdatasyncMs(dir, n = 100) {
  const fd = openSync(join(dir, 'fsync-probe'), 'w');
  const buf = Buffer.alloc(4096, 1);
  const ts = [];
  for (let i = 0; i < n; i++) {
    writeSync(fd, buf);
    const t0 = process.hrtime.bigint();
    fdatasyncSync(fd);
    ts.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  closeSync(fd);
  rmSync(join(dir, 'fsync-probe'));
  ts.sort((a, b) => a - b);
  return { p50: ts[Math.floor(n / 2)], p99: ts[Math.floor(n * 0.99)] };
}

/** Drops every table of the scratch database (the bench starts from an empty PostgreSQL). */
async function resetPostgres(url) {
  const { default: pg } = await import('pg');
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
  await c.end();
}
const PODD_ENV = (dataDir, probeDir) => ({
  ...(POSTGRES ? { DATABASE_URL: POSTGRES, EVENT_STORE_URL: POSTGRES } : {}),
  PODD_PROBE_DIR: probeDir,
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
  const probeDir = mkdtempSync(join(tmpdir(), 'podd-probe-'));
  const ceilingProbeDir = mkdtempSync(join(tmpdir(), 'podd-probe-ceiling-'));
  const env = PODD_ENV(dataDir, probeDir);
  if (POSTGRES) await resetPostgres(POSTGRES);
  const load0 = loadavg();
  const base = `http://127.0.0.1:${PODD_PORT}`;

  await assertFree(`${base}/health/live`);
  await assertFree(`http://127.0.0.1:${CEILING_PORT}/events`);
  log('podd: registering users');
  let podd = start('node', PODD_ARGS, { cwd: ROOT, env });
  await waitFor(`${base}/health/live`, podd);
  const reader = await register(base, `reader-${Date.now()}@bench.example`);
  const writer = await register(base, `writer-${Date.now()}@bench.example`);
  await stop(podd);
  log(`podd: pre-filling ${PREFILL} vitals records through the driver`);
  const t0 = Date.now();
  const count = await prefill(env, reader.id, PREFILL);
  log(`podd: ${count} records in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  podd = start('node', PODD_ARGS, { cwd: ROOT, env });
  // The ceiling carries the same probe (event-loop delay only), so both loop delays are measured alike.
  const ceiling = start('node', ['--import', join(ROOT, 'bench/probe.mjs'), 'servers/b-fastify.mjs'], {
    cwd: ceilingDir,
    env: { DB_FILE: 'run.db', PORT: String(CEILING_PORT), PODD_PROBE_DIR: ceilingProbeDir },
  });
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
        const [proc, dir] = side === 'podd' ? [podd, probeDir] : [ceiling, ceilingProbeDir];
        await probe(proc, dir, 'stats'); // resets the event-loop histogram
        const res = await cannon(targets[op][side]);
        const loop = (await probe(proc, dir, 'stats')).loopP99Ms;
        const bad = res.non2xx + res.errors + res.timeouts;
        results[op][side].push({ rps: res.requests.average, p99: res.latency.p99, p50: res.latency.p50, bad, loop });
        log(`round ${r + 1} ${op} ${side}: ${res.requests.average.toFixed(0)} req/s, p50 ${res.latency.p50} ms, p99 ${res.latency.p99} ms, non-2xx/errors ${bad}, loop p99 ${loop.toFixed(1)} ms`);
      }
    }
  }
  await stop(ceiling);

  // CPU profile of Podd alone at full load, one per route.
  const profiles = {};
  for (const op of ['post', 'get']) {
    await probe(podd, probeDir, 'profile-start');
    await cannon(targets[op].podd);
    profiles[op] = await probe(podd, probeDir, 'profile-stop');
    log(`profile ${op}: ${profiles[op].top.slice(0, 12).map((t) => `${t.name} ${(t.share * 100).toFixed(1)}`).join(' | ')}`);
    log(`profile ${op}: idle ${(profiles[op].idle * 100).toFixed(1)} %, main thread busy ${(profiles[op].mainThreadBusy * 100).toFixed(0)} %`);
  }

  // RSS over mixed requests (POST vitals, GET list, GET /me), 50 connections.
  const mixed = [
    { method: 'POST', path: '/api/vitals', headers: targets.post.podd.headers, body: targets.post.podd.body },
    { method: 'GET', path: '/api/vitals?limit=100', headers: targets.get.podd.headers },
    { method: 'GET', path: '/api/auth/me', headers: targets.get.podd.headers },
  ];
  const memory = [];
  const further = Math.round(MIXED / 5);
  const steps = [['1,000', 1000], [MIXED.toLocaleString('en'), MIXED - 1000], ...Array(3).fill([`+${further.toLocaleString('en')}`, further])];
  for (const [label, amount] of steps) {
    const res = await cannon({ url: base, requests: mixed, amount });
    const { rssMiB: rss, rssAnonMiB: anon, rssFileMiB: file } = await probe(podd, probeDir, 'stats');
    memory.push({ label, rss, anon, file, bad: res.non2xx + res.errors + res.timeouts });
    log(`mixed ${label}: RSS ${rss.toFixed(0)} MiB (anonymous ${anon?.toFixed(0)}, file-backed ${file?.toFixed(0)})`);
  }
  await stop(podd);
  const fsync = fdatasyncMs(dataDir);
  const load1 = loadavg();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(probeDir, { recursive: true, force: true });
  rmSync(ceilingProbeDir, { recursive: true, force: true });

  const summary = {};
  for (const op of ['post', 'get']) {
    const s = {};
    for (const side of ['podd', 'ceiling']) {
      s[side] = { rps: median(results[op][side].map((x) => x.rps)), p50: median(results[op][side].map((x) => x.p50)), p99: median(results[op][side].map((x) => x.p99)), bad: results[op][side].reduce((a, x) => a + x.bad, 0) };
    }
    s.loop = median(results[op].podd.map((x) => x.loop));
    s.ceilingLoop = median(results[op].ceiling.map((x) => x.loop));
    s.ratio = s.podd.rps / s.ceiling.rps;
    s.p99ratio = s.podd.p99 / s.ceiling.p99;
    summary[op] = s;
  }
  const extra = { profiles, memory, fsync, load: [load0, load1] };
  console.log(JSON.stringify({ connections: CONNECTIONS, duration: DURATION, rounds: ROUNDS, prefill: count, summary, results, ...extra }, null, 2));
  writeReport(summary, count, extra);
}

function writeReport(s, count, { profiles, memory, fsync, load }) {
  const file = join(ROOT, `bench/results/${POSTGRES ? 'health-data-postgres' : 'health-data'}.md`);
  mkdirSync(dirname(file), { recursive: true });
  const old = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const marker = '<!-- notes -->';
  const notes = old.includes(marker) ? old.slice(old.indexOf(marker)) : `${marker}\n`;
  const pct = (x) => `${(x * 100).toFixed(1)} %`;
  const row = (name, x, target) =>
    `| ${name} | ${x.podd.rps.toFixed(0)} | ${x.ceiling.rps.toFixed(0)} | **${x.ratio.toFixed(2)}** (≥ ${target}) | ${x.podd.p99} / ${x.ceiling.p99} | **${x.p99ratio.toFixed(2)}** (≤ 1.5) | ${x.loop.toFixed(1)} (≤ 10) / ${x.ceilingLoop.toFixed(1)} | ${x.podd.bad} |`;
  const profile = (op) => {
    const p = profiles[op];
    const top = p.top
      .filter((t) => t.name !== '(idle)')
      .slice(0, 10)
      .map((t) => `${t.name.replace(/\|/g, '\\|')} ${pct(t.share)}`)
      .join(' · ');
    return `| ${op === 'post' ? 'POST /api/vitals' : 'GET /api/vitals?limit=100'} | **${pct(p.idle)}** (< 10 %) | ${pct(p.gc)} | ${pct(p.mainThreadBusy)} | ${top} |`;
  };
  const base = memory[1].rss;
  const after = memory.slice(2).map((m) => m.rss);
  const text = `# Health-data benchmark: Podd vs the raw ceiling${POSTGRES ? ' (Podd on PostgreSQL)' : ''}

Run: ${new Date().toISOString()} · \`node bench/health-data.mjs${POSTGRES ? ' --postgres …' : ''}\` · autocannon ${CONNECTIONS} connections × ${DURATION} s, ${ROUNDS} alternating rounds, medians ·
Podd from \`dist/\` (NODE_ENV=production, LOG_LEVEL=warn, rate limit 1,000,000/min), ${POSTGRES ? 'auth DB and event store on the local PostgreSQL' : 'SQLite event store and auth DB'} · reader holds ${count.toLocaleString('en')} vitals records ·
ceiling \`servers/b-fastify.mjs\` on its 1M-event database · machine: ${process.arch}, Node ${process.version}, load average ${load[0][0].toFixed(1)} at the start, ${load[1][0].toFixed(1)} at the end (shared with other work: absolute numbers move; the same-run ratio is the figure).

| pair | Podd req/s | ceiling req/s | ratio (target) | p99 ms Podd / ceiling | p99 ratio | event-loop delay p99 ms Podd (target) / ceiling | Podd non-2xx |
|---|---|---|---|---|---|---|---|
${row('POST /api/vitals vs POST /events', s.post, 0.5)}
${row('GET /api/vitals?limit=100 vs GET /events?type=hr', s.get, 0.6)}

CPU profile of Podd alone at full load (V8 sampling profiler inside the process, ${DURATION} s per route; self time):

| route | idle | GC | main thread busy (/proc) | top self time |
|---|---|---|---|---|
${profile('post')}
${profile('get')}

Memory (RSS after 1,000 and ${memory[1].label} requests, then three further rounds; mixed POST /api/vitals, GET /api/vitals?limit=100, GET /api/auth/me at ${CONNECTIONS} connections):
${memory.map((m) => `after ${m.label}: ${m.rss.toFixed(0)} MiB`).join(' · ')} · ${memory[1].label} / 1,000: **${(base / memory[0].rss).toFixed(2)}×** (≤ 1.3) ·
further rounds vs ${memory[1].label}: ${after.map((r) => `${r >= base ? '+' : ''}${(r - base).toFixed(0)} MiB`).join(', ')} · non-2xx ${memory.reduce((a, m) => a + m.bad, 0)}.
Of which anonymous (heap, buffers, SQLite page cache) / file-backed (the mapped database files, reclaimable): ${memory.map((m) => `${m.anon?.toFixed(0)} / ${m.file?.toFixed(0)}`).join(' · ')} MiB.

${
  POSTGRES
    ? `Durability: a POST is acknowledged after PostgreSQL's COMMIT (its WAL flush, on the server); the bench's 4 KiB
append + fdatasync on the local disk: p50 ${fsync.p50.toFixed(2)} ms, p99 ${fsync.p99.toFixed(2)} ms.`
    : `Durability: a POST is acknowledged after the event store's WAL is fdatasync'ed (group commit on the thread
pool); on this data dir a 4 KiB append + fdatasync takes p50 ${fsync.p50.toFixed(2)} ms, p99 ${fsync.p99.toFixed(2)} ms.`
} The ceiling runs synchronous=NORMAL and never syncs (not durable on power loss).

${notes}`;
  writeFileSync(file, text);
  log('wrote', file);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
