import { addDays, resolveLocalTime } from './local-time.js';
import { occurrencesBetween, type Occurrence } from './occurrence.js';
import { weeklyRule } from './rules.js';

/**
 * Medication adherence: classifies every scheduled dose occurrence of a date range (local dates in the
 * user's zone) as taken / late / missed (or pending / upcoming), from the schedules and the dose logs.
 * Shared by the missed-dose check of the scheduler and GET /api/medication/adherence (health-data).
 *
 * Rules (docs/reminders.md):
 * - Occurrences come from each schedule's `time_of_day` × `days_of_week` (empty = every day) in `zone`,
 *   with the scheduler's DST policy, and none before the schedule's `created_at`.
 * - A dose log belongs to one occurrence of the same medication. A log whose `scheduled_time` is within
 *   90 min of an occurrence is matched to it first. Otherwise logs are matched in time order: to the
 *   earliest unmatched occurrence whose on-time window `[due − earlyMinutes, due + windowMinutes]`
 *   contains `taken_at` → **taken**; else to the latest unmatched occurrence before `taken_at` when
 *   `taken_at` is before the next occurrence's on-time window → **late**. Other logs are extra doses.
 * - An occurrence with no log is **upcoming** before its due time, **pending** until
 *   `due + windowMinutes`, then **missed** (the moment the scheduler sends its missed-dose notification).
 */

export type DoseStatus = 'taken' | 'late' | 'missed' | 'pending' | 'upcoming';

export interface AdherenceScheduleInput {
  id: string;
  medication_id: string;
  time_of_day: string;
  days_of_week?: string[] | null;
  /** Occurrences before this do not count. */
  created_at?: Date | string | null;
  /** Inactive schedules (or of an inactive medication) can be passed with `active: false` to be skipped. */
  active?: boolean | null;
}

export interface AdherenceLogInput {
  id: string;
  medication_id: string | null | undefined;
  taken_at: Date | string;
  scheduled_time?: Date | string | null;
}

export interface ClassifiedDose {
  schedule_id: string;
  medication_id: string;
  /** Deterministic occurrence key (`med_schedule:<id>@<date>T<HH:MM>`), the same the scheduler uses. */
  occurrence_key: string;
  due_at: Date;
  local_date: string;
  local_time: string;
  status: DoseStatus;
  log_id: string | null;
  taken_at: Date | null;
}

export interface AdherenceCounts {
  scheduled: number;
  taken: number;
  late: number;
  missed: number;
  pending: number;
  upcoming: number;
  /** (taken + late) / (taken + late + missed) × 100, one decimal; null when nothing is settled yet. */
  adherence_percent: number | null;
  /** taken / (taken + late + missed) × 100, one decimal; null when nothing is settled yet. */
  on_time_percent: number | null;
}

export interface AdherenceResult {
  doses: ClassifiedDose[];
  by_schedule: (AdherenceCounts & { schedule_id: string; medication_id: string })[];
  overall: AdherenceCounts;
}

export interface AdherenceOptions {
  schedules: AdherenceScheduleInput[];
  /** Logs from at least one day before `fromDate` to one day after `toDate` (local), so edges match correctly. */
  logs: AdherenceLogInput[];
  zone: string;
  /** Inclusive local dates `YYYY-MM-DD`. */
  fromDate: string;
  toDate: string;
  now: Date;
  /** MISSED_DOSE_WINDOW_MINUTES (default 60). */
  windowMinutes?: number;
  /** How early a dose still counts for an occurrence (default 60). */
  earlyMinutes?: number;
}

const MIN = 60_000;
const SCHEDULED_MATCH_MS = 90 * MIN;

const toDate = (v: Date | string | null | undefined): Date | null => {
  if (v === null || v === undefined) return null;
  const d = v instanceof Date ? v : new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
};

/** The instant range covering local dates [fromDate, toDate] in a zone: [start of fromDate, start of toDate + 1). */
export function localDateRange(zone: string, fromDate: string, toDateIncl: string): { from: Date; to: Date } {
  return {
    from: resolveLocalTime(zone, fromDate, 0, 0).instant,
    to: resolveLocalTime(zone, addDays(toDateIncl, 1), 0, 0).instant,
  };
}

interface Slot {
  occ: Occurrence;
  scheduleId: string;
  medicationId: string;
  log: AdherenceLogInput | null;
  takenAt: Date | null;
  late: boolean;
  inRange: boolean;
}

