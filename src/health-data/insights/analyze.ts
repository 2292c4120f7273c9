import type { AdherenceCounts } from '../../schedule/adherence.js';
import { hba1cPercent } from '../lab/lab.record.js';
import { localDate, localHour } from '../records/time.js';
import type { RecordFields } from '../records/record-spec.js';
import type { VitalsPayload } from '../vitals/vitals.record.js';

/**
 * Health insights computed from the user's own records (docs/product-decisions.md §4). Pure: records in, findings out.
 * Every sentence carries the user's numbers; nothing is canned. Thresholds (docs/health-data.md):
 * - blood pressure high ≥ 140/90 (urgent ≥ 180/120), low < 90/60; heart rate outside 50–100 bpm;
 *   SpO₂ < 95 % (urgent < 90 %); temperature ≥ 38 °C; fasting sugar ≥ 126 mg/dL, any sugar < 70 mg/dL,
 *   non-fasting sugar ≥ 200 mg/dL. A sugar reading is fasting when `fasting` is true, or when `fasting`
 *   is not given and it was taken before 10:00 local time.
 * - trends: mean of the first half of the window vs the second half (≥ 2 readings in each half).
 * - hydration vs a daily goal (30 ml per kg of profile weight, 1,500–3,500 ml; else 2,000 ml), on logged days.
 * - sleep: mean hours per night, nights under 6 h, share rated poor/fair. Mood: mean score 1–5, trend.
 * - HbA1c: the latest result, its change from the one before, and the target the user's doctor set (profile
 *   `hba1c_target`); without a target no judgement is made (the doctor sets it, not Podd).
 */

export type Category = 'vitals' | 'medication' | 'hydration' | 'sleep' | 'mood' | 'exercise' | 'diet' | 'lab';
export type Priority = 'low' | 'medium' | 'high' | 'urgent';
export const PRIORITY_ORDER: Record<Priority, number> = { low: 1, medium: 2, high: 3, urgent: 4 };

export interface Finding {
  category: Category;
  /** Stable machine key, e.g. `bp_high`, `hr_trend`. */
  key: string;
  priority: Priority;
  /** Whether the user can act on it (a positive finding is not actionable). */
  actionable: boolean;
  title: string;
  /** What the data shows, with the user's numbers. */
  message: string;
  /** What to do, with the user's numbers. */
  recommendation: string;
  estimated_impact: string | null;
  /** Records behind this finding. */
  data_points: number;
}

/** A vitals reading as the analysis reads it: the payload's fields, any measurement possibly absent. */
export type VitalsRow = Pick<VitalsPayload, 'logged_at'> & Partial<RecordFields<VitalsPayload>>;

/** Rows are the stored payloads (each type's `*.record.ts`); the analysis reads only the fields named here. */
export interface InsightInput {
  zone: string;
  now: Date;
  windowDays: number;
  vitals: VitalsRow[];
  water: { logged_at: string; amount_ml: number }[];
  sleep: { sleep_start: string; sleep_end: string; quality?: string | null }[];
  mood: { logged_at: string; mood: string; energy_level?: string | null }[];
  exercise: { logged_at: string; duration_minutes: number }[];
  food: { logged_at: string; calories?: number | null }[];
  /** Overall dose counts over the window (from the adherence classifier), or null without schedules. */
  adherence: AdherenceCounts | null;
  /** Profile weight (for the hydration goal). */
  weightKg?: number | null;
  /** The latest HbA1c results, oldest first (read beyond the window: the test is done every few months). */
  hba1c?: HbA1cRow[];
  /** The HbA1c target (%) the user's doctor set (profile `hba1c_target`), or null. */
  hba1cTarget?: number | null;
}

export interface HbA1cRow {
  taken_at: string;
  value: number;
  unit: string;
}

export interface InsightResult {
  findings: Finding[];
  data_points_analyzed: number;
  /** Records analysed per category (each record counted once). */
  points_by_category: Record<Category, number>;
}

