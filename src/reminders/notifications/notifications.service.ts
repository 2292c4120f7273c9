import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { notFound } from '../../common/errors.js';
import { RECORD_ID_PATTERN } from '../../common/ids.js';
import { RecordConflictError } from '../../locusgraph/locusgraph.errors.js';
import { LocusGraphGateway } from '../../locusgraph/locusgraph.gateway.js';
import type { StoreRequest } from '../../locusgraph/locusgraph.types.js';
import { PushHub } from '../delivery/push-hub.js';
import { WebhookService } from '../delivery/webhook.service.js';
import { reminderMetrics } from '../reminder.metrics.js';
import {
  NOTIFICATION,
  notificationIdForKey,
  type NotificationKind,
  type NotificationPayload,
  type NotificationRecord,
  type NotificationStatus,
} from '../reminder.record.js';
import { toZonedIso } from '../../schedule/local-time.js';
import { onceKey } from '../../schedule/occurrence.js';
import { DueQueue } from '../scheduler/due-queue.js';
import { RecordStore } from '../../health-data/records/record-store.js';
import type { NotificationResponseDto } from './notifications.dto.js';

/** A notification to create for an occurrence (idempotent on `occurrenceKey`). */
export interface NewNotification {
  userId: string;
  occurrenceKey: string;
  source: string | null;
  alarmId: string | null;
  title: string;
  message: string;
  type: string;
  kind: NotificationKind;
  status: NotificationStatus;
  dueAt: Date;
  data?: Record<string, unknown> | null;
}

const NOT_FOUND = 'Notification not found';
const BATCH = 500;

/**
 * Notification records (`notification:{id}`) and their delivery. Creation is idempotent per occurrence:
 * the id is derived from the occurrence key and the record is created with create-only semantics, so a
 * retry, a restart or a second replica meets a conflict instead of writing a duplicate — and only the
 * writer that created the record pushes it (WebSocket, then webhook).
 */
@Injectable()
export class NotificationsService {
  private readonly log = new Logger('Notifications');

  constructor(
    private readonly gateway: LocusGraphGateway,
    private readonly clock: Clock,
    private readonly zones: RecordStore,
    private readonly push: PushHub,
    private readonly webhooks: WebhookService,
    private readonly due: DueQueue,
  ) {}

  // ------------------------------------------------------------------------------------------ creation

  private request(n: NewNotification, now: Date): StoreRequest<NotificationPayload> {
    return {
      contextId: `${NOTIFICATION}:${notificationIdForKey(n.occurrenceKey)}`,
      userId: n.userId,
      kind: 'action',
      source: 'system',
      occurredAt: n.dueAt,
      payload: {
        user_id: n.userId,
        alarm_id: n.alarmId,
        title: n.title,
        message: n.message,
        type: n.type,
        read: false,
        created_at: now.toISOString(),
        kind: n.kind,
        status: n.status,
        source: n.source,
        occurrence_key: n.occurrenceKey,
        due_at: n.dueAt.toISOString(),
        snoozed_until: null,
        ...(n.data ? { data: n.data } : {}),
      },
    };
  }

  /**
   * Creates the notifications that do not exist yet (create-only, in transactions of up to 500) and
   * delivers the `sent` ones it created. Returns the records this call created.
   */
  async createAndDeliver(items: NewNotification[]): Promise<NotificationRecord[]> {
    const created: NotificationRecord[] = [];
    const now = this.clock.now();
    for (let i = 0; i < items.length; i += BATCH) {
      const reqs = items.slice(i, i + BATCH).map((n) => this.request(n, now));
      let batch: NotificationRecord[];
      try {
        batch =
          reqs.length === 1
            ? [await this.gateway.store(reqs[0])]
            : ((await this.gateway.storeMany(reqs)) as NotificationRecord[]);
      } catch (e) {
        if (!(e instanceof RecordConflictError)) throw e;
        // Some already exist (a retry or another replica): one by one, keeping the ones that are new.
        batch = [];
        for (const r of reqs) {
          try {
            batch.push(await this.gateway.store(r));
          } catch (err) {
            if (!(err instanceof RecordConflictError)) throw err;
            reminderMetrics.duplicatesPrevented.inc();
          }
        }
      }
      created.push(...batch);
    }
    await Promise.all(created.filter((r) => r.payload.status === 'sent').map((r) => this.deliver(r)));
    return created;
  }

  /** Pushes a created notification to the user's sockets and webhook. Never throws. */
  private async deliver(rec: NotificationRecord): Promise<void> {
    try {
      const zone = await this.zones.zoneOf(rec.payload.user_id);
      const body = this.render(rec, zone);
      await this.push.push(rec.payload.user_id, { type: 'notification', notification: body });
      void this.webhooks.notifyUser(rec.payload.user_id, {
        id: rec.id,
        userId: rec.payload.user_id,
        event: `notification.${rec.payload.kind}`,
        body: { notification: body },
      });
    } catch (e) {
      this.log.warn(`delivery of notification ${rec.id} failed: ${(e as Error).message}`);
    }
  }

