import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import type { RecordChange } from '../../common/record-events.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.module.js';
import { LocusGraphGateway } from '../../locusgraph/locusgraph.gateway.js';
import { splitContextId, type StoredRecord } from '../../locusgraph/locusgraph.types.js';
import { WebhookService } from '../delivery/webhook.service.js';
import { NotificationsService, type NewNotification } from '../notifications/notifications.service.js';
import { reminderMetrics } from '../reminder.metrics.js';
import {
  NOTIFICATION,
  occurrenceIdentity,
  type DuePayload,
  type DueRecord,
  type NotificationPayload,
} from '../reminder.records.js';
import { classifyAdherence } from '../schedule/adherence.js';
import { addDays } from '../schedule/local-time.js';
import { missedDoseMessage } from '../schedule/messages.js';
import { nextOccurrence, occurrencesBetween, type Occurrence } from '../schedule/occurrence.js';
import { DueQueue } from './due-queue.js';
import { isSourceType, ReminderSources, type Memo, type ReminderSource } from './sources.js';
import { RecordStore } from '../../health-data/records/record-store.js';

/** Context types whose changes reschedule reminders. */
export const WATCHED_TYPES = [
  'alarm',
  'med_schedule',
  'appointment',
  'medication',
  'profile',
  'notification',
] as const;

/** Occurrences recorded as missed per source after a long downtime (older ones are only counted). */
const MAX_CATCH_UP = 50;
/** A due record whose processing failed is retried this much later (then again, never in a hot loop). */
const RETRY_MS = 30_000;

export interface RunStats {
  processed: number;
  sent: number;
  missed: number;
  errors: number;
}

/**
 * The reminder scheduler: keeps one due record per source (its next occurrence) and processes due
 * records. Timing is the dispatcher's job (in-process timers or BullMQ); this class decides what a due
 * record means, and is safe to run concurrently on several replicas:
 * - a notification's id is a function of the occurrence key and is created with create-only semantics,
 *   so an occurrence produces at most one notification and one push, whoever processes it and how often;
 * - due records advance with compare-and-swap, so a concurrent change is never overwritten.
 *
 * Catch-up (after downtime): each occurrence between the recorded due time and now fires once if it is at
 * most REMINDER_GRACE_MINUTES late, else it is recorded as a `missed` notification (listed, not pushed) —
 * nothing is ever pushed late in a burst.
 */
@Injectable()
export class ReminderScheduler {
  private readonly log = new Logger('ReminderScheduler');
  private readonly graceMs: number;
  private readonly missedWindowMs: number;

  constructor(
    private readonly gateway: LocusGraphGateway,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly due: DueQueue,
    private readonly sources: ReminderSources,
    private readonly zones: RecordStore,
    private readonly notifications: NotificationsService,
    private readonly webhooks: WebhookService,
  ) {
    this.graceMs = config.reminders.graceMinutes * 60_000;
    this.missedWindowMs = config.reminders.missedDoseWindowMinutes * 60_000;
  }

  // ------------------------------------------------------------------------------------------- changes

  /** Reacts to a committed change of a watched record (RecordEvents listener). */
  async onChange(change: RecordChange): Promise<void> {
    const { type } = change;
    if (type === 'profile') {
      if (!change.userId) return;
      this.zones.forgetZone(change.userId);
      for (const source of await this.sources.listForUser(change.userId)) await this.sync(source);
      return;
    }
    if (type === 'medication') {
      if (!change.userId) return;
      const { id } = splitContextId(change.contextId);
      for (const s of await this.sources.schedulesOfMedication(change.userId, id))
        await this.sync(s.contextId);
      return;
    }
    if (type === NOTIFICATION) {
      if (change.op === 'delete') await this.cancel(`snooze|${change.contextId}`);
      return;
    }
    await this.sync(change.contextId);
  }

