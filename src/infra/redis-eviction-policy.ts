import type { Redis } from 'ioredis';

/** Where the warning goes: the Nest Logger in the app, a capture in tests. */
export interface WarnSink {
  warn(message: string): void;
}

/**
 * Reads Redis's `maxmemory-policy` once at boot and warns unless it is `noeviction`. The BullMQ reminder
 * queue and the shared rate-limit counters live in Redis: under any evicting policy a full Redis silently
 * drops queued jobs (reminders never fire) and counters (limits reset). `INFO memory` is used rather than
 * `CONFIG GET` because managed Redis services often disable CONFIG. Never throws; returns the policy read,
 * or null when it could not be read.
 */
export async function checkRedisEvictionPolicy(redis: Redis, log: WarnSink): Promise<string | null> {
  let policy: string | null = null;
  try {
    const info = await redis.info('memory');
    policy = /^maxmemory_policy:(\S+)/m.exec(info)?.[1] ?? null;
  } catch {
    policy = null;
  }
  if (policy === null) {
    log.warn(
      'Could not read Redis maxmemory-policy (INFO memory failed): make sure it is "noeviction", ' +
        'or queued reminders may be evicted when Redis is full',
    );
  } else if (policy !== 'noeviction') {
    log.warn(
      `Redis maxmemory-policy is "${policy}": set "maxmemory-policy noeviction" ` +
        '(BullMQ needs it; with eviction a full Redis drops queued reminders and rate-limit counters)',
    );
  }
  return policy;
}