  // ------------------------------------------------------------------------------------------- routes

  render(rec: NotificationRecord, zone: string): NotificationResponseDto {
    const p = rec.payload;
    const at = (iso: string | null | undefined): string | null =>
      iso ? toZonedIso(new Date(iso), zone) : null;
    return {
      id: rec.id,
      user_id: p.user_id,
      alarm_id: p.alarm_id ?? null,
      title: p.title,
      message: p.message,
      type: p.type,
      read: p.read === true,
      created_at: at(p.created_at) ?? toZonedIso(rec.createdAt, zone),
      kind: p.kind ?? 'reminder',
      status: p.status ?? 'sent',
      source: p.source ?? null,
      due_at: at(p.due_at),
      snoozed_until: at(p.snoozed_until),
      ...(p.data ? { data: p.data } : {}),
    };
  }

  private async find(userId: string, id: string): Promise<NotificationRecord> {
    if (typeof id !== 'string' || !RECORD_ID_PATTERN.test(id)) throw notFound(NOT_FOUND);
    const rec = await this.gateway.get<NotificationPayload>(`${NOTIFICATION}:${id}`);
    if (!rec || rec.userId !== userId || rec.type !== NOTIFICATION) throw notFound(NOT_FOUND);
    return rec;
  }

  async list(userId: string, unreadOnly: boolean, limit: number): Promise<NotificationResponseDto[]> {
    const [page, zone] = await Promise.all([
      this.gateway.list<NotificationPayload>({
        userId,
        type: NOTIFICATION,
        ...(unreadOnly ? { where: { read: false } } : {}),
        order: 'desc',
        limit,
      }),
      this.zones.zoneOf(userId),
    ]);
    return page.items.map((r) => this.render(r, zone));
  }

  /** Read-modify-write with the version read; retried on a concurrent change. */
  private async patch(
    userId: string,
    id: string,
    change: (p: NotificationPayload) => NotificationPayload,
  ): Promise<NotificationRecord> {
    for (let attempt = 0; ; attempt++) {
      const rec = await this.find(userId, id);
      try {
        return await this.gateway.store<NotificationPayload>({
          contextId: rec.contextId,
          userId,
          kind: 'action',
          source: 'user',
          payload: change(rec.payload),
          expectedVersion: rec.version,
        });
      } catch (e) {
        if (e instanceof RecordConflictError && attempt < 3) continue;
        throw e;
      }
    }
  }

  async markRead(userId: string, id: string): Promise<NotificationResponseDto> {
    const rec = await this.patch(userId, id, (p) => ({ ...p, read: true }));
    return this.render(rec, await this.zones.zoneOf(userId));
  }

  /** Marks every unread notification read. Returns how many changed. */
  async markAllRead(userId: string): Promise<number> {
    let updated = 0;
    for (let round = 0; round < 100; round++) {
      const page = await this.gateway.list<NotificationPayload>({
        userId,
        type: NOTIFICATION,
        where: { read: false },
        limit: 200,
      });
      if (page.items.length === 0) break;
      const reqs = page.items.map((r) => ({
        contextId: r.contextId,
        userId,
        kind: 'action' as const,
        source: 'user' as const,
        payload: { ...r.payload, read: true },
        expectedVersion: r.version,
      }));
      try {
        await this.gateway.storeMany(reqs);
        updated += reqs.length;
      } catch (e) {
        if (!(e instanceof RecordConflictError)) throw e;
        for (const r of reqs) {
          try {
            await this.gateway.store(r);
            updated++;
          } catch (err) {
            if (!(err instanceof RecordConflictError)) throw err;
          }
        }
      }
    }
    return updated;
  }

  /**
   * Snooze: marks the notification read and schedules it again `minutes` from now (a new notification of
   * kind `snooze`, pushed when due). Snoozing again moves the pending repeat; it is never delivered twice.
   */
  async snooze(userId: string, id: string, minutes: number): Promise<NotificationResponseDto> {
    const until = new Date(this.clock.nowMs() + minutes * 60_000);
    const rec = await this.patch(userId, id, (p) => ({
      ...p,
      read: true,
      snoozed_until: until.toISOString(),
    }));
    const zone = await this.zones.zoneOf(userId);
    await this.due.upsert(`snooze|${rec.contextId}`, () => ({
      identity: `snooze|${rec.contextId}`,
      dueAt: until,
      payload: {
        user_id: userId,
        kind: 'snooze',
        state: 'scheduled',
        source: rec.contextId,
        key: onceKey(rec.contextId, until),
        zone,
      },
    }));
    return this.render(rec, zone);
  }
}
