#!/usr/bin/env node
// `npx podd <command>` right after `npm ci`: builds dist/ when it is missing or stale (compiler output goes to
// stderr, so `podd export` on stdout stays clean), then runs the CLI with the caller's arguments and exit code.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = spawnSync(process.execPath, [join(root, 'scripts/build-if-needed.mjs')], {
  cwd: root,
  stdio: ['ignore', 2, 2],
});
if (built.status !== 0) process.exit(built.status ?? 1);
const run = spawnSync(process.execPath, [join(root, 'dist/cli.js'), ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(run.status ?? 1);
