import type { Redis } from 'ioredis';

/** DI token of the CounterStore (memory or Redis; provided by InfraModule). */
export const COUNTER_STORE = 'COUNTER_STORE';

/**
 * Fixed-window counters shared by the request rate limit and the login limiter.
 * In memory for one replica; in Redis (atomic INCR + PEXPIRE in one script) when REDIS_URL is set,
 * so every replica sees the same counts.
 */
export interface CounterStore {
  /** Increments `key` (window starts at the first hit) and returns the count and ms until the window ends. */
  increment(key: string, windowMs: number): Promise<{ count: number; resetInMs: number }>;
  /** The same, answered at once, where the counts are in this process (the hot path of every request). */
  incrementNow?(key: string, windowMs: number): { count: number; resetInMs: number };
  /** Current count without incrementing. */
  peek(key: string): Promise<{ count: number; resetInMs: number }>;
  reset(key: string): Promise<void>;
}

export class MemoryCounterStore implements CounterStore {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();
  private lastSweep = Date.now();

  async increment(key: string, windowMs: number): Promise<{ count: number; resetInMs: number }> {
    return this.incrementNow(key, windowMs);
  }

  incrementNow(key: string, windowMs: number): { count: number; resetInMs: number } {
    const now = Date.now();
    this.sweep(now);
    let w = this.windows.get(key);
    if (!w || w.resetAt <= now) {
      w = { count: 0, resetAt: now + windowMs };
      this.windows.set(key, w);
    }
    w.count++;
    return { count: w.count, resetInMs: w.resetAt - now };
  }

  async peek(key: string): Promise<{ count: number; resetInMs: number }> {
    const now = Date.now();
    const w = this.windows.get(key);
    if (!w || w.resetAt <= now) return { count: 0, resetInMs: 0 };
    return { count: w.count, resetInMs: w.resetAt - now };
  }

  async reset(key: string): Promise<void> {
    this.windows.delete(key);
  }

  /** Drops expired windows now and then so the map cannot grow without bound. */
  private sweep(now: number): void {
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    for (const [k, w] of this.windows) if (w.resetAt <= now) this.windows.delete(k);
  }
}

const INCREMENT_SCRIPT = `
local c = redis.call('INCR', KEYS[1])
if c == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {c, ttl}`;

export class RedisCounterStore implements CounterStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'podd:ctr:',
  ) {}

  async increment(key: string, windowMs: number): Promise<{ count: number; resetInMs: number }> {
    const [count, ttl] = (await this.redis.eval(
      INCREMENT_SCRIPT,
      1,
      this.prefix + key,
      String(windowMs),
    )) as [number, number];
    return { count: Number(count), resetInMs: Number(ttl) };
  }

  async peek(key: string): Promise<{ count: number; resetInMs: number }> {
    const [v, ttl] = await Promise.all([
      this.redis.get(this.prefix + key),
      this.redis.pttl(this.prefix + key),
    ]);
    return { count: v ? Number(v) : 0, resetInMs: ttl > 0 ? ttl : 0 };
  }

  async reset(key: string): Promise<void> {
    await this.redis.del(this.prefix + key);
  }
}
