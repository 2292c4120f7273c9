import { Inject, Injectable, type ExecutionContext } from '@nestjs/common';
import { StaticMetadataReflector } from '../../common/static-reflector.js';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  type ThrottlerLimitDetail,
  type ThrottlerModuleOptions,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import { COUNTER_STORE, type CounterStore } from '../../common/counter-store.js';
import { counter } from '../metrics.js';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

const emergencyPasses = counter({
  name: 'podd_rate_limit_emergency_passes_total',
  help: 'Over-limit POST /api/chat requests let through because their message is an emergency',
});

/** The parts of a request an over-limit exemption may look at. */
export interface ThrottledRequest {
  method?: string;
  url?: string;
  body?: unknown;
}

/**
 * Port: whether an over-limit request must still be answered. Defined here and provided by a feature module
 * (ChatModule: an emergency chat message), so the rate limit knows no feature.
 */
export type OverLimitExemption = (req: ThrottledRequest) => boolean;
/** DI token of the OverLimitExemption. */
export const OVER_LIMIT_EXEMPTION = 'OVER_LIMIT_EXEMPTION';

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
 * RATE_LIMIT_PER_MINUTE per user across all /api routes (per client IP when anonymous), except what the
 * OVER_LIMIT_EXEMPTION lets through (an emergency chat message). Runs after the JWT guard, so `req.user` is
 * known. Ops routes (/health, /metrics, /docs) are not limited.
 */
@Injectable()
export class AppThrottlerGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: StaticMetadataReflector,
    @Inject(OVER_LIMIT_EXEMPTION) private readonly exempt: OverLimitExemption,
  ) {
    super(options, storage, reflector);
  }

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
    if (this.exempt(http.getRequest<ThrottledRequest>())) {
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