const fmt = (n: number, digits = 0): string =>
  n.toLocaleString('en-IN', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
/** CLDR plural rules, not `n === 1`: the form is chosen the way the language chooses it. */
const PLURAL = new Intl.PluralRules('en-IN');
const isOne = (n: number): boolean => PLURAL.select(n) === 'one';
/** "1 reading" / "3 readings". */
const plural = (n: number, one: string, many = `${one}s`): string => `${fmt(n)} ${isOne(n) ? one : many}`;
/** "1 of 5 readings was" / "2 of 5 readings were": the verb agrees with the part, the noun with the whole. */
const partOf = (part: number, whole: number, noun: string): string =>
  `${fmt(part)} of ${plural(whole, noun)} ${isOne(part) ? 'was' : 'were'}`;
/** "this reading" / "these 3 readings" (`the` for "the reading" / "the 3 readings"). */
const these = (n: number, noun: string, det: 'these' | 'the' = 'these'): string =>
  isOne(n) ? `${det === 'these' ? 'this' : 'the'} ${noun}` : `${det} ${fmt(n)} ${noun}s`;
const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

// ------------------------------------------------------------------------------------------------ vitals

function bloodPressure(rows: VitalsRow[], zone: string): Finding[] {
  const bp = rows.filter(
    (r) => num(r.blood_pressure_systolic) && num(r.blood_pressure_diastolic),
  ) as (VitalsRow & {
    blood_pressure_systolic: number;
    blood_pressure_diastolic: number;
  })[];
  if (!bp.length) return [];
  const out: Finding[] = [];
  const high = bp.filter((r) => r.blood_pressure_systolic >= 140 || r.blood_pressure_diastolic >= 90);
  const low = bp.filter((r) => r.blood_pressure_systolic < 90 || r.blood_pressure_diastolic < 60);
  const crisis = bp.filter((r) => r.blood_pressure_systolic >= 180 || r.blood_pressure_diastolic >= 120);
  const show = (r: (typeof bp)[number]): string =>
    `${r.blood_pressure_systolic}/${r.blood_pressure_diastolic} on ${localDate(new Date(r.logged_at), zone)}`;
  if (high.length) {
    const top = high.reduce((a, b) => (b.blood_pressure_systolic > a.blood_pressure_systolic ? b : a));
    out.push({
      category: 'vitals',
      key: 'bp_high',
      priority: crisis.length ? 'urgent' : 'high',
      actionable: true,
      title: crisis.length ? 'Very high blood pressure readings' : 'High blood pressure readings',
      message: `${partOf(high.length, bp.length, 'blood pressure reading')} at or above 140/90 mmHg (highest ${show(top)}).`,
      recommendation: crisis.length
        ? `${plural(crisis.length, 'reading')} reached 180/120 mmHg or more: contact your doctor today, and call 112 if you have chest pain, breathlessness, weakness or trouble speaking.`
        : `Share ${these(high.length, 'reading')} with your doctor; measure at the same time each day, seated and rested, and limit salt.`,
      estimated_impact: 'Keeping blood pressure under 140/90 lowers the risk of stroke and heart attack',
      data_points: bp.length,
    });
  }
  if (low.length) {
    const bottom = low.reduce((a, b) => (b.blood_pressure_systolic < a.blood_pressure_systolic ? b : a));
    out.push({
      category: 'vitals',
      key: 'bp_low',
      priority: bottom.blood_pressure_systolic < 80 ? 'high' : 'medium',
      actionable: true,
      title: 'Low blood pressure readings',
      message: `${partOf(low.length, bp.length, 'blood pressure reading')} below 90/60 mmHg (lowest ${show(bottom)}).`,
      recommendation: `Tell your doctor about ${these(low.length, 'low reading', 'the')}, especially if you felt dizzy; stand up slowly and drink enough water.`,
      estimated_impact: 'Fewer falls and dizzy spells',
      data_points: bp.length,
    });
  }
  if (!high.length && !low.length) {
    out.push({
      category: 'vitals',
      key: 'bp_normal',
      priority: 'low',
      actionable: false,
      title: 'Blood pressure in range',
      message: `${isOne(bp.length) ? 'The blood pressure reading was' : `All ${plural(bp.length, 'blood pressure reading')} were`} between 90/60 and 139/89 mmHg (average ${fmt(mean(bp.map((r) => r.blood_pressure_systolic)))}/${fmt(mean(bp.map((r) => r.blood_pressure_diastolic)))}).`,
      recommendation: `Keep measuring a few times a week; ${isOne(bp.length) ? 'the reading of this period was' : `all ${plural(bp.length, 'reading')} of this period were`} in range.`,
      estimated_impact: null,
      data_points: bp.length,
    });
  }
  return out;
}

interface RangeRule {
  key: string;
  field: keyof VitalsRow;
  label: string;
  unit: string;
  outside: (v: number) => 'high' | 'low' | null;
  range: string;
  priority: (worst: number) => Priority;
  advice: string;
}

const RANGE_RULES: RangeRule[] = [
  {
    key: 'heart_rate',
    field: 'heart_rate',
    label: 'heart rate',
    unit: 'bpm',
    outside: (v) => (v > 100 ? 'high' : v < 50 ? 'low' : null),
    range: '50–100 bpm at rest',
    priority: (w) => (w > 130 || w < 40 ? 'high' : 'medium'),
    advice: 'measure after 5 minutes of rest and show the readings to your doctor',
  },
  {
    key: 'spo2_low',
    field: 'spo2',
    label: 'oxygen saturation',
    unit: '%',
    outside: (v) => (v < 95 ? 'low' : null),
    range: '95 % or more',
    priority: (w) => (w < 90 ? 'urgent' : 'high'),
    advice:
      'recheck with warm hands; if it stays below 95 % or you are breathless, contact your doctor (below 90 %, call 112)',
  },
  {
    key: 'fever',
    field: 'temperature',
    label: 'temperature',
    unit: '°C',
    outside: (v) => (v >= 38 ? 'high' : null),
    range: 'below 38 °C',
    priority: (w) => (w >= 39.5 ? 'high' : 'medium'),
    advice:
      'rest, drink fluids and contact your doctor if the fever lasts more than 2 days or goes above 39.5 °C',
  },
];

function ranges(rows: VitalsRow[]): Finding[] {
  const out: Finding[] = [];
  for (const rule of RANGE_RULES) {
    const values = rows.map((r) => r[rule.field]).filter(num);
    if (!values.length) continue;
    const bad = values.filter((v) => rule.outside(v) !== null);
    if (!bad.length) continue;
    const highs = bad.filter((v) => rule.outside(v) === 'high');
    const lows = bad.filter((v) => rule.outside(v) === 'low');
    const parts: string[] = [];
    if (highs.length)
      parts.push(`${fmt(highs.length)} above (highest ${fmt(Math.max(...highs), 1)} ${rule.unit})`);
    if (lows.length)
      parts.push(`${fmt(lows.length)} below (lowest ${fmt(Math.min(...lows), 1)} ${rule.unit})`);
    const worst = highs.length ? Math.max(...highs) : Math.min(...lows);
    out.push({
      category: 'vitals',
      key: rule.key === 'heart_rate' ? (highs.length ? 'hr_high' : 'hr_low') : rule.key,
      priority: rule.priority(lows.length ? Math.min(...lows) : worst),
      actionable: true,
      title: `${rule.label.charAt(0).toUpperCase()}${rule.label.slice(1)} out of range`,
      message: `${partOf(bad.length, values.length, `${rule.label} reading`)} outside ${rule.range}: ${parts.join(', ')}.`,
      recommendation: `For ${these(bad.length, `${rule.label} reading`, 'the')} outside ${rule.range}: ${rule.advice}.`,
      estimated_impact: null,
      data_points: values.length,
    });
  }
  return out;
}

function sugar(rows: VitalsRow[], zone: string): Finding[] {
  const readings = rows.filter((r) => num(r.blood_sugar)) as (VitalsRow & { blood_sugar: number })[];
  if (!readings.length) return [];
  const isFasting = (r: VitalsRow): boolean =>
    r.fasting === true ? true : r.fasting === false ? false : localHour(r.logged_at, zone) < 10;
  const fasting = readings.filter(isFasting);
  const other = readings.filter((r) => !isFasting(r));
  const out: Finding[] = [];
  const highFasting = fasting.filter((r) => r.blood_sugar >= 126);
  if (highFasting.length) {
    out.push({
      category: 'vitals',
      key: 'sugar_fasting_high',
      priority: 'high',
      actionable: true,
      title: 'High fasting blood sugar',
      message: `${partOf(highFasting.length, fasting.length, 'fasting sugar reading')} 126 mg/dL or more (highest ${fmt(Math.max(...highFasting.map((r) => r.blood_sugar)))} mg/dL).`,
      recommendation: `Show ${these(highFasting.length, 'fasting reading')} to your doctor; an HbA1c test tells the 3-month picture.`,
      estimated_impact: 'Good sugar control protects eyes, kidneys and nerves',
      data_points: fasting.length,
    });
  }
  const highRandom = other.filter((r) => r.blood_sugar >= 200);
  if (highRandom.length) {
    out.push({
      category: 'vitals',
      key: 'sugar_random_high',
      priority: 'high',
      actionable: true,
      title: 'High blood sugar after meals',
      message: `${partOf(highRandom.length, other.length, 'non-fasting sugar reading')} 200 mg/dL or more (highest ${fmt(Math.max(...highRandom.map((r) => r.blood_sugar)))} mg/dL).`,
      recommendation: `Note what you ate before ${these(highRandom.length, 'high reading', 'the')} and discuss ${isOne(highRandom.length) ? 'it' : 'them'} with your doctor.`,
      estimated_impact: null,
      data_points: other.length,
    });
  }
  const low = readings.filter((r) => r.blood_sugar < 70);
  if (low.length) {
    out.push({
      category: 'vitals',
      key: 'sugar_low',
      priority: 'high',
      actionable: true,
      title: 'Low blood sugar readings',
      message: `${partOf(low.length, readings.length, 'sugar reading')} below 70 mg/dL (lowest ${fmt(Math.min(...low.map((r) => r.blood_sugar)))} mg/dL).`,
      recommendation: `Keep glucose or sweets at hand and tell your doctor about ${these(low.length, 'low reading', 'the')}; your medicine dose may need review.`,
      estimated_impact: 'Fewer hypoglycaemia episodes and falls',
      data_points: readings.length,
    });
  }
  return out;
}

interface TrendRule {
  field: keyof VitalsRow;
  label: string;
  unit: string;
  min: number;
  digits: number;
  worseWhen: 'up' | 'down' | 'either';
}

const TRENDS: TrendRule[] = [
  {
    field: 'blood_pressure_systolic',
    label: 'systolic blood pressure',
    unit: 'mmHg',
    min: 5,
    digits: 0,
    worseWhen: 'up',
  },
  {
    field: 'blood_pressure_diastolic',
    label: 'diastolic blood pressure',
    unit: 'mmHg',
    min: 5,
    digits: 0,
    worseWhen: 'up',
  },
  { field: 'heart_rate', label: 'resting heart rate', unit: 'bpm', min: 5, digits: 0, worseWhen: 'either' },
  { field: 'blood_sugar', label: 'blood sugar', unit: 'mg/dL', min: 10, digits: 0, worseWhen: 'up' },
  { field: 'weight_kg', label: 'weight', unit: 'kg', min: 1, digits: 1, worseWhen: 'either' },
  { field: 'spo2', label: 'oxygen saturation', unit: '%', min: 2, digits: 1, worseWhen: 'down' },
];

/** First-half vs second-half means of the window, for each metric with ≥ 2 readings in both halves. */
export function trends(
  rows: { at: number; value: number }[],
  windowStart: number,
  windowEnd: number,
): { first: number; second: number; n: number } | null {
  const mid = windowStart + (windowEnd - windowStart) / 2;
  const a = rows.filter((r) => r.at < mid).map((r) => r.value);
  const b = rows.filter((r) => r.at >= mid).map((r) => r.value);
  if (a.length < 2 || b.length < 2) return null;
  return { first: mean(a), second: mean(b), n: a.length + b.length };
}

function vitalTrends(input: InsightInput, start: number, end: number): Finding[] {
  const out: Finding[] = [];
  for (const t of TRENDS) {
    const rows = input.vitals
      .filter((r) => num(r[t.field]))
      .map((r) => ({ at: Date.parse(r.logged_at), value: r[t.field] as number }));
    const tr = trends(rows, start, end);
    if (!tr) continue;
    const delta = tr.second - tr.first;
    if (Math.abs(delta) < t.min) continue;
    const dir = delta > 0 ? 'up' : 'down';
    const worse = t.worseWhen === 'either' || t.worseWhen === dir;
    out.push({
      category: 'vitals',
      key: `${String(t.field)}_trend`,
      priority: worse ? 'medium' : 'low',
      actionable: worse,
      title: `${t.label.charAt(0).toUpperCase()}${t.label.slice(1)} ${dir === 'up' ? 'rising' : 'falling'}`,
      message: `Your average ${t.label} went ${dir} from ${fmt(tr.first, t.digits)} to ${fmt(tr.second, t.digits)} ${t.unit} between the first and second half of the last ${plural(input.windowDays, 'day')} (${plural(tr.n, 'reading')}).`,
      recommendation: worse
        ? `Mention the change of ${fmt(Math.abs(delta), t.digits)} ${t.unit} in ${t.label} at your next doctor visit.`
        : `The ${t.label} change of ${fmt(Math.abs(delta), t.digits)} ${t.unit} is in the right direction; keep it up.`,
      estimated_impact: null,
      data_points: tr.n,
    });
  }
  return out;
}

// -------------------------------------------------------------------------------------- other domains

function adherence(c: AdherenceCounts | null): Finding[] {
  if (!c) return [];
  const settled = c.taken + c.late + c.missed;
  if (!settled) return [];
  const pct = c.adherence_percent ?? 0;
  const priority: Priority = pct < 80 ? 'high' : pct < 95 ? 'medium' : 'low';
  return [
    {
      category: 'medication',
      key: 'adherence',
      priority,
      actionable: priority !== 'low',
      title: priority === 'low' ? 'Medicines taken as scheduled' : 'Missed medicine doses',
      message: `You took ${fmt(c.taken + c.late)} of ${plural(settled, 'scheduled dose')} (${fmt(pct, 1)} %): ${fmt(c.taken)} on time, ${fmt(c.late)} late and ${fmt(c.missed)} missed.`,
      recommendation:
        priority === 'low'
          ? `Keep going: ${fmt(pct, 1)} % of doses taken.`
          : `${plural(c.missed, 'dose was', 'doses were')} missed: keep reminders on and your medicines where you see them; ask your doctor before doubling up on a missed dose.`,
      estimated_impact: 'Regular doses keep blood pressure and sugar steady',
      data_points: settled,
    },
  ];
}

function hydration(input: InsightInput): Finding[] {
  if (!input.water.length) return [];
  const goal =
    input.weightKg && input.weightKg > 0
      ? Math.min(3500, Math.max(1500, Math.round((input.weightKg * 30) / 50) * 50))
      : 2000;
  const byDay = new Map<string, number>();
  for (const w of input.water) {
    const d = localDate(new Date(w.logged_at), input.zone);
    byDay.set(d, (byDay.get(d) ?? 0) + w.amount_ml);
  }
  const totals = [...byDay.values()];
  const avg = mean(totals);
  const under = totals.filter((t) => t < goal).length;
  const low = avg < goal;
  return [
    {
      category: 'hydration',
      key: low ? 'hydration_low' : 'hydration_ok',
      priority: avg < goal * 0.75 ? 'medium' : 'low',
      actionable: low,
      title: low ? 'Drinking less water than your goal' : 'Water goal met',
      message: `On the ${plural(byDay.size, 'day')} you logged water you drank on average ${fmt(avg)} ml a day against a goal of ${fmt(goal)} ml; ${plural(under, 'day was', 'days were')} under the goal.`,
      recommendation: low
        ? `Add about ${plural(Math.ceil((goal - avg) / 250), 'glass', 'glasses')} of 250 ml a day to reach ${fmt(goal)} ml (check with your doctor if you have heart or kidney disease).`
        : `Keep drinking about ${fmt(goal)} ml a day.`,
      estimated_impact: low ? 'Better energy and fewer urinary infections and dizzy spells' : null,
      data_points: input.water.length,
    },
  ];
}

function sleep(input: InsightInput): Finding[] {
  const nights = input.sleep
    .map((s) => ({
      hours: (Date.parse(s.sleep_end) - Date.parse(s.sleep_start)) / 3600_000,
      quality: s.quality ?? 'good',
    }))
    .filter((n) => n.hours > 0);
  if (!nights.length) return [];
  const avg = mean(nights.map((n) => n.hours));
  const short = nights.filter((n) => n.hours < 6).length;
  const poor = nights.filter((n) => n.quality === 'poor' || n.quality === 'fair').length;
  const concern = avg < 6 || avg > 9.5 || poor * 2 > nights.length;
  return [
    {
      category: 'sleep',
      key: concern ? 'sleep_concern' : 'sleep_ok',
      priority: avg < 5 ? 'high' : concern ? 'medium' : 'low',
      actionable: concern,
      title:
        avg < 6
          ? 'Short sleep'
          : avg > 9.5
            ? 'Long sleep'
            : poor * 2 > nights.length
              ? 'Poor sleep quality'
              : 'Sleep in a healthy range',
      message: `You slept on average ${fmt(avg, 1)} h over ${plural(nights.length, 'night')}; ${plural(short, 'night was', 'nights were')} under 6 h and ${fmt(poor)} rated poor or fair.`,
      recommendation: concern
        ? `Aim for 7–8 h (you average ${fmt(avg, 1)} h): a fixed bedtime, no tea or coffee after 4 pm, and a short walk in daylight help.`
        : `Keep your routine: ${fmt(avg, 1)} h a night is within 6–9.5 h.`,
      estimated_impact: concern ? 'Better mood, memory and blood pressure' : null,
      data_points: nights.length,
    },
  ];
}

const MOOD_SCORE: Record<string, number> = { very_bad: 1, bad: 2, neutral: 3, good: 4, very_good: 5 };

function mood(input: InsightInput, start: number, end: number): Finding[] {
  const rows = input.mood
    .filter((m) => MOOD_SCORE[m.mood])
    .map((m) => ({ at: Date.parse(m.logged_at), value: MOOD_SCORE[m.mood] }));
  if (!rows.length) return [];
  const avg = mean(rows.map((r) => r.value));
  const bad = rows.filter((r) => r.value <= 2).length;
  const tr = trends(rows, start, end);
  const dropping = tr !== null && tr.second - tr.first <= -0.5;
  const concern = avg < 3 || dropping || bad * 3 > rows.length;
  const trendText = tr
    ? `; it went from ${fmt(tr.first, 1)} to ${fmt(tr.second, 1)} between the first and second half of the period`
    : '';
  return [
    {
      category: 'mood',
      key: concern ? 'mood_low' : 'mood_ok',
      priority: avg < 2 ? 'high' : concern ? 'medium' : 'low',
      actionable: concern,
      title: concern ? 'Low mood' : 'Mood steady',
      message: `Your mood averaged ${fmt(avg, 1)} of 5 over ${plural(rows.length, 'entry', 'entries')}, with ${plural(bad, 'bad or very bad day', 'bad or very bad days')}${trendText}.`,
      recommendation: concern
        ? `With ${plural(bad, 'low day', 'low days')} logged, talk to someone you trust or your doctor; daily walks and time with family help. If you think of harming yourself, call 112 now.`
        : `Keep doing what works: ${plural(rows.length - bad, 'entry was', 'entries were')} neutral or better.`,
      estimated_impact: null,
      data_points: rows.length,
    },
  ];
}

function exercise(input: InsightInput): Finding[] {
  if (!input.exercise.length) return [];
  const minutes = input.exercise.reduce((a, e) => a + (e.duration_minutes || 0), 0);
  const perWeek = (minutes / input.windowDays) * 7;
  const low = perWeek < 150;
  return [
    {
      category: 'exercise',
      key: low ? 'exercise_low' : 'exercise_ok',
      priority: low ? 'low' : 'low',
      actionable: low,
      title: low ? 'Less activity than recommended' : 'Active',
      message: `You logged ${fmt(minutes)} minutes of exercise in ${plural(input.exercise.length, 'session')} over ${plural(input.windowDays, 'day')}, about ${fmt(perWeek)} minutes a week.`,
      recommendation: low
        ? `Build up from ${fmt(perWeek)} towards 150 minutes a week, for example a 20-minute walk each day.`
        : `Keep up about ${fmt(perWeek)} minutes a week.`,
      estimated_impact: low ? 'Lower blood pressure and sugar, steadier balance' : null,
      data_points: input.exercise.length,
    },
  ];
}

function diet(input: InsightInput): Finding[] {
  const withCalories = input.food.filter((f) => num(f.calories));
  if (withCalories.length < 3) return [];
  const byDay = new Map<string, number>();
  for (const f of withCalories) {
    const d = localDate(new Date(f.logged_at), input.zone);
    byDay.set(d, (byDay.get(d) ?? 0) + (f.calories as number));
  }
  const avg = mean([...byDay.values()]);
  return [
    {
      category: 'diet',
      key: 'calories',
      priority: 'low',
      actionable: false,
      title: 'Food intake',
      message: `Across ${plural(byDay.size, 'day')} with calories logged you ate on average ${fmt(avg)} kcal a day (${plural(input.food.length, 'meal')} logged).`,
      recommendation: `Keep logging meals; ${fmt(avg)} kcal a day can be compared with your doctor's or dietician's advice.`,
      estimated_impact: null,
      data_points: input.food.length,
    },
  ];
}

// ------------------------------------------------------------------------------------------------ lab

function hba1c(input: InsightInput): Finding[] {
  const rows = (input.hba1c ?? []).filter((r) => num(r.value));
  const last = rows.at(-1);
  if (!last) return [];
  const day = (r: HbA1cRow): string => localDate(new Date(r.taken_at), input.zone);
  const latest = hba1cPercent(last.value, last.unit);
  const prev = rows.at(-2);
  let trend = '';
  if (prev) {
    const before = hba1cPercent(prev.value, prev.unit);
    const dir = latest > before ? 'up from' : latest < before ? 'down from' : 'the same as';
    trend = `, ${dir} ${fmt(before, 1)} % on ${day(prev)}`;
  }
  const message = `Your latest HbA1c was ${fmt(latest, 1)} % on ${day(last)}${trend}`;
  const target = input.hba1cTarget;
  const base = { category: 'lab' as const, estimated_impact: null, data_points: rows.length };
  if (!num(target))
    return [
      {
        ...base,
        key: 'hba1c_latest',
        priority: 'low',
        actionable: false,
        title: 'HbA1c',
        message: `${message}.`,
        recommendation:
          'Your doctor sets your personal HbA1c target; ask for it at your next visit and add it to your profile to see your results against it.',
      },
    ];
  const above = latest > target;
  return [
    {
      ...base,
      key: above ? 'hba1c_above_target' : 'hba1c_at_target',
      priority: above ? 'medium' : 'low',
      actionable: above,
      title: above ? 'HbA1c above your target' : 'HbA1c at your target',
      message: `${message}; your target, set with your doctor, is ${fmt(target, 1)} %.`,
      recommendation: above
        ? `Show this result (${fmt(latest, 1)} % against ${fmt(target, 1)} %) to your doctor; only your doctor should change your treatment.`
        : `Your HbA1c of ${fmt(latest, 1)} % is within the target of ${fmt(target, 1)} % your doctor set; ask them when to test again.`,
    },
  ];
}

/** Every finding over the window, most important first. */
export function analyze(input: InsightInput): InsightResult {
  const end = input.now.getTime();
  const start = end - input.windowDays * 86400_000;
  const findings = [
    ...bloodPressure(input.vitals, input.zone),
    ...ranges(input.vitals),
    ...sugar(input.vitals, input.zone),
    ...vitalTrends(input, start, end),
    ...adherence(input.adherence),
    ...hydration(input),
    ...sleep(input),
    ...mood(input, start, end),
    ...exercise(input),
    ...diet(input),
    ...hba1c(input),
  ].sort((a, b) => PRIORITY_ORDER[b.priority] - PRIORITY_ORDER[a.priority]);
  const settled = input.adherence ? input.adherence.taken + input.adherence.late + input.adherence.missed : 0;
  const points_by_category: Record<Category, number> = {
    vitals: input.vitals.length,
    medication: settled,
    hydration: input.water.length,
    sleep: input.sleep.length,
    mood: input.mood.length,
    exercise: input.exercise.length,
    diet: input.food.length,
    lab: input.hba1c?.length ?? 0,
  };
  return {
    findings,
    data_points_analyzed: Object.values(points_by_category).reduce((a, b) => a + b, 0),
    points_by_category,
  };
}
