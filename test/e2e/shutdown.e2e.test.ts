import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const main = resolve('dist/main.js');

describe('graceful shutdown of the server process', () => {
  beforeAll(() => {
    if (!existsSync(main)) spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  });

  it('finishes requests accepted before SIGTERM, then exits 0', { timeout: 90_000 }, async () => {
    const port = 20000 + Math.floor(Math.random() * 20000);
    const child = spawn(process.execPath, [main], {
      env: {
        PATH: process.env.PATH,
        DATA_DIR: mkdtempSync(join(tmpdir(), 'podd-sd-')),
        PORT: String(port),
        HOST: '127.0.0.1',
        JWT_SECRET: randomBytes(32).toString('hex'),
        BCRYPT_COST: '10',
        LOG_LEVEL: 'info',
        RATE_LIMIT_PER_MINUTE: '100000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const base = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      try {
        if ((await fetch(`${base}/health/live`)).ok) break;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    expect((await fetch(`${base}/health`)).status).toBe(200);
    // Registrations take ~60 ms of bcrypt each: a batch is still in flight when the signal arrives.
    const inflight = Array.from({ length: 8 }, (_, i) =>
      fetch(`${base}/api/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: `sd${i}@example.com`, password: 'long-enough-password', name: 'S' }),
      }).then((r) => r.status),
    );
    await new Promise((r) => setTimeout(r, 30));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    const statuses = await Promise.all(inflight);
    expect(statuses).toEqual(Array(8).fill(201));
    expect(await exited, output).toBe(0);
  });
});
