import { Injectable } from '@nestjs/common';
import { AuthService } from '../auth/auth.service.js';
import type { AuthUser } from '../common/decorators.js';
import {
  hba1cPercent,
  LAB_LOOKBACK_DAYS,
  LAB_TEST_KEYS,
  LAB_TESTS,
  labUnit,
  type LabTestKey,
} from '../health-data/lab/lab.record.js';
import { MedicationService } from '../health-data/medication/medication.service.js';
import { RecordStore } from '../health-data/records/record-store.js';
import { addDays, localDate, localDayRange, localHour } from '../health-data/records/time.js';
import type { Payload, StoredRecord } from '../locusgraph/locusgraph.types.js';
import type { ReportLang } from './report-i18n.js';

export const REPORT_DAYS = [30, 90] as const;
export type ReportDays = (typeof REPORT_DAYS)[number];

export interface Point {
  t: number;
  v: number;
}

export interface OutOfRange {
  at: string;
  /** Key of the measurement (report-i18n label). */
  what: 'systolic' | 'heart_rate' | 'blood_sugar' | 'spo2' | 'temperature';
  value: string;
  direction: 'low' | 'high';
}

export interface MedicineAdherence {
  name: string;
  scheduled: number;
  settled: number;
  /** taken on time / settled × 100 */
  on_time_percent: number | null;
  /** (taken + late) / settled × 100 */
  taken_percent: number | null;
  missed: number;
}

/** The latest result of one lab test. */
export interface LabLine {
  test: LabTestKey;
  name: string;
  value: number;
  unit: string;
  at: string;
  lab_name: string | null;
}

/**
 * Lab results of the last two years up to the report's end (tests are done every few months, so the period would
 * miss most): the latest of each test, and the HbA1c results (in %, oldest first) with the target the doctor set.
 */
export interface LabSection {
  latest: LabLine[];
  hba1c: { at: string; percent: number }[];
  hba1c_target: number | null;
}

/** Everything the report shows, computed once and rendered as HTML or PDF. */
export interface DoctorReport {
  lang: ReportLang;
  zone: string;
  generated_at: string;
  period: { from: string; to: string; days: number; start: number; end: number };
  patient: {
    name: string;
    age: number | null;
    gender: string | null;
    conditions: string[];
    allergies: string[];
    height_cm: number | null;
  };
  medications: { name: string; dosage: string; frequency: string; times: string[] }[];
  adherence: { medicines: MedicineAdherence[]; overall: MedicineAdherence | null };
  series: { systolic: Point[]; diastolic: Point[]; glucose: Point[]; weight: Point[] };
  out_of_range: OutOfRange[];
  sleep: { nights: number; avg_hours: number | null; short_nights: number };
  activity: { sessions: number; minutes_per_week: number | null };
  alarms: { at: string; kind: 'triage' | 'emergency'; text: string }[];
  /** Null when the caller may not see lab results (a care-circle member without `lab_results`). */
  labs: LabSection | null;
}

/** Target bands drawn on the charts (docs/product-decisions.md §4 thresholds). */
export const BANDS = {
  systolic: [90, 140],
  diastolic: [60, 90],
  glucose: [70, 126],
} as const;

const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const round = (n: number, d = 1): number => Math.round(n * 10 ** d) / 10 ** d;
/** One decimal, as the adherence classifier rounds. */
const pct = (part: number, whole: number): number | null =>
  whole ? Math.round((part / whole) * 1000) / 10 : null;

/** One reading's out-of-range values (thresholds of docs/product-decisions.md §4; fasting unknown → before 10:00 local). */
export function outOfRange(p: Payload, zone: string): Omit<OutOfRange, 'at'>[] {
  const out: Omit<OutOfRange, 'at'>[] = [];
  const sys = p.blood_pressure_systolic;
  const dia = p.blood_pressure_diastolic;
  if (num(sys) && num(dia)) {
    const value = `${sys}/${dia} mmHg`;
    if (sys >= 140 || dia >= 90) out.push({ what: 'systolic', value, direction: 'high' });
    else if (sys < 90 || dia < 60) out.push({ what: 'systolic', value, direction: 'low' });
  }
  const hr = p.heart_rate;
  if (num(hr) && (hr < 50 || hr > 100))
    out.push({ what: 'heart_rate', value: `${hr} /min`, direction: hr < 50 ? 'low' : 'high' });
  const sugar = p.blood_sugar;
  if (num(sugar)) {
    const fasting = typeof p.fasting === 'boolean' ? p.fasting : localHour(String(p.logged_at), zone) < 10;
    if (sugar < 70) out.push({ what: 'blood_sugar', value: `${sugar} mg/dL`, direction: 'low' });
    else if (sugar >= (fasting ? 126 : 200))
      out.push({ what: 'blood_sugar', value: `${sugar} mg/dL`, direction: 'high' });
  }
  if (num(p.spo2) && p.spo2 < 95) out.push({ what: 'spo2', value: `${p.spo2} %`, direction: 'low' });
  if (num(p.temperature) && p.temperature >= 38)
    out.push({ what: 'temperature', value: `${p.temperature} °C`, direction: 'high' });
  return out;
}