  /**
   * Brings the due record of a source in line with the source as stored now: the next occurrence after
   * now in the user's zone, or idle when the source is gone, inactive or has no future occurrence.
   * An overdue occurrence not processed yet is kept (processing decides send vs missed).
   */
  async sync(source: string): Promise<void> {
    const { type } = splitContextId(source);
    if (!isSourceType(type)) return;
    const spec = await this.sources.load(source);
    const identity = occurrenceIdentity(source);
    if (!spec || !spec.rule) {
      await this.cancel(identity);
      return;
    }
    const zone = await this.zones.zoneOf(spec.userId);
    const now = this.clock.now();
    await this.due.upsert(identity, (current) => {
      const pending =
        current?.payload.state === 'scheduled' && current.occurredAt <= now ? current.occurredAt : null;
      const next = pending
        ? nextOccurrence(source, spec.rule!, zone, pending, true)
        : nextOccurrence(source, spec.rule!, zone, now, false);
      if (!next)
        return current
          ? { identity, dueAt: current.occurredAt, payload: { ...current.payload, state: 'idle' } }
          : null;
      return { identity, dueAt: next.dueAt, payload: this.occurrencePayload(spec, next) };
    });
  }

  private occurrencePayload(spec: ReminderSource, occ: Occurrence): Omit<DuePayload, 'due_at'> {
    return {
      user_id: spec.userId,
      kind: 'occurrence',
      state: 'scheduled',
      source: spec.contextId,
      key: occ.key,
      zone: occ.zone,
    };
  }

  /** Makes a unit of work idle (cancelled). */
  private async cancel(identity: string): Promise<void> {
    await this.due.upsert(identity, (current) =>
      current && current.payload.state !== 'idle'
        ? { identity, dueAt: current.occurredAt, payload: { ...current.payload, state: 'idle' } }
        : null,
    );
  }

  // ------------------------------------------------------------------------------------------ processing