export function classifyAdherence(opts: AdherenceOptions): AdherenceResult {
  const window = (opts.windowMinutes ?? 60) * MIN;
  const early = (opts.earlyMinutes ?? 60) * MIN;
  const range = localDateRange(opts.zone, opts.fromDate, opts.toDate);
  // Occurrences one day either side take part in matching (a 23:30 dose logged at 00:10), not in counts.
  const outer = localDateRange(opts.zone, addDays(opts.fromDate, -1), addDays(opts.toDate, 1));

  const byMed = new Map<string, Slot[]>();
  for (const s of opts.schedules) {
    if (s.active === false || !s.medication_id) continue;
    const rule = weeklyRule(s.time_of_day, s.days_of_week ?? [], toDate(s.created_at) ?? undefined);
    if (!rule) continue;
    const source = `med_schedule:${s.id}`;
    for (const occ of occurrencesBetween(source, rule, opts.zone, outer.from, outer.to)) {
      const slot: Slot = {
        occ,
        scheduleId: s.id,
        medicationId: s.medication_id,
        log: null,
        takenAt: null,
        late: false,
        inRange: occ.dueAt >= range.from && occ.dueAt < range.to,
      };
      const list = byMed.get(s.medication_id) ?? [];
      list.push(slot);
      byMed.set(s.medication_id, list);
    }
  }

  const logsByMed = new Map<string, { log: AdherenceLogInput; takenAt: Date; scheduled: Date | null }[]>();
  for (const log of opts.logs) {
    const takenAt = toDate(log.taken_at);
    if (!log.medication_id || !takenAt) continue;
    const list = logsByMed.get(log.medication_id) ?? [];
    list.push({ log, takenAt, scheduled: toDate(log.scheduled_time) });
    logsByMed.set(log.medication_id, list);
  }

  for (const [med, slots] of byMed) {
    slots.sort((a, b) => a.occ.dueAt.getTime() - b.occ.dueAt.getTime() || a.occ.key.localeCompare(b.occ.key));
    const logs = (logsByMed.get(med) ?? []).sort(
      (a, b) => a.takenAt.getTime() - b.takenAt.getTime() || a.log.id.localeCompare(b.log.id),
    );
    const rest: typeof logs = [];
    // 1. Logs that say which occurrence they were for.
    for (const l of logs) {
      let best: Slot | null = null;
      if (l.scheduled) {
        for (const s of slots) {
          if (s.log) continue;
          const d = Math.abs(s.occ.dueAt.getTime() - l.scheduled.getTime());
          if (
            d <= SCHEDULED_MATCH_MS &&
            (!best || d < Math.abs(best.occ.dueAt.getTime() - l.scheduled.getTime()))
          )
            best = s;
        }
      }
      if (best) {
        best.log = l.log;
        best.takenAt = l.takenAt;
        best.late = l.takenAt.getTime() > best.occ.dueAt.getTime() + window;
      } else rest.push(l);
    }
    // 2. The rest by time windows.
    for (const l of rest) {
      const t = l.takenAt.getTime();
      const onTime = slots.find(
        (s) => !s.log && t >= s.occ.dueAt.getTime() - early && t <= s.occ.dueAt.getTime() + window,
      );
      if (onTime) {
        onTime.log = l.log;
        onTime.takenAt = l.takenAt;
        continue;
      }
      for (let i = slots.length - 1; i >= 0; i--) {
        const s = slots[i];
        if (s.occ.dueAt.getTime() > t) continue;
        const next = slots[i + 1];
        if (next && t >= next.occ.dueAt.getTime() - early) break;
        if (!s.log) {
          s.log = l.log;
          s.takenAt = l.takenAt;
          s.late = true;
        }
        break;
      }
    }
  }

  const now = opts.now.getTime();
  const doses: ClassifiedDose[] = [];
  for (const slots of byMed.values()) {
    for (const s of slots) {
      if (!s.inRange) continue;
      const due = s.occ.dueAt.getTime();
      let status: DoseStatus;
      if (s.log) status = s.late ? 'late' : 'taken';
      else if (now < due) status = 'upcoming';
      else if (now < due + window) status = 'pending';
      else status = 'missed';
      doses.push({
        schedule_id: s.scheduleId,
        medication_id: s.medicationId,
        occurrence_key: s.occ.key,
        due_at: s.occ.dueAt,
        local_date: s.occ.localDate,
        local_time: s.occ.localTime,
        status,
        log_id: s.log?.id ?? null,
        taken_at: s.takenAt,
      });
    }
  }
  doses.sort(
    (a, b) => a.due_at.getTime() - b.due_at.getTime() || a.occurrence_key.localeCompare(b.occurrence_key),
  );

  const bySchedule = new Map<string, AdherenceCounts & { schedule_id: string; medication_id: string }>();
  for (const s of opts.schedules) {
    if (s.active === false || !s.medication_id) continue;
    bySchedule.set(s.id, { schedule_id: s.id, medication_id: s.medication_id, ...emptyCounts() });
  }
  const overall = emptyCounts();
  for (const d of doses) {
    for (const c of [bySchedule.get(d.schedule_id), overall]) {
      if (!c) continue;
      c.scheduled++;
      c[d.status]++;
    }
  }
  for (const c of [...bySchedule.values(), overall]) finish(c);
  return { doses, by_schedule: [...bySchedule.values()], overall };
}

function emptyCounts(): AdherenceCounts {
  return {
    scheduled: 0,
    taken: 0,
    late: 0,
    missed: 0,
    pending: 0,
    upcoming: 0,
    adherence_percent: null,
    on_time_percent: null,
  };
}

function finish(c: AdherenceCounts): void {
  const settled = c.taken + c.late + c.missed;
  c.adherence_percent = settled ? Math.round(((c.taken + c.late) / settled) * 1000) / 10 : null;
  c.on_time_percent = settled ? Math.round((c.taken / settled) * 1000) / 10 : null;
}
