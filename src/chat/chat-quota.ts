import { AppError, ErrorCode } from '../common/errors.js';
import type { CounterStore } from '../common/counter-store.js';

/**
 * Per-user chat quota (CHAT_RATE_PER_MINUTE): text chat and voice conversations share it, because each may
 * call a paid model. Counters live in the shared CounterStore, so the limit holds across replicas with Redis.
 */
export class ChatQuota {
  constructor(
    private readonly counters: CounterStore,
    private readonly perMinute: number,
  ) {}

  async take(userId: string): Promise<void> {
    const { count, resetInMs } = await this.counters.increment(`chat:${userId}`, 60_000);
    if (count > this.perMinute) {
      const retry = Math.max(1, Math.ceil(resetInMs / 1000));
      throw new AppError(
        429,
        ErrorCode.RATE_LIMITED,
        `Chat limit of ${this.perMinute} messages a minute reached; try again in ${retry} s`,
        {
          'retry-after': String(retry),
        },
      );
    }
  }
}

/**
 * Whether a user had an emergency alarm in the last 30 minutes (then every reply carries a short safety line).
 * A counter window restarted at each alarm, in the shared CounterStore, so every replica sees it.
 */
export class RecentAlarms {
  static readonly WINDOW_MS = 30 * 60_000;

  constructor(private readonly counters: CounterStore) {}

  async mark(userId: string): Promise<void> {
    await this.counters.reset(`alarm:${userId}`);
    await this.counters.increment(`alarm:${userId}`, RecentAlarms.WINDOW_MS);
  }

  async recent(userId: string): Promise<boolean> {
    return (await this.counters.peek(`alarm:${userId}`)).count > 0;
  }
}
