import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { createRedis, REDIS } from '../infra/infra.module.js';

const CHANNEL = 'podd:sessions-revoked';

/**
 * A user's tokens older than `validFrom` (a token version) stop being valid; `validFrom` null: the account
 * was erased and every token of it is dead.
 */
export interface Revocation {
  userId: string;
  validFrom: number | null;
}

export type RevocationListener = (r: Revocation) => void | Promise<void>;

/**
 * Tells every part of every replica that a user's sessions were revoked (logout-all, password change,
 * erasure), so that caches forget the user and open WebSockets close at once instead of at token expiry.
 * Local listeners are awaited (the revoking request answers after the sockets here are closed); with
 * REDIS_URL the news goes to the other replicas over one pub/sub channel. The periodic re-check of open
 * sockets (WebSocketUpgradeRegistry) is the safety net when a message is lost.
 */
@Injectable()
export class SessionRevocations implements OnModuleInit, OnApplicationShutdown {
  private readonly log = new Logger('SessionRevocations');
  private readonly listeners = new Set<RevocationListener>();
  private readonly instance = randomUUID();
  private sub: Redis | null = null;

  constructor(
    @Inject(REDIS) private readonly redis: Redis | null,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    if (!this.redis || !this.config.redisUrl) return;
    const sub = createRedis(this.config.redisUrl, 'podd-revocations-sub');
    this.sub = sub;
    sub.on('error', (e) => this.log.warn(`revocation subscriber: ${e.message}`));
    sub.on('message', (_channel: string, raw: string) => {
      try {
        const { o, u, v } = JSON.parse(raw) as { o?: unknown; u?: unknown; v?: unknown };
        if (o === this.instance || typeof u !== 'string') return;
        void this.notifyLocal({ userId: u, validFrom: typeof v === 'number' ? v : null });
      } catch {
        /* ignore foreign messages */
      }
    });
    void sub
      .subscribe(CHANNEL)
      .catch((e: Error) => this.log.error(`revocation subscribe failed: ${e.message}`));
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.sub) return;
    try {
      await this.sub.quit();
    } catch {
      this.sub.disconnect();
    }
  }

  /** Registers a listener; returns a function that removes it. */
  onRevoked(listener: RevocationListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Announces a revocation (after it is committed): this replica's listeners first, then the others. */
  async revoked(r: Revocation): Promise<void> {
    await this.notifyLocal(r);
    if (!this.redis) return;
    try {
      await this.redis.publish(CHANNEL, JSON.stringify({ o: this.instance, u: r.userId, v: r.validFrom }));
    } catch (e) {
      this.log.warn(
        `revocation fan-out failed (sockets elsewhere close at the next re-check): ${(e as Error).message}`,
      );
    }
  }

  private async notifyLocal(r: Revocation): Promise<void> {
    await Promise.all(
      [...this.listeners].map(async (l) => {
        try {
          await l(r);
        } catch (e) {
          this.log.warn(`revocation listener failed: ${(e as Error).message}`);
        }
      }),
    );
  }
}
