import { Injectable } from '@nestjs/common';
import { MedicationReadModel } from '../../health-data/medication/medication.read-model.js';
import { LocusGraphGateway } from '../../locusgraph/locusgraph.gateway.js';
import { splitContextId, type Payload, type StoredRecord } from '../../locusgraph/locusgraph.types.js';
import { appointmentMessage, defaultAlarmMessage, medicationMessage } from '../alarm-messages.js';
import type { Occurrence } from '../../schedule/occurrence.js';
import { weeklyRule, type OccurrenceRule } from '../../schedule/rules.js';
import { ALARM, type AlarmPayload, type NotificationKind } from '../reminder.record.js';

/** Context types that produce reminder occurrences. */
export const SOURCE_TYPES = [ALARM, 'med_schedule', 'appointment'] as const;
export type SourceType = (typeof SOURCE_TYPES)[number];

export const isSourceType = (t: string): t is SourceType => (SOURCE_TYPES as readonly string[]).includes(t);

/** What a notification of an occurrence says. */
export interface OccurrenceContent {
  title: string;
  message: string;
  type: string;
  alarm_id: string | null;
  kind: NotificationKind;
}

/** A reminder source as the scheduler sees it: who, when (rule, or null when it should not fire) and what to say. */
export interface ReminderSource {
  contextId: string;
  type: SourceType;
  userId: string;
  rule: OccurrenceRule | null;
  /** For medication schedules: the medication, for the missed-dose check. */
  medicationId: string | null;
  medicationName: string | null;
  /** Context ids this source was read from (itself, and the medication of a schedule). */
  deps: string[];
  content(occ: Occurrence): OccurrenceContent;
}

/** A read-through memo for one batch of work (many occurrences share medications and profiles). */
export type Memo = Map<string, Promise<StoredRecord | null>>;

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const date = (v: unknown): Date | null => {
  if (typeof v !== 'string' && !(v instanceof Date)) return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
};
/** A payload flag that marks a record as not live (soft-deleted / cancelled), whatever the writer called it. */
const dead = (p: Payload): boolean => p.deleted === true || p.active === false || p.status === 'cancelled';

/**
 * Reads reminder sources through the gateway: the ReminderModule's alarms and the health-data module's
 * medication schedules (with their medication) and appointments. Field names are the original's (§4.2).
 */
@Injectable()
export class ReminderSources {
  /** Read-through cache of source records (enabled for a single replica only, see enableCache). */
  private cache: Map<string, { rec: StoredRecord | null; until: number }> | null = null;
  private cacheTtlMs = 0;
  private readonly generation = new Map<string, number>();
  private epoch = 0;

  constructor(
    private readonly gateway: LocusGraphGateway,
    private readonly medications: MedicationReadModel,
  ) {}

  /**
   * Remembers source records between passes. Only correct when every write to them passes through this
   * process (one replica: the gateway announces each write and `invalidate` drops the entry); the TTL bounds
   * what a write from outside (a CLI import) could leave stale. A burst of thousands of reminders at the same
   * minute then costs no read per reminder.
   */
  enableCache(ttlMs: number): void {
    this.cache = new Map();
    this.cacheTtlMs = ttlMs;
  }

  /** How many changes of a record this process has seen (plans made ahead compare it). */
  generationOf(contextId: string): number {
    return this.epoch * 1_000_000 + (this.generation.get(contextId) ?? 0);
  }

  invalidate(contextId: string): void {
    this.cache?.delete(contextId);
    if (this.generation.size > 100_000) {
      this.generation.clear();
      this.epoch++; // every earlier reading now differs
    }
    this.generation.set(contextId, (this.generation.get(contextId) ?? 0) + 1);
  }

  private async read(contextId: string): Promise<StoredRecord | null> {
    const cache = this.cache;
    if (!cache) return this.gateway.get(contextId);
    const now = Date.now();
    const hit = cache.get(contextId);
    if (hit && hit.until > now) return hit.rec;
    const gen = this.generationOf(contextId);
    const rec = await this.gateway.get(contextId);
    // Not if a write was announced while reading (the entry would be stale).
    if (this.generationOf(contextId) === gen) {
      if (cache.size >= 200_000) cache.clear();
      cache.set(contextId, { rec, until: now + this.cacheTtlMs });
    }
    return rec;
  }

