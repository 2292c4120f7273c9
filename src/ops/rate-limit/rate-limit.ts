import { Inject, Injectable, type ExecutionContext } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerLimitDetail, type ThrottlerStorage } from '@nestjs/throttler';
type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;
import { detectEmergency } from '../../chat/triage-gate.js';
import type { CounterStore } from '../../common/counter-store.js';
import { COUNTER_STORE } from '../../infra/infra.module.js';
import { counter } from '../metrics.js';

const emergencyPasses = counter({
  name: 'podd_rate_limit_emergency_passes_total',
  help: 'Over-limit POST /api/chat requests let through because their message is an emergency',
});

/**
 * An over-limit request that must still be answered: `POST /api/chat` whose message the triage calls an
 * emergency. Only the parsed body's `message` is read (the body limit applies as for any request; the triage
 * looks at most at TRIAGE_WINDOW_CHARS of it), no storage is touched, and the chat service then answers it
 * with the fixed emergency reply: no quota, no model, no lookup but the primary contact.
 */
export function isOverLimitEmergency(req: { method?: string; url?: string; body?: unknown }): boolean {
  if (req.method !== 'POST' || (req.url ?? '').split('?')[0] !== '/api/chat') return false;
  const message = (req.body as { message?: unknown } | null)?.message;
  return typeof message === 'string' && detectEmergency(message).emergency;
}

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
 * RATE_LIMIT_PER_MINUTE per user across all /api routes (per client IP when anonymous), except an emergency
 * chat message (isOverLimitEmergency). Runs after the JWT guard, so `req.user` is known. Ops routes (/health,
 * /metrics, /docs) are not limited.
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

  protected override async throwThrottlingException(
    context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const http = context.switchToHttp();
    if (isOverLimitEmergency(http.getRequest())) {
      emergencyPasses.inc();
      // The throttler already set Retry-After for the refusal that is not happening.
      http.getResponse<{ removeHeader?: (name: string) => void }>().removeHeader?.('Retry-After');
      return;
    }
    return super.throwThrottlingException(context, detail);
  }

  protected override generateKey(_context: ExecutionContext, tracker: string, name: string): string {
    return `${name}:${tracker}`;
  }
}
