import { Inject, Injectable, type ExecutionContext } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerStorage } from '@nestjs/throttler';
type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;
import type { CounterStore } from '../../common/counter-store.js';
import { COUNTER_STORE } from '../../infra/infra.module.js';

/** @nestjs/throttler storage on our CounterStore: in memory, or atomic Redis counters shared by replicas. */
@Injectable()
export class CounterThrottlerStorage implements ThrottlerStorage {
  constructor(@Inject(COUNTER_STORE) private readonly counters: CounterStore) {}

  async increment(key: string, ttl: number, limit: number): Promise<ThrottlerStorageRecord> {
    const { count, resetInMs } = await this.counters.increment(`rl:${key}`, ttl);
    const seconds = Math.max(1, Math.ceil(resetInMs / 1000));
    const isBlocked = count > limit;
    return { totalHits: count, timeToExpire: seconds, isBlocked, timeToBlockExpire: isBlocked ? seconds : 0 };
  }
}

/**
 * RATE_LIMIT_PER_MINUTE per user across all /api routes (per client IP when anonymous).
 * Runs after the JWT guard, so `req.user` is known. Ops routes (/health, /metrics, /docs) are not limited.
 */
@Injectable()
export class AppThrottlerGuard extends ThrottlerGuard {
  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const url: string = context.switchToHttp().getRequest<{ url: string }>().url ?? '';
    return !url.startsWith('/api/');
  }

  protected override async getTracker(req: Record<string, any>): Promise<string> {
    return req.user?.id ? `u:${req.user.id}` : `ip:${req.ip}`;
  }

  protected override generateKey(_context: ExecutionContext, tracker: string, name: string): string {
    return `${name}:${tracker}`;
  }
}