type Counts = { scheduled: number; taken: number; late: number; missed: number };
const COUNT_KEYS = ['scheduled', 'taken', 'late', 'missed'] as const;
const zero = (): Counts => ({ scheduled: 0, taken: 0, late: 0, missed: 0 });

function medicine(name: string, c: Counts): MedicineAdherence {
  const settled = c.taken + c.late + c.missed;
  return {
    name,
    scheduled: c.scheduled,
    settled,
    on_time_percent: pct(c.taken, settled),
    taken_percent: pct(c.taken + c.late, settled),
    missed: c.missed,
  };
}

/** HbA1c results shown as a trend (the latest ones). */
const HBA1C_TREND = 6;

function labSection(rows: StoredRecord[], target: unknown): LabSection {
  const latest = new Map<LabTestKey, LabLine>();
  const hba1c: LabSection['hba1c'] = [];
  for (const r of rows) {
    const p = r.payload;
    const test = p.test as LabTestKey;
    if (!LAB_TESTS[test] || !num(p.value) || !labUnit(test, String(p.unit))) continue;
    const at = String(p.taken_at);
    latest.set(test, {
      test,
      name: LAB_TESTS[test].name,
      value: p.value,
      unit: labUnit(test, String(p.unit))!.display,
      at,
      lab_name: typeof p.lab_name === 'string' ? p.lab_name : null,
    });
    if (test === 'hba1c') hba1c.push({ at, percent: hba1cPercent(p.value, String(p.unit)) });
  }
  return {
    latest: LAB_TEST_KEYS.flatMap((k) => latest.get(k) ?? []),
    hba1c: hba1c.slice(-HBA1C_TREND),
    hba1c_target: num(target) ? target : null,
  };
}

/** Completed years between a birth date and a local date. */
function ageOn(dob: unknown, today: string): number | null {
  if (typeof dob !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(dob)) return null;
  const years = Number(today.slice(0, 4)) - Number(dob.slice(0, 4));
  return today.slice(5, 10) < dob.slice(5, 10) ? years - 1 : years;
}

/**
 * The doctor's report: what a doctor reads in a minute, over the last 30 or 90 days, from the owner's records.
 *
 * `summaryFor(ownerId, …)` is the one entry point; it takes the owner's id and checks nothing about the caller,
 * so every route that serves it decides who may: the owner's own route, a share link, and (later) the care
 * circle after it has checked the caregiver's grant.
 */
@Injectable()
export class DoctorReportService {
  constructor(
    private readonly store: RecordStore,
    private readonly medication: MedicationService,
    private readonly auth: AuthService,
  ) {}