  /** Processes every scheduled due record due by now (the in-process dispatcher, tests, the bench). */
  async runDue(options: { batch?: number; concurrency?: number } = {}): Promise<RunStats> {
    const stats: RunStats = { processed: 0, sent: 0, missed: 0, errors: 0 };
    const seen = new Set<string>();
    const batch = options.batch ?? 500;
    const concurrency = options.concurrency ?? 64;
    for (;;) {
      const now = this.clock.now();
      const list = (await this.due.listDue(new Date(now.getTime() + 1), batch + seen.size)).filter(
        (r) => !seen.has(`${r.contextId}@${r.version}`),
      );
      if (list.length === 0) return stats;
      for (const r of list) seen.add(`${r.contextId}@${r.version}`);
      const memo: Memo = new Map();
      let i = 0;
      const worker = async (): Promise<void> => {
        while (i < list.length) {
          const rec = list[i++];
          await this.processRecord(rec, memo, stats);
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, list.length) }, worker));
      if (list.length < batch) return stats;
    }
  }

  /** Processes one due record by id (a BullMQ job). */
  async processDue(contextId: string): Promise<RunStats> {
    const stats: RunStats = { processed: 0, sent: 0, missed: 0, errors: 0 };
    const rec = await this.due.get(contextId);
    if (rec) await this.processRecord(rec, new Map(), stats);
    return stats;
  }

  private async processRecord(rec: DueRecord, memo: Memo, stats: RunStats): Promise<void> {
    if (rec.payload.state !== 'scheduled') return;
    const now = this.clock.now();
    if (rec.occurredAt.getTime() > now.getTime() + 1000) return; // not due (an early or stale job)
    stats.processed++;
    try {
      switch (rec.payload.kind) {
        case 'occurrence':
          return await this.processOccurrence(rec, memo, now, stats);
        case 'missed_check':
          return await this.processMissedCheck(rec, memo, now, stats);
        case 'snooze':
          return await this.processSnooze(rec, now, stats);
        case 'webhook':
          return await this.webhooks.processRetry(rec);
        default:
          await this.due.finish(rec);
      }
    } catch (e) {
      stats.errors++;
      reminderMetrics.dueErrors.inc();
      this.log.error(`processing ${rec.contextId} (${rec.payload.kind}) failed: ${(e as Error).message}`);
      await this.due.replace(rec, rec.payload, new Date(now.getTime() + RETRY_MS)).catch(() => undefined);
    }
  }

  private lateness(dueAt: Date, now: Date): number {
    return now.getTime() - dueAt.getTime();
  }

  private async processOccurrence(rec: DueRecord, memo: Memo, now: Date, stats: RunStats): Promise<void> {
    const spec = await this.sources.load(rec.payload.source, memo);
    if (!spec || !spec.rule || spec.userId !== rec.payload.user_id) {
      await this.due.finish(rec);
      return;
    }
    const zone = await this.zones.zoneOf(spec.userId);
    // Everything the source's rule says was due from the recorded occurrence up to now.
    let due = occurrencesBetween(
      spec.contextId,
      spec.rule,
      zone,
      rec.occurredAt,
      new Date(now.getTime() + 1),
    );
    if (due.length > MAX_CATCH_UP) {
      this.log.warn(
        `${spec.contextId}: ${due.length - MAX_CATCH_UP} occurrences during downtime not recorded`,
      );
      due = due.slice(-MAX_CATCH_UP);
    }
    const items: NewNotification[] = due.map((occ) => {
      const c = spec.content(occ);
      return {
        userId: spec.userId,
        occurrenceKey: occ.key,
        source: spec.contextId,
        alarmId: c.alarm_id,
        title: c.title,
        message: c.message,
        type: c.type,
        kind: c.kind,
        status: this.lateness(occ.dueAt, now) <= this.graceMs ? 'sent' : 'missed',
        dueAt: occ.dueAt,
      };
    });
    const created = await this.notifications.createAndDeliver(items);
    this.account(
      spec.type,
      created.map((r) => r.payload),
      now,
      stats,
    );
    // A missed-dose check for each medication reminder that was sent.
    if (spec.medicationId) {
      for (const n of created) {
        if (n.payload.status !== 'sent') continue;
        const dueAt = new Date(n.payload.due_at);
        await this.due.createOnce(
          `miss|${n.payload.occurrence_key}`,
          {
            user_id: spec.userId,
            kind: 'missed_check',
            state: 'scheduled',
            source: spec.contextId,
            key: n.payload.occurrence_key!,
            zone,
          },
          new Date(dueAt.getTime() + this.missedWindowMs),
        );
      }
    }
    // Advance to the next occurrence after now (compare-and-swap: a concurrent sync wins).
    const last = due.length ? due[due.length - 1].dueAt : rec.occurredAt;
    const next = nextOccurrence(spec.contextId, spec.rule, zone, last > now ? last : now);
    if (next) await this.due.replace(rec, this.occurrencePayload(spec, next) as DuePayload, next.dueAt);
    else await this.due.finish(rec);
  }

  private account(sourceType: string, created: NotificationPayload[], now: Date, stats: RunStats): void {
    for (const n of created) {
      reminderMetrics.fired.inc({ source: sourceType, outcome: n.status });
      if (n.status === 'sent') {
        stats.sent++;
        reminderMetrics.lateness.observe(Math.max(0, this.lateness(new Date(n.due_at), now)) / 1000);
      } else stats.missed++;
    }
  }

  private async processMissedCheck(rec: DueRecord, memo: Memo, now: Date, stats: RunStats): Promise<void> {
    const spec = await this.sources.load(rec.payload.source, memo);
    if (!spec || !spec.rule || !spec.medicationId || spec.userId !== rec.payload.user_id) {
      await this.due.remove(rec.contextId);
      return;
    }
    const key = rec.payload.key;
    const zone = rec.payload.zone ?? (await this.zones.zoneOf(spec.userId));
    const localDate = key.slice(key.lastIndexOf('@') + 1, key.lastIndexOf('@') + 11);
    const schedules = await this.sources.schedulesOfMedication(spec.userId, spec.medicationId);
    const logs = await this.gateway.list({
      userId: spec.userId,
      type: 'med_log',
      where: { medication_id: spec.medicationId },
      from: new Date(`${addDays(localDate, -2)}T00:00:00Z`),
      order: 'asc',
      limit: 1000,
    });
    const result = classifyAdherence({
      schedules: schedules.map((s: StoredRecord) => ({
        id: s.id,
        medication_id: String(s.payload.medication_id ?? ''),
        time_of_day: String(s.payload.time_of_day ?? ''),
        days_of_week: Array.isArray(s.payload.days_of_week) ? (s.payload.days_of_week as string[]) : [],
      })),
      logs: logs.items.map((l) => ({
        id: l.id,
        medication_id: typeof l.payload.medication_id === 'string' ? l.payload.medication_id : null,
        taken_at: (l.payload.taken_at as string | undefined) ?? l.occurredAt,
        scheduled_time: (l.payload.scheduled_time as string | null | undefined) ?? null,
      })),
      zone,
      fromDate: localDate,
      toDate: localDate,
      now,
      windowMinutes: this.missedWindowMs / 60_000,
    });
    const dose = result.doses.find((d) => d.occurrence_key === key);
    if (dose?.status === 'missed') {
      const name = spec.medicationName ?? 'your medicine';
      const created = await this.notifications.createAndDeliver([
        {
          userId: spec.userId,
          occurrenceKey: `${key}#missed`,
          source: spec.contextId,
          alarmId: null,
          title: `Missed dose: ${name}`,
          message: missedDoseMessage(name, dose.local_time),
          type: 'medication',
          kind: 'missed_dose',
          status: this.lateness(rec.occurredAt, now) <= this.graceMs ? 'sent' : 'missed',
          dueAt: rec.occurredAt,
        },
      ]);
      if (created.length) reminderMetrics.missedDoses.inc();
      this.account(
        'missed_dose',
        created.map((r) => r.payload),
        now,
        stats,
      );
    }
    await this.due.remove(rec.contextId);
  }

  private async processSnooze(rec: DueRecord, now: Date, stats: RunStats): Promise<void> {
    const original = await this.gateway.get<NotificationPayload>(rec.payload.source);
    if (original && original.userId === rec.payload.user_id) {
      const p = original.payload;
      const created = await this.notifications.createAndDeliver([
        {
          userId: p.user_id,
          occurrenceKey: rec.payload.key,
          source: original.contextId,
          alarmId: p.alarm_id ?? null,
          title: p.title,
          message: p.message,
          type: p.type,
          kind: 'snooze',
          status: this.lateness(rec.occurredAt, now) <= this.graceMs ? 'sent' : 'missed',
          dueAt: rec.occurredAt,
        },
      ]);
      this.account(
        'snooze',
        created.map((r) => r.payload),
        now,
        stats,
      );
    }
    await this.due.finish(rec);
  }

  // ------------------------------------------------------------------------------------- maintenance

  /** Erases the scheduler's records of a user (account deletion). */
  async forgetUser(userId: string): Promise<number> {
    const list = await this.due.listForUser(userId);
    for (const r of list) await this.due.remove(r.contextId);
    this.zones.forgetZone(userId);
    return list.length;
  }

  /** Re-syncs every source of a user (repairs a missed change event). */
  async reconcileUser(userId: string): Promise<void> {
    for (const source of await this.sources.listForUser(userId)) await this.sync(source);
  }

  /** Drops due records whose source no longer exists and idle records (the daily sweep). */
  async sweep(): Promise<number> {
    let removed = 0;
    for await (const r of this.due.all()) {
      const idle = r.payload.state === 'idle';
      const orphan = !idle && !(await this.gateway.get(r.payload.source));
      if (idle || orphan) {
        await this.due.remove(r.contextId);
        removed++;
      }
    }
    return removed;
  }
}
