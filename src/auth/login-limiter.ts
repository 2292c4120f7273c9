import { Inject, Injectable } from '@nestjs/common';
import type { CounterStore } from '../common/counter-store.js';
import { AppError, ErrorCode } from '../common/errors.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { COUNTER_STORE } from '../infra/infra.module.js';
import { sha256 } from './token.service.js';

/**
 * Brute-force protection for login: failures are counted per account and per client IP in a fixed window
 * (LOGIN_MAX_FAILURES per LOGIN_WINDOW_MINUTES). Past the limit, login answers 429 with Retry-After
 * before any password is checked. Counters live in Redis when configured, so the limit is global.
 */
@Injectable()
export class LoginLimiter {
  constructor(
    @Inject(COUNTER_STORE) private readonly counters: CounterStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Account keys are hashed so Redis never holds e-mail addresses. */
  private keys(email: string, ip: string): string[] {
    return [`login:acct:${sha256(email)}`, `login:ip:${ip}`];
  }

  async assertAllowed(email: string, ip: string): Promise<void> {
    for (const key of this.keys(email, ip)) {
      const { count, resetInMs } = await this.counters.peek(key);
      if (count >= this.config.login.maxFailures) {
        const retryAfter = Math.max(1, Math.ceil(resetInMs / 1000));
        throw new AppError(
          429,
          ErrorCode.LOGIN_THROTTLED,
          'Too many failed login attempts, try again later',
          {
            'retry-after': String(retryAfter),
          },
        );
      }
    }
  }

  async recordFailure(email: string, ip: string): Promise<void> {
    const windowMs = this.config.login.windowSeconds * 1000;
    await Promise.all(this.keys(email, ip).map((k) => this.counters.increment(k, windowMs)));
  }

  /** A successful login clears the account's counter (the IP's stays: it may be guessing many accounts). */
  async recordSuccess(email: string): Promise<void> {
    await this.counters.reset(`login:acct:${sha256(email)}`);
  }
}