  /** `labs: false` leaves the lab section out (a care-circle member without the `lab_results` scope). */
  async summaryFor(
    ownerId: string,
    opts: { days: ReportDays; lang: ReportLang; labs?: boolean },
  ): Promise<DoctorReport> {
    const zone = await this.store.zoneOf(ownerId);
    const now = this.store.now();
    const to = localDate(now, zone);
    const from = addDays(to, -(opts.days - 1));
    const range = localDayRange(zone, { date_from: from, date_to: to });
    const list = (type: string, ranged = true): Promise<StoredRecord[]> =>
      this.store.recordsOf(ownerId, type, ranged ? range : {});

    const labsFrom = new Date(range.to!.getTime() - LAB_LOOKBACK_DAYS * 86400_000);
    const [account, profileRec, meds, schedules, vitals, sleep, exercise, alerts, chat, adherence, labs] =
      await Promise.all([
        this.auth.me(ownerId),
        this.store.profileOf(ownerId),
        list('medication', false),
        list('med_schedule', false),
        list('vitals'),
        list('sleep'),
        list('exercise'),
        list('emergency_alert'),
        list('chat'),
        this.medication.adherence({ id: ownerId } as AuthUser, { date_from: from, date_to: to }),
        opts.labs === false
          ? null
          : this.store.recordsOf(ownerId, 'lab_result', { from: labsFrom, to: range.to }),
      ]);
    const profile = profileRec?.userId === ownerId ? profileRec.payload : {};
    const strings = (k: string): string[] =>
      Array.isArray(profile[k])
        ? (profile[k] as unknown[]).filter((s): s is string => typeof s === 'string')
        : [];

    const series: DoctorReport['series'] = { systolic: [], diastolic: [], glucose: [], weight: [] };
    const oor: OutOfRange[] = [];
    for (const r of vitals) {
      const p = r.payload;
      const t = Date.parse(String(p.logged_at));
      if (num(p.blood_pressure_systolic)) series.systolic.push({ t, v: p.blood_pressure_systolic });
      if (num(p.blood_pressure_diastolic)) series.diastolic.push({ t, v: p.blood_pressure_diastolic });
      if (num(p.blood_sugar)) series.glucose.push({ t, v: p.blood_sugar });
      if (num(p.weight_kg)) series.weight.push({ t, v: p.weight_kg });
      for (const o of outOfRange(p, zone)) oor.push({ ...o, at: String(p.logged_at) });
    }

    const hours = sleep.map(
      (r) =>
        (Date.parse(String(r.payload.sleep_end)) - Date.parse(String(r.payload.sleep_start))) / 3_600_000,
    );
    const minutes = exercise.reduce(
      (a, r) => a + (num(r.payload.duration_minutes) ? r.payload.duration_minutes : 0),
      0,
    );

    // Per medicine: the adherence service's schedules summed (a medicine may have several times a day).
    const byMed = new Map<string, Counts & { name: string }>();
    for (const b of adherence.by_schedule) {
      const m = byMed.get(b.medication_id) ?? { name: b.medication_name ?? '?', ...zero() };
      for (const k of COUNT_KEYS) m[k] += b[k];
      byMed.set(b.medication_id, m);
    }
    const o = adherence.overall;

    const chatById = new Map(chat.map((r) => [r.id, r]));
    const alarms: DoctorReport['alarms'] = [];
    for (const r of chat) {
      const d = (r.payload as { data?: { role?: string; intent?: string } }).data;
      if (d?.role !== 'assistant' || d.intent !== 'emergency') continue;
      const question = chatById.get(r.id.replace(/_assistant$/, '_user'));
      const text = (question?.payload as { data?: { content?: string } } | undefined)?.data?.content ?? '';
      alarms.push({ at: r.occurredAt.toISOString(), kind: 'triage', text: text.slice(0, 120) });
    }
    for (const r of alerts)
      alarms.push({
        at: r.occurredAt.toISOString(),
        kind: 'emergency',
        text: `${r.payload.type}, ${r.payload.severity}: ${String(r.payload.description ?? '').slice(0, 100)}`,
      });
    alarms.sort((a, b) => a.at.localeCompare(b.at));

    return {
      lang: opts.lang,
      zone,
      generated_at: now.toISOString(),
      period: {
        from,
        to,
        days: opts.days,
        start: range.from!.getTime(),
        end: range.to!.getTime(),
      },
      patient: {
        name: account.name,
        age: ageOn(profile.date_of_birth, to),
        gender: typeof profile.gender === 'string' ? profile.gender : null,
        conditions: strings('medical_conditions'),
        allergies: strings('allergies'),
        height_cm: num(profile.height_cm) ? profile.height_cm : null,
      },
      medications: meds
        .filter((m) => m.payload.active !== false)
        .map((m) => ({
          name: String(m.payload.name),
          dosage: String(m.payload.dosage ?? ''),
          frequency: String(m.payload.frequency ?? ''),
          times: schedules
            .filter((s) => s.payload.medication_id === m.id)
            .map((s) => String(s.payload.time_of_day))
            .sort(),
        })),
      adherence: {
        medicines: [...byMed.values()].map((m) => medicine(m.name, m)),
        overall: o.scheduled ? medicine('', o) : null,
      },
      series,
      out_of_range: oor.reverse(),
      sleep: {
        nights: hours.length,
        avg_hours: hours.length ? round(hours.reduce((a, b) => a + b, 0) / hours.length) : null,
        short_nights: hours.filter((h) => h < 6).length,
      },
      activity: {
        sessions: exercise.length,
        minutes_per_week: exercise.length ? Math.round((minutes / opts.days) * 7) : null,
      },
      alarms,
      labs: labs ? labSection(labs, profile.hba1c_target) : null,
    };
  }
}
