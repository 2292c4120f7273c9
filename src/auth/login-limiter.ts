import { Inject, Injectable } from '@nestjs/common';
import type { CounterStore } from '../common/counter-store.js';
import { AppError, ErrorCode } from '../common/errors.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { COUNTER_STORE } from '../infra/infra.module.js';
import { counter } from '../ops/metrics.js';
import { sha256 } from './token.service.js';

/** First delay once an account has LOGIN_MAX_FAILURES failures in the window; doubles with each further one. */
const SLOWDOWN_BASE_MS = 250;
/** The owner waits at most this long, however hard someone else is guessing. */
const SLOWDOWN_MAX_MS = 3000;

export const loginMetrics = {
  failures: counter({ name: 'podd_login_failures_total', help: 'Failed logins (wrong e-mail or password)' }),
  lockouts: counter({
    name: 'podd_login_lockouts_total',
    help: 'Login lockouts started (LOGIN_MAX_FAILURES reached), by scope: account_address (one account from one address) or address (any account from one address)',
    labelNames: ['scope'] as const,
  }),
};

/**
 * Brute-force protection for login that cannot be turned against the account's owner. Failures are counted
 * in a fixed window (LOGIN_WINDOW_MINUTES) per (account, address) pair, per address, and per account:
 * - a pair or an address past LOGIN_MAX_FAILURES is refused (429 with Retry-After) before any password check;
 * - an account past it is only SLOWED DOWN (250 ms, doubling, at most 3 s before each attempt), never locked:
 *   someone spraying guesses from many addresses makes the owner wait seconds, not fifteen minutes.
 * Addresses come from the socket, or from X-Forwarded-For only when TRUST_PROXY names the proxy.
 * Counters live in Redis when configured, so the limits are global; account keys are hashed so Redis never
 * holds e-mail addresses.
 */
@Injectable()
export class LoginLimiter {
  constructor(
    @Inject(COUNTER_STORE) private readonly counters: CounterStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private keys(email: string, ip: string): { pair: string; address: string; account: string } {
    const acct = sha256(email);
    return { pair: `login:pair:${acct}:${ip}`, address: `login:ip:${ip}`, account: `login:acct:${acct}` };
  }

  /** Refuses a locked-out pair or address (429); delays an attempt on an account under attack. */
  async admit(email: string, ip: string): Promise<void> {
    const k = this.keys(email, ip);
    const [pair, address, account] = await Promise.all([
      this.counters.peek(k.pair),
      this.counters.peek(k.address),
      this.counters.peek(k.account),
    ]);
    const max = this.config.login.maxFailures;
    const locked = [pair, address].filter((c) => c.count >= max);
    if (locked.length) {
      const retryAfter = Math.max(1, Math.ceil(Math.max(...locked.map((c) => c.resetInMs)) / 1000));
      throw new AppError(429, ErrorCode.LOGIN_THROTTLED, 'Too many failed login attempts, try again later', {
        'retry-after': String(retryAfter),
      });
    }
    if (account.count >= max) {
      const delay = Math.min(SLOWDOWN_MAX_MS, SLOWDOWN_BASE_MS * 2 ** Math.min(16, account.count - max));
      await new Promise((r) => setTimeout(r, delay));
    }
  }

  async recordFailure(email: string, ip: string): Promise<void> {
    loginMetrics.failures.inc();
    const windowMs = this.config.login.windowSeconds * 1000;
    const k = this.keys(email, ip);
    const [pair, address] = await Promise.all([
      this.counters.increment(k.pair, windowMs),
      this.counters.increment(k.address, windowMs),
      this.counters.increment(k.account, windowMs),
    ]);
    const max = this.config.login.maxFailures;
    if (pair.count === max) loginMetrics.lockouts.inc({ scope: 'account_address' });
    if (address.count === max) loginMetrics.lockouts.inc({ scope: 'address' });
  }

  /** Success clears the pair and the account's slow-down (the address's count stays: it may guess many accounts). */
  async recordSuccess(email: string, ip: string): Promise<void> {
    const k = this.keys(email, ip);
    await Promise.all([this.counters.reset(k.pair), this.counters.reset(k.account)]);
  }
}
