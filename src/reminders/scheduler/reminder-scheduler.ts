import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import type { RecordChange } from '../../common/record-events.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.module.js';
import { LocusGraphGateway } from '../../locusgraph/locusgraph.gateway.js';
import { splitContextId } from '../../locusgraph/locusgraph.types.js';
import { WebhookService } from '../delivery/webhook.service.js';
import { NotificationsService, type NewNotification } from '../notifications/notifications.service.js';
import { reminderMetrics } from '../reminder.metrics.js';
import {
  occurrenceIdentity,
  type DuePayload,
  type DueRecord,
  type NotificationPayload,
  type NotificationRecord,
} from '../reminder.record.js';
import { classifyAdherence } from '../../schedule/adherence.js';
import { addDays } from '../../schedule/local-time.js';
import { missedDoseMessage } from '../alarm-messages.js';
import { nextOccurrence, occurrencesBetween, type Occurrence } from '../../schedule/occurrence.js';
import { DueQueue } from './due-queue.js';
import { isSourceType, ReminderSources, type Memo, type ReminderSource } from './sources.js';
import { MedicationReadModel } from '../../health-data/medication/medication.read-model.js';
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

/** Due records whose advance may wait until the pass has sent everything due (memory bound of one pass). */
const MAX_DEFERRED = 50_000;
/** Occurrences recorded as missed per source after a long downtime (older ones are only counted). */
const MAX_CATCH_UP = 50;
/** A due record whose processing failed is retried this much later (then again, never in a hot loop). */
const RETRY_MS = 30_000;

/** What an occurrence record comes to at a given time: its notifications and its next state. */
interface Plan {
  spec: ReminderSource | null;
  zone: string;
  items: NewNotification[];
  advance: { current: DueRecord; payload: DuePayload; dueAt: Date };
}

interface PreparedPlan {
  plan: Plan;
  /** Change counters when planned: of the due record, and of each record the plan read. */
  dueGen: number;
  deps: [string, number][];
}

/** Occurrences planned ahead of their due time (see ReminderScheduler.prepare). */
export interface PreparedRun {
  at: Date;
  plans: PreparedPlan[];
}

/** Bookkeeping writes deferred until a page of reminders is out. */
interface Followups {
  checks: { identity: string; payload: Omit<DuePayload, 'due_at'>; dueAt: Date }[];
  advances: { current: DueRecord; payload: DuePayload; dueAt: Date }[];
}

/** A dose found missed (after the missed-dose window, in the owner's time zone), for listeners such as the care circle. */
export interface MissedDoseEvent {
  userId: string;
  /** The occurrence key of the dose (stable: derive notification ids from it). */
  occurrenceKey: string;
  medicationName: string;
  /** HH:MM in the owner's zone. */
  localTime: string;
  dueAt: Date;
  /** False when found after downtime past the grace window (recorded, not pushed). */
  onTime: boolean;
}

