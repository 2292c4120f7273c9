import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { freePort } from './nginx.js';

/** One `node dist/main.js` process, as production runs it. */
export interface AppProcess {
  name: string;
  port: number;
  /** http://127.0.0.1:<port> */
  url: string;
  proc: ChildProcess;
  /** Everything it printed (pino JSON lines on stdout, anything else on stderr). */
  output(): string;
  /** SIGTERM and wait for the exit; resolves with the exit code (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<number | null>;
}

/** Compiles dist/ when it is missing or older than src/ (the `npm start` rule). CI builds before testing. */
export function ensureBuilt(): void {
  execFileSync(process.execPath, ['scripts/build-if-needed.mjs'], { cwd: resolve('.'), stdio: 'inherit' });
}

/**
 * Starts the built app on a free port with exactly `env` (plus PATH) and resolves once GET /health/live
 * answers 200. Throws with the process output if it exits or does not come up in `startMs`.
 */
export async function startAppProcess(
  name: string,
  env: Record<string, string>,
  startMs = 60_000,
): Promise<AppProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let out = '';
  const proc = spawn(process.execPath, ['dist/main.js'], {
    cwd: resolve('.'),
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOST: '127.0.0.1', PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout!.on('data', (d) => (out += String(d)));
  proc.stderr!.on('data', (d) => (out += String(d)));
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  const until = Date.now() + startMs;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`${name} exited with ${proc.exitCode}:\n${out}`);
    const ok = await fetch(`${url}/health/live`, { signal: AbortSignal.timeout(2000) })
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) break;
    if (Date.now() > until) {
      proc.kill('SIGKILL');
      throw new Error(`${name} did not answer /health/live within ${startMs} ms:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    name,
    port,
    url,
    proc,
    output: () => out,
    stop: async (graceMs = 20_000) => {
      if (proc.exitCode !== null) return proc.exitCode;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
