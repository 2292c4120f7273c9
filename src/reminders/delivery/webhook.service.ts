import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { notFound, validationError } from '../../common/errors.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.module.js';
import { RecordConflictError } from '../../locusgraph/locusgraph.errors.js';
import { LocusGraphGateway } from '../../locusgraph/locusgraph.gateway.js';
import type { StoredRecord } from '../../locusgraph/locusgraph.types.js';
import { reminderMetrics } from '../reminder.metrics.js';
import { WEBHOOK, type DueRecord } from '../reminder.record.js';
import { DueQueue } from '../scheduler/due-queue.js';
import { checkWebhookUrl, sendWebhook, type WebhookResult } from './webhook-client.js';

export interface WebhookConfigPayload {
  [k: string]: unknown;
  user_id: string;
  url: string;
  secret: string;
  active: boolean;
}

/** A delivery target: a URL and the record its signing secret is read from (so retries never copy secrets). */
export interface WebhookTarget {
  url: string;
  /** Context id of the record holding `secret` (or `webhook_secret`). */
  secretRef: string;
}

export interface WebhookDelivery {
  /** Stable id of this delivery (receivers de-duplicate on it). */
  id: string;
  userId: string;
  event: string;
  body: Record<string, unknown>;
}

/** Waits before retry n (1-based): 10 s, 1 min, 5 min, 30 min, 2 h; then the delivery is dropped. */
export const WEBHOOK_BACKOFF_MS = [10_000, 60_000, 300_000, 1_800_000, 7_200_000];
const TIMEOUT_MS = 5_000;
const CONFIG_TTL_MS = 10_000;

/**
 * The second delivery channel: an HTTPS POST per notification to the user's webhook URL, signed with
 * HMAC-SHA256 (see webhook-client.ts), retried with backoff through the durable due queue (so retries
 * survive restarts and happen on one replica). The config is the record `notification_webhook:{user_id}`.
 */
/** Told the final outcome of a delivery that needed retries (e.g. an emergency alert's per-contact status). */
export type WebhookOutcomeListener = (delivery: WebhookDelivery, delivered: boolean) => void | Promise<void>;

@Injectable()
export class WebhookService {
  private readonly log = new Logger('Webhooks');
  private readonly outcomeListeners = new Map<string, WebhookOutcomeListener>();
  private readonly configs = new Map<
    string,
    { rec: StoredRecord<WebhookConfigPayload> | null; until: number }
  >();

