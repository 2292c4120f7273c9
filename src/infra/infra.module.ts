import {
  Global,
  Inject,
  Logger,
  Module,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { Redis } from 'ioredis';
import { Clock, SystemClock } from '../common/clock.js';
import {
  COUNTER_STORE,
  MemoryCounterStore,
  RedisCounterStore,
  type CounterStore,
} from '../common/counter-store.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { HealthRegistry } from '../ops/health-registry.js';
import { CacheService } from './cache.service.js';
import { checkRedisEvictionPolicy } from './redis-eviction-policy.js';

/** DI token: the shared ioredis client, or null when REDIS_URL is not set. */
export const REDIS = 'REDIS';
/** DI token: fixed-window counters (memory or Redis); defined beside the port, below ops, which uses it. */
export { COUNTER_STORE };

/** Creates an ioredis client that fails fast instead of queueing commands forever while Redis is down. */
export function createRedis(url: string, name = 'podd'): Redis {
  return new Redis(url, {
    connectionName: name,
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    lazyConnect: false,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
}

/**
 * Side ports shared by every module: clock, Redis, counters, cache, and the health registry.
 * Chosen once from the config: memory implementations for one replica, Redis-backed ones for several.
 */
@Global()
@Module({
  providers: [
    { provide: Clock, useClass: SystemClock },
    HealthRegistry,
    {
      provide: REDIS,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => (config.redisUrl ? createRedis(config.redisUrl) : null),
    },
    {
      provide: COUNTER_STORE,
      inject: [REDIS],
      useFactory: (redis: Redis | null): CounterStore =>
        redis ? new RedisCounterStore(redis) : new MemoryCounterStore(),
    },
    {
      provide: CacheService,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new CacheService(config),
    },
  ],
  exports: [Clock, HealthRegistry, REDIS, COUNTER_STORE, CacheService],
})
export class InfraModule implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(REDIS) private readonly redis: Redis | null,
    private readonly cache: CacheService,
    private readonly health: HealthRegistry,
  ) {}

  onModuleInit(): void {
    const redis = this.redis;
    if (!redis) return;
    // Warn-only and in the background: a misconfigured Redis must not delay or block the start.
    void checkRedisEvictionPolicy(redis, new Logger('Redis'));
    this.health.register({
      name: 'redis',
      critical: true,
      check: async () => {
        try {
          const started = Date.now();
          await Promise.race([
            redis.ping(),
            new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 1000)),
          ]);
          return { status: 'up', details: { latency_ms: Date.now() - started } };
        } catch {
          return { status: 'down', details: { error: 'ping failed' } };
        }
      },
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.cache.close();
    if (this.redis) {
      try {
        await this.redis.quit();
      } catch {
        this.redis.disconnect();
      }
    }
  }
}
