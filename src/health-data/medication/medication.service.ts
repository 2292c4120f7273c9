import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../../common/decorators.js';
import { notFound, validationError } from '../../common/errors.js';
import type { StoredRecord } from '../../locusgraph/locusgraph.types.js';
import { classifyAdherence } from '../../schedule/adherence.js';
import type { RecordResource } from '../records/record-controller.js';
import { RecordCrud, relatedLinks } from '../records/record-crud.js';
import type { RecordInput } from '../records/record-repository.js';
import type { Caller } from '../records/record-spec.js';
import { RecordStore } from '../records/record-store.js';
import { addDays, localDate, localDayRange, zonedIso } from '../records/time.js';
import type { DateRangeQuery, Page } from '../records/queries.js';
import type {
  AdherenceResponseDto,
  MedicationLogCreateDto,
  MedicationScheduleCreateDto,
  MedicationScheduleUpdateDto,
} from './medication.dto.js';
import {
  MED_LOG,
  MED_SCHEDULE,
  MEDICATION,
  type MedicationPayload,
  type MedLogPayload,
  type MedicationView,
  type MedLogView,
  type MedSchedulePayload,
  type MedScheduleView,
} from './medication.record.js';

export interface MedicationQuery extends Page {
  active_only?: boolean;
}
/** Dose logs of some days, optionally of one medication. */
export interface MedLogQuery extends DateRangeQuery {
  medication_id?: string;
}
export interface ScheduleQuery extends Page {
  medication_id?: string;
}
/** Local calendar days (default the last 7), optionally one medication. */
export interface AdherenceRange {
  date_from?: string;
  date_to?: string;
  medication_id?: string;
}

const ONE_OF = 'Value error, Either medication_id or medication_name must be provided';
const MAX_ADHERENCE_DAYS = 92;

/**
 * Medications, dose logs, schedules and adherence. Rules of its own:
 * - a log or schedule names its medication by id or by exact name (422 when neither; 404 when not yours);
 * - deleting a medication deletes its schedules (no reminders for a medicine that is gone); logs stay as history;
 * - adherence uses the reminders' classifier over the user's schedules and logs, in the user's zone.
 */
@Injectable()
export class MedicationService {
  private readonly medications: RecordCrud<MedicationPayload>;
  private readonly logs: RecordCrud<MedLogPayload>;
  private readonly schedules: RecordCrud<MedSchedulePayload>;

  /** `/api/medication`: the plain routes of medications (RecordController). */
  readonly medicationRoutes: RecordResource = {
    list: (user, q: MedicationQuery) => this.listMedications(user, q),
    get: (user, id) => this.medications.get(user, id),
    create: (user, dto: RecordInput<MedicationPayload>) => this.medications.create(user, dto),
    update: (user, id, dto: RecordInput<MedicationPayload>) => this.medications.update(user, id, dto),
    remove: (user, id) => this.removeMedication(user, id),
  };

  /** `/api/medication-schedules` (RecordController). */
  readonly scheduleRoutes: RecordResource = {
    list: (user, q: ScheduleQuery) => this.listSchedules(user, q),
    get: (user, id) => this.getSchedule(user, id),
    create: (user, dto: MedicationScheduleCreateDto) =>
      this.createSchedule(user, { ...dto, related_to: undefined }),
    update: (user, id, dto: MedicationScheduleUpdateDto) => this.updateSchedule(user, id, dto),
    remove: (user, id) => this.schedules.remove(user, id),
  };

  constructor(private readonly store: RecordStore) {
    this.medications = new RecordCrud(store, MEDICATION);
    this.logs = new RecordCrud(store, MED_LOG);
    this.schedules = new RecordCrud(store, MED_SCHEDULE);
  }

  // ---------------------------------------------------------------------------------------- medications

  listMedications(user: AuthUser, q: MedicationQuery): Promise<MedicationView[]> {
    return this.medications.list(user, () => ({
      ...(q.active_only ? { where: { active: true } } : {}),
      limit: q.limit,
      offset: q.offset,
    }));
  }

  async removeMedication(user: AuthUser, id: string): Promise<void> {
    const c = await this.store.caller(user);
    await this.medications.repo.delete(c, id);
    await this.store.erase(...(await this.schedules.repo.all(c, { medication_id: id })));
  }

  /** The caller's medication by id or exact name; 422 when neither is given, 404 when not found. */
  private async resolve(
    c: Caller,
    ref: { medication_id?: string | null; medication_name?: string | null },
  ): Promise<StoredRecord<MedicationPayload>> {
    if (ref.medication_id) return this.medications.repo.get(c, ref.medication_id);
    if (ref.medication_name) {
      const [m] = await this.medications.repo.list(c, { where: { name: ref.medication_name }, limit: 1 });
      if (!m)
        throw notFound(`Medication '${ref.medication_name}' not found. Please create the medication first.`);
      return m;
    }
    throw validationError(['body'], ONE_OF);
  }

  // ------------------------------------------------------------------------------------------- dose logs

  async logDose(user: AuthUser, dto: MedicationLogCreateDto, relatedTo?: string): Promise<MedLogView> {
    const c = await this.store.caller(user);
    const med = await this.resolve(c, dto);
    const links = relatedLinks(relatedTo ?? dto.related_to);
    const rec = await this.logs.repo.create(
      c,
      { ...dto, medication_id: med.id, medication_name: med.payload.name },
      { links },
    );
    return this.logs.repo.render(rec, c.zone);
  }

  listLogs(user: AuthUser, q: MedLogQuery): Promise<MedLogView[]> {
    return this.logs.list(user, (c) => ({
      ...localDayRange(c.zone, q),
      ...(q.medication_id ? { where: { medication_id: q.medication_id } } : {}),
      limit: q.limit,
      offset: q.offset,
    }));
  }

