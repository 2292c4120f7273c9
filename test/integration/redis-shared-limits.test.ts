import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { replicaSuite, requireService, type TestApp } from '../support/app.js';

const redisUrl = requireService('TEST_REDIS_URL');

describe.runIf(redisUrl)('rate limits shared through Redis (two app instances)', () => {
  const [a, b] = replicaSuite(2, () => ({
    REDIS_URL: redisUrl!,
    RATE_LIMIT_PER_MINUTE: '6',
    LOGIN_MAX_FAILURES: '3',
    TRUST_PROXY: 'loopback',
  }));

  it('reports Redis in /health', async () => {
    const h = await a.http.get('/health');
    expect(h.status).toBe(200);
    expect(h.body.details.redis.status).toBe('up');
  });

  it('counts requests of one client on both instances against one limit', async () => {
    const ip = `10.${randomBytes(1)[0]}.${randomBytes(1)[0]}.${randomBytes(1)[0]}`;
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const target = i % 2 === 0 ? a : b;
      const r = await target.http
        .post('/api/auth/logout')
        .set('X-Forwarded-For', ip)
        .send({ refresh_token: 'x' });
      statuses.push(r.status);
    }
    // 6 allowed in total (not 6 per instance), then 429 on whichever instance is asked.
    expect(statuses.filter((s) => s === 200)).toHaveLength(6);
    expect(statuses.slice(6)).toEqual([429, 429]);
  });

  it('counts failed logins for one account from one address across instances', async () => {
    const email = `victim-${randomBytes(4).toString('hex')}@example.com`;
    const ip = `10.200.${randomBytes(1)[0]}.${randomBytes(1)[0]}`;
    const login = (target: TestApp) =>
      target.http
        .post('/api/auth/login')
        .set('X-Forwarded-For', ip)
        .send({ email, password: 'wrong-password' });
    for (let i = 0; i < 3; i++) expect((await login(i % 2 === 0 ? a : b)).status).toBe(401);
    const blocked = await login(b);
    expect(blocked.status).toBe(429);
    expect(blocked.body.code).toBe('LOGIN_THROTTLED');
  });

  it('uses the Redis-backed cache', async () => {
    const { CacheService } = await import('../../src/infra/cache.service.js');
    const ca = a.app.get(CacheService);
    const cb = b.app.get(CacheService);
    const key = `it:${randomBytes(4).toString('hex')}`;
    await ca.set(key, { v: 1 }, 10_000);
    expect(await cb.get(key)).toEqual({ v: 1 });
  });
});
