import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { WebSocket } from 'ws';
import { WebSocketUpgradeRegistry } from '../../websocket/websocket-upgrade.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.module.js';
import { createRedis, REDIS } from '../../infra/infra.module.js';
import { reminderMetrics } from '../reminder.metrics.js';

export const NOTIFICATIONS_WS_PATH = '/api/notifications/ws';
const CHANNEL = 'podd:push';

/** A message pushed to a user's sockets. */
export interface PushMessage {
  type: string;
  [k: string]: unknown;
}

/**
 * Real-time delivery: every open notification socket of a user (the app, the ESP32 device…) on this
 * instance, and — with REDIS_URL — on every other instance through one Redis pub/sub channel. The instance
 * that publishes delivers to its own sockets directly and ignores its own message on the channel, so each
 * socket receives each push exactly once.
 *
 * Protocol on `/api/notifications/ws` (JSON text frames): server → client
 * `{"type":"ready","user_id":…}` once, then `{"type":"notification","notification":{…NotificationResponse}}`;
 * client → server `{"type":"ping"}` → `{"type":"pong"}` (anything else is ignored).
 */
@Injectable()
export class PushHub implements OnModuleInit, OnApplicationShutdown {
  private readonly log = new Logger('PushHub');
  private readonly sockets = new Map<string, Set<WebSocket>>();
  private readonly instance = randomUUID();
  private sub: Redis | null = null;

  constructor(
    private readonly registry: WebSocketUpgradeRegistry,
    @Inject(REDIS) private readonly redis: Redis | null,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.registry.register({
      path: NOTIFICATIONS_WS_PATH,
      maxPayload: 4096,
      onConnection: (ws, { user }) => this.attach(user!.id, ws),
    });
    if (this.redis && this.config.redisUrl) {
      const sub = createRedis(this.config.redisUrl, 'podd-push-sub');
      this.sub = sub;
      sub.on('error', (e) => this.log.warn(`push subscriber: ${e.message}`));
      sub.on('message', (_channel: string, raw: string) => this.fromChannel(raw));
      void sub.subscribe(CHANNEL).catch((e: Error) => this.log.error(`push subscribe failed: ${e.message}`));
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.sub) {
      try {
        await this.sub.quit();
      } catch {
        this.sub.disconnect();
      }
    }
  }

  /** Connected sockets of a user on this instance. */
  localCount(userId: string): number {
    return this.sockets.get(userId)?.size ?? 0;
  }

  private attach(userId: string, ws: WebSocket): void {
    let set = this.sockets.get(userId);
    if (!set) {
      set = new Set();
      this.sockets.set(userId, set);
    }
    set.add(ws);
    reminderMetrics.wsConnections.inc();
    ws.on('close', () => {
      reminderMetrics.wsConnections.dec();
      const s = this.sockets.get(userId);
      if (!s) return;
      s.delete(ws);
      if (s.size === 0) this.sockets.delete(userId);
    });
    ws.on('error', () => ws.terminate());
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      try {
        const msg = JSON.parse(String(data)) as { type?: unknown };
        if (msg && msg.type === 'ping') ws.send(JSON.stringify({ type: 'pong' }));
      } catch {
        /* ignore malformed client frames */
      }
    });
    ws.send(JSON.stringify({ type: 'ready', user_id: userId }));
  }

  /** Pushes to every socket of the user, here and (with Redis) on the other instances. */
  async push(userId: string, message: PushMessage): Promise<void> {
    reminderMetrics.pushed.inc();
    const json = JSON.stringify(message);
    this.deliverLocal(userId, json);
    if (this.redis) {
      try {
        await this.redis.publish(CHANNEL, JSON.stringify({ o: this.instance, u: userId, m: json }));
      } catch (e) {
        this.log.warn(`push fan-out failed: ${(e as Error).message}`);
      }
    }
  }

  private fromChannel(raw: string): void {
    try {
      const { o, u, m } = JSON.parse(raw) as { o: string; u: string; m: string };
      if (o === this.instance || typeof u !== 'string' || typeof m !== 'string') return;
      this.deliverLocal(u, m);
    } catch {
      /* ignore foreign messages */
    }
  }

  private deliverLocal(userId: string, json: string): void {
    const set = this.sockets.get(userId);
    if (!set) return;
    // isLive: nothing reaches a socket whose token expired, even in the moment before it is closed.
    for (const ws of set) if (this.registry.isLive(ws)) ws.send(json);
  }
}
