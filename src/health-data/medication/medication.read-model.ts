import { Injectable } from '@nestjs/common';
import type { StoredRecord } from '../../locusgraph/locusgraph.types.js';
import type { AdherenceLogInput, AdherenceScheduleInput } from '../../schedule/adherence.js';
import type { RecordRepository } from '../records/record-repository.js';
import type { Caller } from '../records/record-spec.js';
import { RecordStore } from '../records/record-store.js';
import {
  MED_LOG,
  MED_SCHEDULE,
  MEDICATION,
  type MedicationPayload,
  type MedLogPayload,
  type MedSchedulePayload,
} from './medication.record.js';

/** A medication schedule as a reminder reads it: which medicine, when, and whether it should fire. */
export interface DoseReminder {
  medicationId: string | null;
  /** The medication's current name, else the name the schedule was made with, else null. */
  name: string | null;
  dosage: string | null;
  time_of_day: string;
  days_of_week: string[];
  /** False when the medication is gone, someone else's, or inactive. */
  medicationLive: boolean;
}

/** What the missed-dose check classifies: a medication's schedules and its doses taken since a time. */
export interface DoseHistory {
  schedules: AdherenceScheduleInput[];
  logs: AdherenceLogInput[];
}

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);

/**
 * Medications, schedules and dose logs as other modules read them (the reminder scheduler), typed by the
 * payloads of medication.record.ts, so no module outside health-data lists or parses these records.
 */
@Injectable()
export class MedicationReadModel {
  private readonly schedules: RecordRepository<MedSchedulePayload>;
  private readonly logs: RecordRepository<MedLogPayload>;

  constructor(store: RecordStore) {
    this.schedules = store.repo(MED_SCHEDULE);
    this.logs = store.repo(MED_LOG);
  }

  /** The context id of a medication (a schedule's reminder depends on it). */
  medicationContextId(id: string): string {
    return `${MEDICATION.type}:${id}`;
  }

  /** Lists need only the owner; no zone is read (the scheduler calls this for every medication change). */
  private owner(userId: string): Caller {
    return { userId, zone: 'UTC' };
  }

  /** The schedules of one of a user's medications (a medication change re-syncs their reminders). */
  schedulesOf(userId: string, medicationId: string): Promise<StoredRecord<MedSchedulePayload>[]> {
    return this.schedules.list(this.owner(userId), { where: { medication_id: medicationId }, limit: 500 });
  }

  /** A medication's schedules and its doses logged since `from`, shaped for the adherence classifier. */
  async doseHistory(userId: string, medicationId: string, from: Date): Promise<DoseHistory> {
    const [schedules, logs] = await Promise.all([
      this.schedulesOf(userId, medicationId),
      this.logs.list(this.owner(userId), {
        where: { medication_id: medicationId },
        from,
        order: 'asc',
        limit: 1000,
      }),
    ]);
    return {
      schedules: schedules.map((s) => ({
        id: s.id,
        medication_id: s.payload.medication_id ?? '',
        time_of_day: s.payload.time_of_day ?? '',
        days_of_week: s.payload.days_of_week ?? [],
      })),
      logs: logs.map((l) => ({
        id: l.id,
        medication_id: l.payload.medication_id ?? null,
        taken_at: l.payload.taken_at ?? l.occurredAt,
        scheduled_time: l.payload.scheduled_time ?? null,
      })),
    };
  }

  /**
   * A schedule and its medication as stored (the scheduler reads records through its own cache, by context
   * id): what its reminder says and whether it may fire.
   */
  async reminderOf(
    schedule: StoredRecord,
    read: (contextId: string) => Promise<StoredRecord | null>,
  ): Promise<DoseReminder> {
    // Records of type med_schedule / medication carry these payloads (the scheduler checked the type).
    const p = schedule.payload as Partial<MedSchedulePayload>;
    const medicationId = text(p.medication_id);
    const med = medicationId ? await read(this.medicationContextId(medicationId)) : null;
    const m = med?.payload as Partial<MedicationPayload> | undefined;
    const medicationLive =
      !!m &&
      med?.userId === schedule.userId &&
      m.deleted !== true &&
      m.active !== false &&
      m.status !== 'cancelled';
    return {
      medicationId,
      name: (m && text(m.name)) ?? text(p.medication_name),
      dosage: m ? text(m.dosage) : null,
      time_of_day: p.time_of_day ?? '',
      days_of_week: p.days_of_week ?? [],
      medicationLive,
    };
  }
}
