import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { COUNTER_STORE, type CounterStore } from '../../common/counter-store.js';
import { AppError, ErrorCode } from '../../common/errors.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.module.js';
import { counter } from '../metrics.js';

const emergencyPasses = counter({
  name: 'podd_rate_limit_emergency_passes_total',
  help: 'Over-limit POST /api/chat requests let through because their message is an emergency',
});

/** The parts of a request an over-limit exemption may look at. */
export interface ThrottledRequest {
  method: string;
  /** The matched route's template (`/api/chat`), never the request target as sent. */
  route: string;
  body?: unknown;
}

/**
 * Port: whether an over-limit request must still be answered. Defined here and provided by a feature module
 * (ChatModule: an emergency chat message), so the rate limit knows no feature.
 */
export type OverLimitExemption = (req: ThrottledRequest) => boolean;
/** DI token of the OverLimitExemption. */
export const OVER_LIMIT_EXEMPTION = 'OVER_LIMIT_EXEMPTION';

/** The window of RATE_LIMIT_PER_MINUTE. */
const WINDOW_MS = 60_000;

interface LimitedRequest {
  method: string;
  ip: string;
  body?: unknown;
  user?: { id?: string } | null;
  routeOptions?: { url?: string };
}

interface LimitedReply {
  header(name: string, value: string | number): unknown;
}

/**
 * RATE_LIMIT_PER_MINUTE per user across all /api routes (per client IP when anonymous), except what the
 * OVER_LIMIT_EXEMPTION lets through (an emergency chat message). Runs after the JWT guard, so `req.user` is
 * known. Ops routes (/health, /metrics, /docs) are not limited. Fixed windows of a minute on the CounterStore
 * (in memory, or Redis counters shared by replicas); every limited answer carries `X-RateLimit-Limit`,
 * `-Remaining` and `-Reset` (seconds), and a 429 `Retry-After`.
 *
 * One rule for every route, so no per-route metadata is read: in memory the whole check is synchronous.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly limit: number;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(COUNTER_STORE) private readonly counters: CounterStore,
    @Inject(OVER_LIMIT_EXEMPTION) private readonly exempt: OverLimitExemption,
  ) {
    this.limit = config.rateLimitPerMinute;
  }

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const http = context.switchToHttp();
    const req = http.getRequest<LimitedRequest>();
    // The route the router matched, not the target as sent: `/%61pi/vitals` and `http://host/api/vitals` reach
    // `/api/vitals` too. (Guards run only for matched routes.)
    const route = req.routeOptions?.url ?? '';
    if (!route.startsWith('/api/')) return true;
    const reply = http.getResponse<LimitedReply>();
    // The key of the throttler this replaced, so counts carry across a rolling upgrade.
    const key = `rl:default:${req.user?.id ? `u:${req.user.id}` : `ip:${req.ip}`}`;
    const now = this.counters.incrementNow?.(key, WINDOW_MS);
    if (now) return this.decide(req, route, reply, now);
    return this.counters.increment(key, WINDOW_MS).then((hit) => this.decide(req, route, reply, hit));
  }

  private decide(
    req: LimitedRequest,
    route: string,
    reply: LimitedReply,
    hit: { count: number; resetInMs: number },
  ): boolean {
    const seconds = Math.max(1, Math.ceil(hit.resetInMs / 1000));
    if (hit.count > this.limit) {
      if (!this.exempt({ method: req.method, route, body: req.body })) {
        reply.header('Retry-After', seconds);
        throw new AppError(429, ErrorCode.RATE_LIMITED, 'Too many requests, please slow down');
      }
      emergencyPasses.inc();
    }
    reply.header('X-RateLimit-Limit', this.limit);
    reply.header('X-RateLimit-Remaining', Math.max(0, this.limit - hit.count));
    reply.header('X-RateLimit-Reset', seconds);
    return true;
  }
}
