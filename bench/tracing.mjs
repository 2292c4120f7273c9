// Throughput cost of OpenTelemetry tracing: the same build run twice side by side, tracing off (no OTEL_*
// variables) and tracing on (OTLP/HTTP to a local collector stand-in, OTEL_TRACES_SAMPLER=parentbased_traceidratio,
// ratio 0.1), alternating autocannon rounds on POST /api/vitals and GET /api/vitals?limit=20.
//
//   npm run build && node bench/tracing.mjs [--rounds 3] [--duration 8] [--connections 20]
//
// Target: tracing on costs ≤ 10 % of req/s. On a shared machine req/s moves with the neighbours' load, so
// each round also reads the server's own CPU time (/proc/<pid>/stat) and reports CPU ms per request, the
// steadier figure. Writes bench/results/tracing.md.
import { createServer } from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cannon, ensureBuilt, machine, median, ROOT, startServer, stop, tempDir } from './lib.mjs';

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    duration: { type: 'string', default: '8' },
    connections: { type: 'string', default: '20' },
    ratio: { type: 'string', default: '0.1' },
  },
});
ensureBuilt();

// The collector stand-in: accepts every export (and counts the spans it got).
let spans = 0;
const collector = createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    spans += (body.match(/"spanId"/g) ?? []).length;
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});
await new Promise((r) => collector.listen(0, '127.0.0.1', r));
const collectorUrl = `http://127.0.0.1:${collector.address().port}`;

const common = {
  NODE_ENV: 'production',
  JWT_SECRET: 'bench-secret-0123456789abcdef0123456789abcdef',
  LOG_LEVEL: 'warn',
  RATE_LIMIT_PER_MINUTE: '1000000',
  BCRYPT_COST: '10',
  HOST: '127.0.0.1',
};
const variants = {
  off: {},
  on: {
    OTEL_EXPORTER_OTLP_ENDPOINT: collectorUrl,
    OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
    OTEL_TRACES_SAMPLER_ARG: args.ratio,
  },
};
const servers = {};
const users = {};
for (const [name, env] of Object.entries(variants)) {
  const port = name === 'off' ? 18801 : 18802;
  const base = `http://127.0.0.1:${port}`;
  servers[name] = await startServer('node', ['dist/main.js'], {
    env: { ...common, ...env, PORT: String(port), DATA_DIR: tempDir(`podd-bench-tracing-${name}-`) },
    url: `${base}/health/live`,
  });
  const res = await fetch(`${base}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `bench-${name}@bench.example`, password: 'bench-password-long', name: 'B' }),
  });
  if (res.status !== 201) throw new Error(`register on ${name}: ${res.status}`);
  users[name] = { base, token: (await res.json()).access_token };
}

const opts = { rounds: Number(args.rounds), duration: Number(args.duration), connections: Number(args.connections) };
const post = (name) => ({
  url: `${users[name].base}/api/vitals`,
  method: 'POST',
  headers: { authorization: `Bearer ${users[name].token}`, 'content-type': 'application/json' },
  body: JSON.stringify({ heart_rate: 72, blood_pressure_systolic: 124, blood_pressure_diastolic: 82 }),
});
const get = (name) => ({
  url: `${users[name].base}/api/vitals?limit=20`,
  headers: { authorization: `Bearer ${users[name].token}` },
});
/** utime + stime of a process, in ms (clock ticks are 10 ms on Linux). */
const cpuMs = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
};

/** Alternating rounds (off, on, off, on …): medians of req/s, p99 and server CPU ms per request. */
async function compare(target) {
  const runs = { off: [], on: [] };
  // Warm-up (not counted): JIT, caches, the first SQLite pages, the start-up reconcile.
  for (const name of ['off', 'on']) await cannon({ ...target(name), duration: 3, connections: opts.connections });
  for (let i = 0; i < opts.rounds; i++) {
    for (const name of ['off', 'on']) {
      const before = cpuMs(servers[name].pid);
      const r = await cannon({ ...target(name), duration: opts.duration, connections: opts.connections });
      const cpu = (cpuMs(servers[name].pid) - before) / Math.max(1, r.requests.total);
      runs[name].push({ rps: r.requests.average, p99: r.latency.p99, cpu, non2xx: r.non2xx + r.errors });
      console.error(`  round ${i + 1} ${name}: ${Math.round(r.requests.average)} req/s p99 ${r.latency.p99} ms cpu ${cpu.toFixed(2)} ms/req`);
    }
  }
  const summary = (rs) => ({
    rps: median(rs.map((r) => r.rps)),
    p99: median(rs.map((r) => r.p99)),
    cpu: median(rs.map((r) => r.cpu)),
    non2xx: rs.reduce((a, r) => a + r.non2xx, 0),
    rounds: rs,
  });
  return { off: summary(runs.off), on: summary(runs.on) };
}
console.error('POST /api/vitals');
const posts = await compare(post);
console.error('GET /api/vitals?limit=20');
const gets = await compare(get);
await new Promise((r) => setTimeout(r, 1500)); // the last batch of spans
for (const p of Object.values(servers)) await stop(p);
collector.close();

const pct = (on, off) => `${(((on - off) / off) * 100).toFixed(1)} %`;
const row = (label, r) =>
  `| ${label} | ${Math.round(r.off.rps)} | ${Math.round(r.on.rps)} | ${pct(r.on.rps, r.off.rps)} | ${r.off.cpu.toFixed(2)} / ${r.on.cpu.toFixed(2)} | **${pct(r.on.cpu, r.off.cpu)}** | ${r.off.p99} / ${r.on.p99} | ${r.off.non2xx} / ${r.on.non2xx} |`;
const rounds = (r, k, f) => r[k].rounds.map(f).join(', ');
const md = `# Tracing overhead: OpenTelemetry on (10 % sampling) vs off

Run: ${new Date().toISOString()} · \`node bench/tracing.mjs --rounds ${opts.rounds} --duration ${opts.duration} --connections ${opts.connections}\` ·
autocannon ${opts.connections} connections × ${opts.duration} s, ${opts.rounds} alternating rounds, medians · two \`node dist/main.js\`
from the same build (NODE_ENV=production, SQLite, LOG_LEVEL=warn), one without OTEL_* variables, one with
\`OTEL_EXPORTER_OTLP_ENDPOINT\` (a local collector stand-in), \`OTEL_TRACES_SAMPLER=parentbased_traceidratio\`,
\`OTEL_TRACES_SAMPLER_ARG=${args.ratio}\` · ${spans} spans received · machine: ${machine()}, shared with other work
(absolute numbers move; the same-run difference is the figure).

| route | off req/s | on req/s | req/s change | server CPU ms/request off / on | CPU change | p99 ms off / on | non-2xx off / on |
|---|---|---|---|---|---|---|---|
${row('POST /api/vitals', posts)}
${row('GET /api/vitals?limit=20', gets)}

Target: ≤ 10 % fewer requests per second with tracing on (CPU per request: ≤ 10 % more).

Rounds, req/s (CPU ms/request): POST off ${rounds(posts, 'off', (r) => `${Math.round(r.rps)} (${r.cpu.toFixed(2)})`)} · on ${rounds(posts, 'on', (r) => `${Math.round(r.rps)} (${r.cpu.toFixed(2)})`)};
GET off ${rounds(gets, 'off', (r) => `${Math.round(r.rps)} (${r.cpu.toFixed(2)})`)} · on ${rounds(gets, 'on', (r) => `${Math.round(r.rps)} (${r.cpu.toFixed(2)})`)}.
`;
writeFileSync(join(ROOT, 'bench/results/tracing.md'), md);
console.log(md);
