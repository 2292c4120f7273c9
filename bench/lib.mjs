// Shared helpers for the benchmarks: start the ceiling and Podd, run autocannon, summarise.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const CEILING_SRC = resolve(ROOT, 'bench/ceiling');
export const CEILING_SECRET = 'perf-secret-0123456789abcdef0123456789abcdef';
/** Ports of the servers a benchmark starts; BENCH_PORT_BASE moves them (several benchmarks on one machine). */
export const PORT_BASE = Number(process.env.BENCH_PORT_BASE ?? 3100);

/** Copies the ceiling next to our node_modules (it resolves fastify, better-sqlite3, fast-jwt, jose from there). */
export function prepareCeiling() {
  const dir = join(ROOT, 'bench/.ceiling-run');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync(CEILING_SRC, dir, { recursive: true });
  return dir;
}

export function run(cmd, args, opts = {}) {
  return new Promise((res, rej) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...opts });
    p.on('exit', (code) => (code === 0 ? res() : rej(new Error(`${cmd} ${args.join(' ')} exited ${code}`))));
  });
}

/** Starts a server process and resolves once `url` answers. */
export async function startServer(cmd, args, { env = {}, cwd = ROOT, url, timeoutMs = 60_000 } = {}) {
  if (await fetch(url).then(() => true, () => false))
    throw new Error(`${url} already answers (another benchmark?); set BENCH_PORT_BASE`);
  const p = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (p.exitCode !== null) throw new Error(`${cmd} exited early (${p.exitCode})`);
    try {
      await fetch(url);
      return p;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  p.kill('SIGKILL');
  throw new Error(`server at ${url} did not start`);
}

export function stop(p) {
  return new Promise((res) => {
    if (!p || p.exitCode !== null) return res();
    p.once('exit', () => res());
    p.kill('SIGTERM');
    setTimeout(() => p.kill('SIGKILL'), 8000).unref();
  });
}

export function cannon(opts) {
  return new Promise((res, rej) => {
    autocannon({ connections: 50, duration: 10, ...opts }, (err, r) => (err ? rej(err) : res(r)));
  });
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Runs each target `rounds` times, alternating, and returns medians of req/s and latency percentiles. */
export async function alternate(targets, { rounds = 3, ...opts } = {}) {
  const results = Object.fromEntries(Object.keys(targets).map((k) => [k, []]));
  for (let i = 0; i < rounds; i++) {
    for (const [name, t] of Object.entries(targets)) {
      const r = await cannon({ ...opts, ...t });
      const non2xx = r.non2xx + r.errors;
      results[name].push({ rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx });
      console.error(`  round ${i + 1} ${name}: ${Math.round(r.requests.average)} req/s p99 ${r.latency.p99} ms non-2xx ${non2xx}`);
    }
  }
  return Object.fromEntries(
    Object.entries(results).map(([k, rs]) => [
      k,
      {
        rps: median(rs.map((r) => r.rps)),
        p50: median(rs.map((r) => r.p50)),
        p99: median(rs.map((r) => r.p99)),
        non2xx: rs.reduce((a, r) => a + r.non2xx, 0),
        rounds: rs,
      },
    ]),
  );
}

export function tempDir(prefix) {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function ensureBuilt() {
  if (!existsSync(join(ROOT, 'dist/main.js'))) throw new Error('run `npm run build` first');
}

export function machine() {
  const cpus = readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)?.[1] ?? 'unknown cpu';
  return `${cpus}, node ${process.version}`;
}

/** Asks the probe inside Podd (bench/probe.mjs) for `cmd` and returns its answer. */
export async function probe(p, dir, cmd) {
  rmSync(join(dir, 'out.json'), { force: true });
  writeFileSync(join(dir, 'cmd'), cmd);
  p.kill('SIGUSR2');
  for (let i = 0; i < 200; i++) {
    await new Promise((r) => setTimeout(r, 50));
    if (existsSync(join(dir, 'out.json'))) return JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'));
  }
  throw new Error(`probe: no answer to ${cmd}`);
}