  constructor(
    private readonly gateway: LocusGraphGateway,
    private readonly due: DueQueue,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private contextId(userId: string): string {
    return `${WEBHOOK}:${userId}`;
  }

  async getConfig(userId: string): Promise<StoredRecord<WebhookConfigPayload> | null> {
    const rec = await this.gateway.get<WebhookConfigPayload>(this.contextId(userId));
    return rec && rec.userId === userId ? rec : null;
  }

  /**
   * The config for deliveries, remembered for a few seconds per user (most users have none, and a burst of
   * reminders would otherwise read it once per notification). A change on this replica applies at once,
   * on the others within CONFIG_TTL_MS.
   */
  private async deliveryConfig(userId: string): Promise<StoredRecord<WebhookConfigPayload> | null> {
    const now = Date.now();
    const hit = this.configs.get(userId);
    if (hit && hit.until > now) return hit.rec;
    const rec = await this.getConfig(userId);
    if (this.configs.size > 100_000) this.configs.clear();
    this.configs.set(userId, { rec, until: now + CONFIG_TTL_MS });
    return rec;
  }

  async requireConfig(userId: string): Promise<StoredRecord<WebhookConfigPayload>> {
    const rec = await this.getConfig(userId);
    if (!rec) throw notFound('Webhook not configured');
    return rec;
  }

  /** Sets the URL (and the secret: given, kept, or generated). Returns the record and whether the secret is new. */
  async setConfig(
    userId: string,
    url: string,
    secret?: string | null,
    active?: boolean | null,
  ): Promise<StoredRecord<WebhookConfigPayload>> {
    const bad = checkWebhookUrl(url);
    if (bad) throw validationError(['body', 'url'], bad);
    for (let attempt = 0; ; attempt++) {
      const current = await this.getConfig(userId);
      const payload: WebhookConfigPayload = {
        user_id: userId,
        url,
        secret: secret ?? current?.payload.secret ?? randomBytes(32).toString('hex'),
        active: active ?? current?.payload.active ?? true,
      };
      try {
        const rec = await this.gateway.store<WebhookConfigPayload>({
          contextId: this.contextId(userId),
          userId,
          kind: 'fact',
          source: 'user',
          payload,
          ...(current ? { expectedVersion: current.version } : {}),
        });
        this.configs.delete(userId);
        return rec;
      } catch (e) {
        if (e instanceof RecordConflictError && attempt < 3) continue;
        throw e;
      }
    }
  }

  async deleteConfig(userId: string): Promise<void> {
    await this.requireConfig(userId);
    await this.gateway.delete(this.contextId(userId));
    this.configs.delete(userId);
  }

  /** Subscribes to the final outcome of retried deliveries of one event type. */
  onOutcome(event: string, listener: WebhookOutcomeListener): void {
    this.outcomeListeners.set(event, listener);
  }

  /** Delivers a notification to the user's webhook, if one is configured and active. Never throws. */
  async notifyUser(userId: string, delivery: WebhookDelivery): Promise<void> {
    try {
      const cfg = await this.deliveryConfig(userId);
      if (!cfg || !cfg.payload.active) return;
      await this.deliver({ url: cfg.payload.url, secretRef: cfg.contextId }, delivery);
    } catch (e) {
      this.log.warn(`webhook delivery ${delivery.id} failed to start: ${(e as Error).message}`);
    }
  }

  /** First attempt now; a retryable failure schedules retries in the due queue. Returns the first result. */
  async deliver(target: WebhookTarget, delivery: WebhookDelivery): Promise<WebhookResult> {
    const result = await this.attempt(target, delivery);
    if (!result.ok && result.retryable) await this.scheduleRetry(target, delivery, 1);
    return result;
  }

  /** The signing secret from the referenced record; undefined when the record is gone (the delivery is dropped). */
  private async secretOf(ref: string): Promise<string | null | undefined> {
    const rec = await this.gateway.get(ref);
    if (!rec) return undefined;
    const s = rec.payload.secret ?? rec.payload.webhook_secret;
    return typeof s === 'string' && s ? s : null;
  }

  private async attempt(target: WebhookTarget, d: WebhookDelivery): Promise<WebhookResult> {
    const secret = await this.secretOf(target.secretRef);
    if (secret === undefined) return { ok: false, status: null, retryable: false, error: 'webhook removed' };
    const body = JSON.stringify({ id: d.id, event: d.event, user_id: d.userId, ...d.body });
    const result = await sendWebhook(
      {
        url: target.url,
        secret,
        deliveryId: d.id,
        event: d.event,
        body,
        timestamp: Math.floor(this.clock.nowMs() / 1000),
      },
      { allowPrivate: this.config.reminders.webhookAllowPrivate, timeoutMs: TIMEOUT_MS },
    );
    reminderMetrics.webhooks.inc({
      outcome: result.ok ? 'delivered' : result.retryable ? 'retry' : 'failed',
    });
    if (!result.ok) this.log.warn(`webhook delivery ${d.id} failed (${result.error})`);
    return result;
  }

  private async scheduleRetry(target: WebhookTarget, d: WebhookDelivery, attempts: number): Promise<void> {
    const wait = WEBHOOK_BACKOFF_MS[attempts - 1];
    if (wait === undefined) return;
    await this.due.upsert(`hook|${d.id}|${target.url}`, () => ({
      identity: `hook|${d.id}|${target.url}`,
      dueAt: new Date(this.clock.nowMs() + wait),
      payload: {
        user_id: d.userId,
        kind: 'webhook',
        state: 'scheduled',
        source: target.secretRef,
        key: d.id,
        zone: null,
        attempts,
        url: target.url,
        event: d.event,
        body: d.body,
      },
    }));
  }

  /** A retry from the due queue. */
  async processRetry(rec: DueRecord): Promise<void> {
    const p = rec.payload as DueRecord['payload'] & {
      url?: string;
      event?: string;
      body?: Record<string, unknown>;
    };
    const attempts = p.attempts ?? 1;
    const target = { url: String(p.url), secretRef: p.source };
    const delivery = {
      id: p.key,
      userId: p.user_id,
      event: String(p.event ?? 'notification.created'),
      body: p.body ?? {},
    };
    const result = await this.attempt(target, delivery);
    const wait = WEBHOOK_BACKOFF_MS[attempts];
    if (!result.ok && result.retryable && wait !== undefined) {
      await this.due.replace(
        rec,
        { ...rec.payload, attempts: attempts + 1 },
        new Date(this.clock.nowMs() + wait),
      );
      return;
    }
    if (!result.ok) this.log.warn(`webhook delivery ${delivery.id} dropped after ${attempts + 1} attempts`);
    await this.due.remove(rec.contextId);
    try {
      await this.outcomeListeners.get(delivery.event)?.(delivery, result.ok);
    } catch (e) {
      this.log.warn(`outcome listener for ${delivery.event} failed: ${(e as Error).message}`);
    }
  }
}