export type MissedDoseListener = (event: MissedDoseEvent) => Promise<void>;

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
  private readonly missedListeners: MissedDoseListener[] = [];

  constructor(
    private readonly gateway: LocusGraphGateway,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly due: DueQueue,
    private readonly sources: ReminderSources,
    private readonly medications: MedicationReadModel,
    private readonly zones: RecordStore,
    private readonly notifications: NotificationsService,
    private readonly webhooks: WebhookService,
  ) {
    this.graceMs = config.reminders.graceMinutes * 60_000;
    this.missedWindowMs = config.reminders.missedDoseWindowMinutes * 60_000;
  }

  /**
   * Subscribes to missed doses. Listeners are awaited before the check is done, so a failing listener makes the
   * check retry later; they must be idempotent (they may see a dose again after a retry or on another replica).
   */
  onMissedDose(listener: MissedDoseListener): void {
    this.missedListeners.push(listener);
  }

  // ------------------------------------------------------------------------------------------- changes

  /** Reacts to a committed change of a watched record (RecordEvents listener). */
  async onChange(change: RecordChange): Promise<void> {
    const { type } = change;
    this.sources.invalidate(change.contextId);
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

  /**
   * Processes every scheduled due record due by now (the in-process dispatcher, tests, the bench), in
   * batches: occurrences of a batch are planned in memory, their notifications written in a few
   * transactions, then the due records advanced in a few more — several batches in flight, so one
   * durable commit (fsync) carries hundreds of reminders when many come due at the same minute.
   */
  async runDue(options: { batch?: number; parallel?: number; page?: number } = {}): Promise<RunStats> {
    const stats: RunStats = { processed: 0, sent: 0, missed: 0, errors: 0 };
    const seen = new Set<string>();
    const batch = options.batch ?? 250;
    const parallel = options.parallel ?? 8;
    const page = options.page ?? batch * parallel;
    for (;;) {
      // Notifications first (what users wait for), bookkeeping after: the due records advance once every
      // reminder due now is out (up to MAX_DEFERRED). Until then they stay where they are, so the listing pages
      // forward with an offset. A crash in between only means the next pass meets the notifications already
      // there (create-only, nothing pushed twice) and advances then.
      const later: Followups = { checks: [], advances: [] };
      let offset = 0;
      let fresh = 0;
      while (later.advances.length < MAX_DEFERRED) {
        const now = this.clock.now();
        const rows = await this.due.listDue(new Date(now.getTime() + 1), page, offset);
        offset += rows.length;
        const list = rows.filter((r) => !seen.has(`${r.contextId}@${r.version}`));
        for (const r of list) seen.add(`${r.contextId}@${r.version}`);
        fresh += list.length;
        const chunks: DueRecord[][] = [];
        for (let i = 0; i < list.length; i += batch) chunks.push(list.slice(i, i + batch));
        let next = 0;
        const lane = async (): Promise<void> => {
          while (next < chunks.length) await this.processBatch(chunks[next++], stats, later);
        };
        await Promise.all(Array.from({ length: Math.min(parallel, chunks.length) }, lane));
        if (rows.length < page) break;
      }
      await this.commitFollowups(later, batch * 2);
      if (fresh === 0) return stats;
    }
  }

  /** Writes deferred missed-dose checks and due-record advances, in transactions of `size`, several at once. */
  private async commitFollowups(f: Followups, size: number): Promise<void> {
    const jobs: Promise<void>[] = [];
    for (let i = 0; i < f.checks.length; i += size)
      jobs.push(this.due.createMany(f.checks.slice(i, i + size)));
    for (let i = 0; i < f.advances.length; i += size)
      jobs.push(this.due.replaceMany(f.advances.slice(i, i + size)));
    await Promise.all(jobs);
  }

  /** Processes one due record by id (a BullMQ job). */
  async processDue(contextId: string): Promise<RunStats> {
    const stats: RunStats = { processed: 0, sent: 0, missed: 0, errors: 0 };
    const rec = await this.due.get(contextId);
    if (rec) await this.processBatch([rec], stats);
    return stats;
  }

  private async processBatch(records: DueRecord[], stats: RunStats, later?: Followups): Promise<void> {
    const now = this.clock.now();
    const memo: Memo = new Map();
    // Not due (an early or stale job) or not scheduled: nothing to do.
    const due = records.filter(
      (r) => r.payload.state === 'scheduled' && r.occurredAt.getTime() <= now.getTime() + 1000,
    );
    stats.processed += due.length;
    const occurrences = due.filter((r) => r.payload.kind === 'occurrence');
    const others = due.filter((r) => r.payload.kind !== 'occurrence');
    if (occurrences.length) {
      try {
        await this.processOccurrences(occurrences, memo, now, stats, later);
      } catch (e) {
        // A batch that failed as a whole (store unavailable…): each record on its own, so one bad record cannot block the rest.
        if (occurrences.length === 1) await this.failed(occurrences[0], e, now, stats);
        else
          for (const r of occurrences)
            await this.processOccurrences([r], memo, now, stats, later).catch((err) =>
              this.failed(r, err, now, stats),
            );
      }
    }
    for (const rec of others) {
      try {
        switch (rec.payload.kind) {
          case 'missed_check':
            await this.processMissedCheck(rec, memo, now, stats);
            break;
          case 'snooze':
            await this.processSnooze(rec, now, stats);
            break;
          case 'webhook':
            await this.webhooks.processRetry(rec);
            break;
          default:
            await this.due.finish(rec);
        }
      } catch (e) {
        await this.failed(rec, e, now, stats);
      }
    }
  }

  /** Counts a failure and retries the record later (never in a hot loop). */
  private async failed(rec: DueRecord, e: unknown, now: Date, stats: RunStats): Promise<void> {
    stats.errors++;
    reminderMetrics.dueErrors.inc();
    this.log.error(`processing ${rec.contextId} (${rec.payload.kind}) failed: ${(e as Error).message}`);
    await this.due.replace(rec, rec.payload, new Date(now.getTime() + RETRY_MS)).catch(() => undefined);
  }

  private lateness(dueAt: Date, now: Date): number {
    return now.getTime() - dueAt.getTime();
  }

  /**
   * Occurrence records: everything each source's rule says was due from the recorded occurrence up to now
   * becomes a notification (sent within the grace window, else recorded as missed), then each record
   * advances to the source's next occurrence (compare-and-swap: a concurrent sync wins).
   */
  private async processOccurrences(
    records: DueRecord[],
    memo: Memo,
    now: Date,
    stats: RunStats,
    later?: Followups,
  ): Promise<void> {
    const plans = await Promise.all(records.map((rec) => this.plan(rec, memo, now)));
    await this.commitPlans(plans, now, stats, later);
  }

  /** Writes the notifications of planned occurrences (and pushes them), then the missed-dose checks and advances. */
  private async commitPlans(plans: Plan[], now: Date, stats: RunStats, later?: Followups): Promise<void> {
    const created = await this.notifications.createAndDeliver(plans.flatMap((p) => p.items));
    const bySource = new Map<string, NotificationRecord[]>();
    for (const r of created)
      bySource.set(r.payload.source ?? '', [...(bySource.get(r.payload.source ?? '') ?? []), r]);
    const checks: Followups['checks'] = [];
    for (const p of plans) {
      if (!p.spec) continue;
      const mine = bySource.get(p.spec.contextId) ?? [];
      this.account(
        p.spec.type,
        mine.map((r) => r.payload),
        now,
        stats,
      );
      // A missed-dose check for each medication reminder that was sent.
      if (!p.spec.medicationId) continue;
      for (const n of mine) {
        if (n.payload.status !== 'sent' || !n.payload.occurrence_key) continue;
        checks.push({
          identity: `miss|${n.payload.occurrence_key}`,
          payload: {
            user_id: p.spec.userId,
            kind: 'missed_check',
            state: 'scheduled',
            source: p.spec.contextId,
            key: n.payload.occurrence_key,
            zone: p.zone,
          },
          dueAt: new Date(new Date(n.payload.due_at).getTime() + this.missedWindowMs),
        });
      }
    }
    const advances = plans.map((p) => p.advance);
    if (later) {
      later.checks.push(...checks);
      later.advances.push(...advances);
      return;
    }
    if (checks.length) await this.due.createMany(checks);
    await this.due.replaceMany(advances);
  }

  // -------------------------------------------------------------------------------------------- prefetch

  /**
   * Prepares the occurrences due by `at` (lists and plans them: source reads, time zone arithmetic, texts)
   * ahead of time, so that at `at` only the writes and pushes remain. Nothing is written or pushed here.
   * For one replica only: staleness is detected with this process's change counters (every write passes here).
   */
  async prepare(at: Date): Promise<PreparedRun> {
    const rows: DueRecord[] = [];
    for (let offset = 0; rows.length < MAX_DEFERRED; offset += 5000) {
      const page = await this.due.listDue(new Date(at.getTime() + 1), 5000, offset);
      rows.push(...page.filter((r) => r.payload.state === 'scheduled' && r.payload.kind === 'occurrence'));
      if (page.length < 5000) break;
    }
    const memo: Memo = new Map();
    const plans: PreparedPlan[] = [];
    for (const rec of rows) {
      const dueGen = this.due.generationOf(rec.contextId);
      const plan = await this.plan(rec, memo, at);
      plans.push({
        plan,
        dueGen,
        deps: plan.spec ? plan.spec.deps.map((d) => [d, this.sources.generationOf(d)]) : [],
      });
    }
    return { at, plans };
  }

  /**
   * Commits a prepared run (call it at `prepared.at`): plans whose due record or sources changed since they
   * were made are left to the normal pass that follows; the rest are written and pushed, as runDue would.
   */
  async runPrepared(
    prepared: PreparedRun,
    options: { batch?: number; parallel?: number } = {},
  ): Promise<RunStats> {
    const stats: RunStats = { processed: 0, sent: 0, missed: 0, errors: 0 };
    const now = this.clock.now();
    const batch = options.batch ?? 250;
    const parallel = options.parallel ?? 8;
    const fresh = prepared.plans
      .filter(
        (p) =>
          this.due.generationOf(p.plan.advance.current.contextId) === p.dueGen &&
          p.deps.every(([d, g]) => this.sources.generationOf(d) === g),
      )
      .map((p) => p.plan);
    stats.processed = fresh.length;
    const chunks: Plan[][] = [];
    for (let i = 0; i < fresh.length; i += batch) chunks.push(fresh.slice(i, i + batch));
    const later: Followups = { checks: [], advances: [] };
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < chunks.length) {
        const chunk = chunks[next++];
        try {
          await this.commitPlans(chunk, now, stats, later);
        } catch (e) {
          // Left due: the pass below retries them (create-only notifications make that safe).
          stats.errors += chunk.length;
          reminderMetrics.dueErrors.inc(chunk.length);
          this.log.error(`committing ${chunk.length} prepared reminders failed: ${(e as Error).message}`);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(parallel, chunks.length) }, lane));
    await this.commitFollowups(later, batch * 2);
    const rest = await this.runDue(options);
    return {
      processed: stats.processed + rest.processed,
      sent: stats.sent + rest.sent,
      missed: stats.missed + rest.missed,
      errors: stats.errors + rest.errors,
    };
  }

  private async plan(rec: DueRecord, memo: Memo, now: Date): Promise<Plan> {
    const spec = await this.sources.load(rec.payload.source, memo);
    if (!spec || !spec.rule || spec.userId !== rec.payload.user_id) {
      return {
        spec: null,
        zone: '',
        items: [],
        advance: { current: rec, payload: { ...rec.payload, state: 'idle' }, dueAt: rec.occurredAt },
      };
    }
    const zone = await this.zones.zoneOf(spec.userId);
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
    const last = due.length ? due[due.length - 1].dueAt : rec.occurredAt;
    const next = nextOccurrence(spec.contextId, spec.rule, zone, last > now ? last : now);
    const advance = next
      ? {
          current: rec,
          payload: { ...this.occurrencePayload(spec, next), due_at: next.dueAt.toISOString() } as DuePayload,
          dueAt: next.dueAt,
        }
      : { current: rec, payload: { ...rec.payload, state: 'idle' as const }, dueAt: rec.occurredAt };
    return { spec, zone, items, advance };
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
    const history = await this.medications.doseHistory(
      spec.userId,
      spec.medicationId,
      new Date(`${addDays(localDate, -2)}T00:00:00Z`),
    );
    const result = classifyAdherence({
      ...history,
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
      const event: MissedDoseEvent = {
        userId: spec.userId,
        occurrenceKey: key,
        medicationName: name,
        localTime: dose.local_time,
        dueAt: rec.occurredAt,
        onTime: this.lateness(rec.occurredAt, now) <= this.graceMs,
      };
      for (const listener of this.missedListeners) await listener(event);
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