  // ------------------------------------------------------------------------------------------- schedules

  async createSchedule(
    user: AuthUser,
    dto: MedicationScheduleCreateDto,
    relatedTo?: string,
  ): Promise<MedScheduleView> {
    const c = await this.store.caller(user);
    const med = await this.resolve(c, dto);
    const links = relatedLinks(relatedTo ?? dto.related_to);
    const rec = await this.schedules.repo.create(c, { ...dto, medication_id: med.id }, { links });
    return this.renderSchedule(rec, c.zone, new Map([[med.id, med.payload.name]]));
  }

  async listSchedules(user: AuthUser, q: ScheduleQuery): Promise<MedScheduleView[]> {
    const c = await this.store.caller(user);
    const where = q.medication_id ? { medication_id: q.medication_id } : undefined;
    const items = await this.schedules.repo.list(c, { where, limit: q.limit, offset: q.offset });
    const names = await this.namesOf(
      c,
      items.map((s) => s.payload.medication_id),
    );
    return items.map((s) => this.renderSchedule(s, c.zone, names));
  }

  async getSchedule(user: AuthUser, id: string): Promise<MedScheduleView> {
    const c = await this.store.caller(user);
    const rec = await this.schedules.repo.get(c, id);
    return this.renderSchedule(rec, c.zone, await this.namesOf(c, [rec.payload.medication_id]));
  }

  async updateSchedule(
    user: AuthUser,
    id: string,
    dto: MedicationScheduleUpdateDto,
  ): Promise<MedScheduleView> {
    const c = await this.store.caller(user);
    const patch: Record<string, unknown> = { ...dto };
    if (dto.medication_id || dto.medication_name) patch.medication_id = (await this.resolve(c, dto)).id;
    const rec = await this.schedules.repo.update(c, id, patch);
    return this.renderSchedule(rec, c.zone, await this.namesOf(c, [rec.payload.medication_id]));
  }

  /** Current names of medications (one read each, in parallel; a deleted medication has no name). */
  private async namesOf(c: Caller, ids: string[]): Promise<Map<string, string>> {
    const unique = [...new Set(ids)];
    const meds = await Promise.all(unique.map((id) => this.medications.repo.find(c, id)));
    return new Map(meds.filter((m) => m !== null).map((m) => [m.id, m.payload.name]));
  }

  private renderSchedule(
    rec: StoredRecord<MedSchedulePayload>,
    zone: string,
    names: Map<string, string>,
  ): MedScheduleView {
    const { id, user_id, medication_id, ...rest } = this.schedules.repo.render(rec, zone);
    // The original's field order: the medication's current name right after its id.
    return { id, user_id, medication_id, medication_name: names.get(medication_id) ?? null, ...rest };
  }

  // ------------------------------------------------------------------------------------------- adherence

  async adherence(user: AuthUser, q: AdherenceRange): Promise<AdherenceResponseDto> {
    const c = await this.store.caller(user);
    const now = this.store.now();
    const dateTo = q.date_to ?? localDate(now, c.zone);
    const dateFrom = q.date_from ?? addDays(dateTo, -6);
    if (dateFrom > dateTo)
      throw validationError(['query', 'date_from'], 'date_from must not be after date_to');
    if (addDays(dateFrom, MAX_ADHERENCE_DAYS - 1) < dateTo) {
      throw validationError(['query', 'date_to'], `The range covers at most ${MAX_ADHERENCE_DAYS} days`);
    }
    const [meds, schedules] = await Promise.all([this.medications.repo.all(c), this.schedules.repo.all(c)]);
    const medById = new Map(meds.map((m) => [m.id, m]));
    const mine = schedules.filter((s) => !q.medication_id || s.payload.medication_id === q.medication_id);
    const range = localDayRange(c.zone, { date_from: addDays(dateFrom, -1), date_to: addDays(dateTo, 1) });
    const logs = await this.logs.repo.list(c, {
      ...range,
      ...(q.medication_id ? { where: { medication_id: q.medication_id } } : {}),
      limit: 10_000,
      order: 'asc',
    });
    const result = classifyAdherence({
      schedules: mine.map((s) => ({
        id: s.id,
        medication_id: s.payload.medication_id,
        time_of_day: s.payload.time_of_day,
        days_of_week: s.payload.days_of_week,
        created_at: s.createdAt,
        active: medById.get(s.payload.medication_id)?.payload.active ?? false,
      })),
      logs: logs.map((l) => ({
        id: l.id,
        medication_id: l.payload.medication_id,
        taken_at: l.payload.taken_at,
        scheduled_time: l.payload.scheduled_time,
      })),
      zone: c.zone,
      fromDate: dateFrom,
      toDate: dateTo,
      now,
    });
    const scheduleById = new Map(mine.map((s) => [s.id, s]));
    return {
      timezone: c.zone,
      date_from: dateFrom,
      date_to: dateTo,
      overall: result.overall,
      by_schedule: result.by_schedule.map((b) => ({
        ...b,
        medication_name: medById.get(b.medication_id)?.payload.name ?? null,
        time_of_day: scheduleById.get(b.schedule_id)?.payload.time_of_day ?? '',
        days_of_week: scheduleById.get(b.schedule_id)?.payload.days_of_week ?? [],
      })),
      doses: result.doses.map((d) => ({
        schedule_id: d.schedule_id,
        medication_id: d.medication_id,
        due_at: zonedIso(d.due_at, c.zone),
        status: d.status,
        log_id: d.log_id,
        taken_at: d.taken_at ? zonedIso(d.taken_at, c.zone) : null,
      })),
    };
  }
}
