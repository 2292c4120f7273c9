import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRedisEvictionPolicy } from '../../src/infra/redis-eviction-policy.js';
import { ensureBuilt, startAppProcess } from '../support/app-process.js';
import { freePort, waitForPort } from '../support/nginx.js';
import { requireTool } from '../support/tools.js';

/**
 * BullMQ (the reminder queue) needs Redis's `maxmemory-policy noeviction`: the app checks it at boot and
 * logs a warning otherwise. A private redis-server with an evicting policy, so the shared test Redis's
 * configuration is never touched.
 */
const redisServer = requireTool('redis-server', 'apt-get install redis-server');

describe.runIf(redisServer)('Redis maxmemory-policy check at boot', () => {
  let server: ChildProcess;
  let url: string;
  let redis: Redis;
  const warnings: string[] = [];
  const sink = { warn: (m: string) => void warnings.push(m) };

  beforeAll(async () => {
    const port = await freePort();
    server = spawn(
      redisServer!,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    await waitForPort(port);
    url = `redis://127.0.0.1:${port}/0`;
    redis = new Redis(url, { maxRetriesPerRequest: 1 });
    await redis.config('SET', 'maxmemory-policy', 'allkeys-lru');
  });
  afterAll(async () => {
    await redis?.quit();
    server?.kill('SIGTERM');
  });

  it('warns with the policy name and the fix when Redis evicts keys', async () => {
    warnings.length = 0;
    expect(await checkRedisEvictionPolicy(redis, sink)).toBe('allkeys-lru');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('maxmemory-policy is "allkeys-lru"');
    expect(warnings[0]).toContain('maxmemory-policy noeviction');
  });

  it('stays quiet on noeviction', async () => {
    await redis.config('SET', 'maxmemory-policy', 'noeviction');
    warnings.length = 0;
    expect(await checkRedisEvictionPolicy(redis, sink)).toBe('noeviction');
    expect(warnings).toEqual([]);
    await redis.config('SET', 'maxmemory-policy', 'allkeys-lru');
  });

  it('warns (and does not throw) when the policy cannot be read', async () => {
    const down = new Redis('redis://127.0.0.1:1/0', {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    warnings.length = 0;
    expect(await checkRedisEvictionPolicy(down, sink)).toBeNull();
    expect(warnings[0]).toMatch(/Could not read Redis maxmemory-policy/);
    down.disconnect();
  });

  it('the app logs the warning line at boot (node dist/main.js)', async () => {
    ensureBuilt();
    const dataDir = mkdtempSync(join(tmpdir(), 'podd-redis-policy-'));
    const app = await startAppProcess('policy', { REDIS_URL: url, DATA_DIR: dataDir, LOG_LEVEL: 'info' });
    try {
      const until = Date.now() + 10_000;
      while (!app.output().includes('maxmemory-policy is') && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 100));
      }
      const line = app
        .output()
        .split('\n')
        .find((l) => l.includes('maxmemory-policy is'));
      expect(line, app.output()).toBeDefined();
      expect(line).toContain('allkeys-lru');
    } finally {
      await app.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});