  async get(contextId: string, memo?: Memo): Promise<StoredRecord | null> {
    if (!memo) return this.read(contextId);
    let p = memo.get(contextId);
    if (!p) {
      p = this.read(contextId);
      memo.set(contextId, p);
    }
    return p;
  }

  /** The source behind a context id, or null when it does not exist (deleted) or is not a source type. */
  async load(contextId: string, memo?: Memo): Promise<ReminderSource | null> {
    const { type } = splitContextId(contextId);
    if (!isSourceType(type)) return null;
    const rec = await this.get(contextId, memo);
    if (!rec || !rec.userId || rec.payload.deleted === true) return null;
    switch (type) {
      case ALARM:
        return this.alarm(rec as StoredRecord<AlarmPayload>);
      case 'med_schedule':
        return this.medSchedule(rec, memo);
      case 'appointment':
        return this.appointment(rec);
    }
  }

  private alarm(rec: StoredRecord<AlarmPayload>): ReminderSource {
    const p = rec.payload;
    const rule = p.active === false ? null : weeklyRule(p.time, p.days_of_week);
    const title = str(p.title) ?? 'Reminder';
    const type = str(p.type) ?? 'medication';
    return {
      contextId: rec.contextId,
      type: ALARM,
      userId: rec.userId!,
      rule,
      medicationId: null,
      medicationName: null,
      deps: [rec.contextId],
      content: () => ({
        title,
        message: str(p.message) ?? defaultAlarmMessage(type, title),
        type,
        alarm_id: rec.id,
        kind: 'reminder',
      }),
    };
  }

  private async medSchedule(rec: StoredRecord, memo?: Memo): Promise<ReminderSource> {
    const dose = await this.medications.reminderOf(rec, (id) => this.get(id, memo));
    const { medicationId, dosage } = dose;
    const name = dose.name ?? 'your medicine';
    const rule =
      !dose.medicationLive || dead(rec.payload) ? null : weeklyRule(dose.time_of_day, dose.days_of_week);
    return {
      contextId: rec.contextId,
      type: 'med_schedule',
      userId: rec.userId!,
      rule,
      medicationId,
      medicationName: name,
      deps: medicationId
        ? [rec.contextId, this.medications.medicationContextId(medicationId)]
        : [rec.contextId],
      content: () => ({
        title: name,
        message: medicationMessage(name, dosage),
        type: 'medication',
        alarm_id: null,
        kind: 'reminder',
      }),
    };
  }

  private appointment(rec: StoredRecord): ReminderSource {
    const p = rec.payload;
    const at = date(p.scheduled_at);
    const minutes = num(p.reminder_minutes_before);
    // The original scheduled a reminder only when reminder_minutes_before was truthy (0/null: none).
    const rule: OccurrenceRule | null =
      at && minutes && minutes > 0 && !dead(p) ? { kind: 'once', at, minutesBefore: minutes } : null;
    const title = str(p.title) ?? 'Appointment';
    return {
      contextId: rec.contextId,
      type: 'appointment',
      userId: rec.userId!,
      rule,
      medicationId: null,
      medicationName: null,
      deps: [rec.contextId],
      content: (occ) => ({
        title: `Appointment: ${title}`,
        message: appointmentMessage(str(p.doctor_name), at ?? occ.dueAt, occ.zone, minutes ?? undefined),
        type: 'appointment',
        alarm_id: null,
        kind: 'reminder',
      }),
    };
  }

  /** Every source of a user (for a zone change or a reconcile). */
  async listForUser(userId: string): Promise<string[]> {
    const out: string[] = [];
    for (const type of SOURCE_TYPES) {
      for (let offset = 0; ; offset += 500) {
        const page = await this.gateway.list({ userId, type, limit: 500, offset, order: 'asc' });
        out.push(...page.items.map((r) => r.contextId));
        if (page.items.length < 500) break;
      }
    }
    return out;
  }

  /** Medication schedules of one medication (a medication change re-syncs them). */
  schedulesOfMedication(userId: string, medicationId: string): Promise<StoredRecord[]> {
    return this.medications.schedulesOf(userId, medicationId);
  }
}
