// Hostile request bodies: run with `npm run build && node bench/hostile-bodies.mjs`.
// 4 clients send worst-case JSON bodies just under the 1 MB body limit, alternating between POST /api/auth/login
// (public: parsed before any token check) and PUT /api/profile (authenticated write), for ROUND_SECONDS; a fifth
// client measures the latency of GET /health/live every 10 ms. The figure is the server's own event-loop delay
// (prom-client's monitorEventLoopDelay, read from /metrics, which resets it at each scrape): its p99 over the
// round. The probe's latency also counts this process's own delays (it sends the 1 MB bodies).
// Bodies (each padded to just under the limit, the shape after the padding so the scan reads every byte):
//   deep    — a long string, then nesting far past the depth budget (refused by the budget scan);
//   wide    — 38 objects of 256 members in validated fields: about the most the budget lets through to
//             class-transformer (it de-duplicates each object's keys in quadratic time);
//   string  — one ~1 MB string in a field (refused by the field's MaxLength);
//   items   — an array of 9,000 items (refused by ArrayMaxSize);
//   over    — 100,000 members after the padding (refused by the budget scan).
// 3 rounds; the result is the median of their p99s. Results: bench/results/hostile-bodies.md.
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, machine, median, ROOT, startServer, stop, tempDir } from './lib.mjs';

ensureBuilt();
const ROUND_SECONDS = Number(process.env.ROUND_SECONDS ?? 10);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const LIMIT = 1024 * 1024;
const PORT = 3240;
const BASE = `http://127.0.0.1:${PORT}`;

/** `{"pad":"xxx…", <tail>}` padded so the whole body is LIMIT - 64 bytes. */
function padded(tail) {
  const fixed = `{"pad":"",${tail}}`;
  return `{"pad":"${'x'.repeat(LIMIT - 64 - Buffer.byteLength(fixed))}",${tail}}`;
}
const wideObject = (n, w) =>
  `{${Array.from({ length: n }, (_, i) => `"k${i}":"${'v'.repeat(w)}"`).join(',')}}`;
const objects = (n) => Array.from({ length: n }, () => wideObject(256, 90)).join(',');
const BODIES = {
  deep: padded(`"email":${'['.repeat(5000)}${']'.repeat(5000)}`),
  wide: `{"email":"a@example.com","password":[${objects(19)}],"allergies":[${objects(19)}]}`,
  string: `{"email":"${'a'.repeat(LIMIT - 200)}@example.com","password":"x","allergies":["${'b'.repeat(100)}"]}`,
  items: padded(
    `"email":"a@example.com","password":"x","allergies":[${Array.from({ length: 9000 }, () => '1').join(',')}]`,
  ),
  over: padded(Array.from({ length: 100_000 }, (_, i) => `"${i}":0`).join(',')),
};
for (const [k, b] of Object.entries(BODIES)) {
  if (Buffer.byteLength(b) >= LIMIT) throw new Error(`${k} body is over the limit`);
}

const dataDir = tempDir('podd-bench-hostile-');
// NODE_ARGS: extra node flags for the server, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`.
const nodeArgs = process.env.NODE_ARGS ? process.env.NODE_ARGS.split(' ') : [];
// PODD_MAIN: another build to compare (default dist/main.js of this checkout).
const main = process.env.PODD_MAIN ?? 'dist/main.js';
const podd = await startServer(process.execPath, [...nodeArgs, main], {
  cwd: ROOT,
  env: {
    NODE_ENV: 'production',
    JWT_SECRET: 'bench-secret-0123456789abcdef0123456789abcdef',
    DATA_DIR: dataDir,
    PORT: String(PORT),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    // Worst case: no limiter turns the bodies away early, every one is parsed and validated.
    RATE_LIMIT_PER_MINUTE: '1000000',
    LOGIN_MAX_FAILURES: '1000',
    BCRYPT_COST: '10',
  },
  url: `${BASE}/health/live`,
});

const reg = await fetch(`${BASE}/api/auth/register`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ email: 'hostile@example.com', password: 'bench-password-1', name: 'Bench' }),
});
const token = (await reg.json()).access_token;
const TARGETS = [
  { method: 'POST', path: '/api/auth/login', headers: {} },
  { method: 'PUT', path: '/api/profile', headers: { authorization: `Bearer ${token}` } },
];

