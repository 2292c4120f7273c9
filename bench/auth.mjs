// Auth benchmark: run with `npm run build && node bench/auth.mjs`.
// 1. GET /api/auth/me (JWT verify + one SQLite read) vs the ceiling's POST /events (JWT verify + one SQLite write),
//    50 connections, 10 s, alternating, 3 rounds, medians; ratio Podd / ceiling.
// 2. Event-loop delay inside Podd while 5 logins per second run (bcrypt cost 12 on the thread pool).
// 3. JWT verification cost: jsonwebtoken with a KeyObject (what Podd uses) vs a plain string secret.
import { createSecretKey } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import jwt from 'jsonwebtoken';
import { alternate, ensureBuilt, machine, prepareCeiling, ROOT, run, startServer, stop, tempDir, CEILING_SECRET, PORT_BASE } from './lib.mjs';

const CEILING = `http://127.0.0.1:${PORT_BASE}`;
const PODD = `http://127.0.0.1:${PORT_BASE + 100}`;
const PODD_INPROC = `http://127.0.0.1:${PORT_BASE + 101}`;

ensureBuilt();
const out = [];
const say = (s) => {
  console.log(s);
  out.push(s);
};

// --- 3. JWT verify micro-benchmark (in this process) ---
function perVerifyMicros(key, token, n = 50_000) {
  for (let i = 0; i < 2000; i++) jwt.verify(token, key, { algorithms: ['HS256'] });
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) jwt.verify(token, key, { algorithms: ['HS256'] });
  return Number(process.hrtime.bigint() - t0) / 1000 / n;
}
const secret = 'bench-secret-0123456789abcdef0123456789abcdef';
const keyObj = createSecretKey(Buffer.from(secret));
const tok = jwt.sign({ sub: 'u', type: 'access', jti: 'j', tv: 0 }, keyObj, { algorithm: 'HS256', expiresIn: 3600 });
const keyMicros = perVerifyMicros(keyObj, tok);
const strMicros = perVerifyMicros(secret, tok, 5000);

// --- 1. throughput side by side ---
const loadStart = loadavg()[0];
const ceilingDir = prepareCeiling();
await run(process.execPath, ['mktokens.mjs', '1000', 'tokens.txt'], { cwd: ceilingDir });
const ceilingToken = readFileSync(join(ceilingDir, 'tokens.txt'), 'utf8').split('\n')[0];
const ceiling = await startServer(process.execPath, ['servers/b-fastify.mjs'], {
  cwd: ceilingDir,
  env: { DB_FILE: join(ceilingDir, 'run.db'), PORT: String(PORT_BASE), JWT_SECRET: CEILING_SECRET },
  url: `${CEILING}/events`,
});
const dataDir = tempDir('podd-bench-auth-');
const podd = await startServer(process.execPath, ['dist/main.js'], {
  cwd: ROOT,
  env: {
    NODE_ENV: 'production',
    JWT_SECRET: secret,
    DATA_DIR: dataDir,
    PORT: String(PORT_BASE + 100),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_PER_MINUTE: '1000000',
    BCRYPT_COST: '12',
  },
  url: `${PODD}/health/live`,
});
try {
  const reg = await fetch(`${PODD}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'bench@example.com', password: 'bench-password-1', name: 'Bench' }),
  }).then((r) => r.json());
  const res = await alternate(
    {
      ceiling: {
        url: `${CEILING}/events`,
        method: 'POST',
        headers: { authorization: `Bearer ${ceilingToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'hr', value: 72 }),
      },
      podd: { url: `${PODD}/api/auth/me`, headers: { authorization: `Bearer ${reg.access_token}` } },
    },
    { rounds: 3, connections: 50, duration: Number(process.env.BENCH_SECONDS ?? 10) },
  );
  const ratio = res.podd.rps / res.ceiling.rps;

  // --- 2. event-loop delay during 5 logins/s (measured inside a Podd process started in this process) ---
  await stop(podd);
  const { loadConfig } = await import('../dist/config/app-config.js');
  const { createApp } = await import('../dist/app.factory.js');
  const pino = (await import('pino')).default;
  const config = loadConfig({ NODE_ENV: 'production', JWT_SECRET: secret, DATA_DIR: dataDir, LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '1000000', BCRYPT_COST: '12', LOGIN_MAX_FAILURES: '1000' });
  const app = await createApp(config, { logger: pino({ level: 'warn' }) });
  await app.listen({ port: PORT_BASE + 101, host: '127.0.0.1' });
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  const logins = [];
  const t0 = Date.now();
  let done = 0;
  while (Date.now() - t0 < 10_000) {
    logins.push(
      fetch(`${PODD_INPROC}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'bench@example.com', password: 'bench-password-1' }),
      }).then((r) => {
        if (r.status === 200) done++;
        return r.arrayBuffer();
      }),
    );
    await new Promise((r) => setTimeout(r, 200));
  }
  await Promise.all(logins);
  h.disable();
  await app.close();
  const loopP99 = h.percentile(99) / 1e6;
  const loopMax = h.max / 1e6;

  say(`# Auth benchmark — ${new Date().toISOString()}`);
  say('');
  say(
    `Machine: ${machine()}, load average ${loadStart.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end (shared). Same run, alternating targets, 3 rounds × ${process.env.BENCH_SECONDS ?? 10} s at 50 connections, medians.`,
  );
  say('');
  say('| target | req/s (median) | p50 ms | p99 ms | non-2xx |');
  say('|---|---|---|---|---|');
  say(`| ceiling POST /events (JWT + SQLite insert) | ${Math.round(res.ceiling.rps)} | ${res.ceiling.p50} | ${res.ceiling.p99} | ${res.ceiling.non2xx} |`);
  say(`| Podd GET /api/auth/me (JWT + cached principal) | ${Math.round(res.podd.rps)} | ${res.podd.p50} | ${res.podd.p99} | ${res.podd.non2xx} |`);
  say('');
  say(`**Ratio Podd / ceiling: ${ratio.toFixed(2)}** (target ≥ 0.6)`);
  say('');
  say(`Event-loop delay inside Podd during 5 logins/s for 10 s (bcrypt cost 12, ${done} logins): p99 ${loopP99.toFixed(1)} ms, max ${loopMax.toFixed(1)} ms (target p99 ≤ 20 ms).`);
  say('');
  say(`JWT HS256 verify (jsonwebtoken): ${keyMicros.toFixed(1)} µs with a KeyObject (Podd), ${strMicros.toFixed(0)} µs with a string secret (target ≤ 10 µs).`);
  // The analysis notes below the marker survive a re-run.
  const file = join(ROOT, 'bench/results/auth.md');
  const old = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const marker = '<!-- notes -->';
  writeFileSync(file, out.join('\n') + '\n\n' + (old.includes(marker) ? old.slice(old.indexOf(marker)) : `${marker}\n`));
} finally {
  await stop(podd);
  await stop(ceiling);
}
process.exit(0);
