import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Absolute path of an executable on PATH (or the given absolute path), else undefined. */
export function findExecutable(name: string): string | undefined {
  if (name.includes('/')) return existsSync(name) ? name : undefined;
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/local/bin', '/usr/sbin', '/usr/bin'];
  return dirs.map((d) => join(d, name)).find((p) => existsSync(p));
}

/**
 * The command-line tool a suite needs (helm, nginx, openssl …), like requireService for services: in CI
 * (CI=true) a missing tool is a failure that names the install step, never a silent skip; locally the
 * suite runs only when the tool is installed (use with describe.runIf).
 */
export function requireTool(name: string, installHint: string): string | undefined {
  const override = process.env[`${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_BIN`];
  const path = findExecutable(override || name);
  if (!path && process.env.CI === 'true') {
    throw new Error(`${name} is not installed: CI must install it (${installHint})`);
  }
  return path;
}

/** Runs a tool to completion, returning its exit code and both outputs (never throws on a non-zero exit). */
export function run(
  cmd: string,
  args: string[],
  opts: { cwd?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 60_000,
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return {
    code: r.status ?? 1,
    stdout: r.stdout ?? '',
    stderr: (r.stderr ?? '') + (r.error ? String(r.error) : ''),
  };
}