async function attacker(id, until, stats) {
  const kinds = Object.keys(BODIES);
  for (let i = id; Date.now() < until; i++) {
    const kind = kinds[i % kinds.length];
    const target = TARGETS[Math.floor(i / kinds.length) % TARGETS.length];
    const t0 = performance.now();
    const res = await fetch(`${BASE}${target.path}`, {
      method: target.method,
      headers: { 'content-type': 'application/json', ...target.headers },
      body: BODIES[kind],
    });
    await res.arrayBuffer();
    const key = `${target.path} ${kind} ${res.status}`;
    const s = (stats[key] ??= { n: 0, ms: [] });
    s.n++;
    s.ms.push(performance.now() - t0);
  }
}

/** The server's event-loop delay since the previous scrape (ms): p99 and max. */
async function loopDelay() {
  const text = await (await fetch(`${BASE}/metrics`)).text();
  const read = (name) => Number(text.match(new RegExp(`^${name} ([0-9.e+-]+)`, 'm'))?.[1] ?? NaN) * 1000;
  return { p99: read('nodejs_eventloop_lag_p99_seconds'), max: read('nodejs_eventloop_lag_max_seconds') };
}

async function probe(until) {
  const lat = [];
  while (Date.now() < until) {
    const t0 = performance.now();
    await (await fetch(`${BASE}/health/live`)).arrayBuffer();
    lat.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 10));
  }
  return lat;
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

const rounds = [];
try {
  await loopDelay();
  const idleLat = await probe(Date.now() + 3000);
  const idle = await loopDelay();
  for (let r = 1; r <= ROUNDS; r++) {
    const until = Date.now() + ROUND_SECONDS * 1000;
    const stats = {};
    await loopDelay();
    const [lat] = await Promise.all([probe(until), ...[0, 1, 2, 3].map((id) => attacker(id, until, stats))]);
    const loop = await loopDelay();
    const hostile = Object.values(stats).reduce((a, s) => a + s.n, 0);
    rounds.push({ loop, p50: pct(lat, 50), p99: pct(lat, 99), probes: lat.length, hostile, stats });
    console.error(
      `round ${r}: server loop delay p99 ${loop.p99.toFixed(1)} ms max ${loop.max.toFixed(1)} ms; liveness p50 ${pct(lat, 50).toFixed(1)} p99 ${pct(lat, 99).toFixed(1)} ms; ${hostile} hostile requests`,
    );
  }
  const out = [];
  const say = (s) => {
    console.log(s);
    out.push(s);
  };
  say('# Hostile request bodies');
  say('');
  say(
    `Machine: ${machine()}. Run: \`npm run build && node bench/hostile-bodies.mjs\` (${ROUNDS} rounds of ${ROUND_SECONDS} s).`,
  );
  say('');
  say(
    '4 clients send bodies just under the 1 MB limit (deep nesting after a long string, 38 objects of 256 members in validated fields, a ~1 MB string, 9,000 array items, 100,000 members after the padding) to `POST /api/auth/login` and `PUT /api/profile`, rate limits off; a fifth client times `GET /health/live` every 10 ms.',
  );
  say('');
  say(
    `**Server event-loop delay p99 under hostile load: ${median(rounds.map((r) => r.loop.p99)).toFixed(1)} ms** (median of ${ROUNDS} rounds; target ≤ 50 ms); liveness p99 seen by the probe: ${median(rounds.map((r) => r.p99)).toFixed(1)} ms. Idle (3 s before): loop delay p99 ${idle.p99.toFixed(1)} ms, liveness p99 ${pct(idleLat, 99).toFixed(1)} ms. Load average during the run: ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' / ')} on ${cpus().length} cores.`,
  );
  say('');
  say(
    '| Round | loop delay p99 (ms) | loop delay max (ms) | liveness p50 (ms) | liveness p99 (ms) | probes | hostile requests |',
  );
  say('|---|---|---|---|---|---|---|');
  rounds.forEach((r, i) =>
    say(
      `| ${i + 1} | ${r.loop.p99.toFixed(1)} | ${r.loop.max.toFixed(1)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.probes} | ${r.hostile} |`,
    ),
  );
  say('');
  say('Answers of the last round (route, body, status: count, median ms per request):');
  say('');
  say('| Route | Body | Status | Count | Median ms |');
  say('|---|---|---|---|---|');
  for (const [key, s] of Object.entries(rounds.at(-1).stats).sort()) {
    const [route, kind, status] = key.split(' ');
    say(`| ${route} | ${kind} | ${status} | ${s.n} | ${median(s.ms).toFixed(1)} |`);
  }
  writeFileSync(join(ROOT, 'bench/results/hostile-bodies.md'), out.join('\n') + '\n');
} finally {
  await stop(podd);
}
