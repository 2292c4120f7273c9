import type { AuthUser } from '../common/decorators.js';
import { Clock } from '../common/clock.js';
import { AppError } from '../common/errors.js';
import { FoodLogCreateDto } from '../health-data/food/food.dto.js';
import { LabResultCreateDto } from '../health-data/lab/lab.dto.js';
import type { LabResultView, LabService } from '../health-data/lab/lab.service.js';
import { LAB_TESTS, type LabTestKey } from '../health-data/lab/lab.record.js';
import type { FoodService } from '../health-data/food/food.service.js';
import { MedicationLogCreateDto } from '../health-data/medication/medication.dto.js';
import type { MedicationView } from '../health-data/medication/medication.record.js';
import type { MedicationService } from '../health-data/medication/medication.service.js';
import { addDays, localDate, localHour, zonedIso } from '../health-data/records/time.js';
import { ExerciseLogDto, WaterLogDto } from '../health-data/tracking/tracking.dto.js';
import type { TrackingService } from '../health-data/tracking/tracking.service.js';
import { VitalsCreateDto } from '../health-data/vitals/vitals.dto.js';
import type { VitalsView } from '../health-data/vitals/vitals.record.js';
import type { VitalsService } from '../health-data/vitals/vitals.service.js';
import { AlarmCreateDto } from '../reminders/alarms/alarms.dto.js';
import type { AlarmsService } from '../reminders/alarms/alarms.service.js';
import { ALARM_TYPES } from '../reminders/alarm-messages.js';
import {
  extractDoseTaken,
  extractExercise,
  extractQuestion,
  extractReminder,
  extractWater,
  foodDescription,
  mealTypeOf,
  mentionsWater,
  saysDoseMissed,
  WEEKDAYS,
  type ExerciseEntry,
  type Question,
  type VitalField,
} from './pipeline/entities.js';
import type { Intent } from './pipeline/intent.js';
import type { LanguageStyle, NormalisedText } from './pipeline/normalise.js';
import { asksLastLab, extractLab, resolveDay, type LabReading } from './pipeline/lab.js';
import { words } from './pipeline/text.js';
import { extractVitals, hasVitals, type VitalsReading } from './pipeline/vitals.js';
import type { ActionTaken } from './providers/chat-provider.js';
import { replies, type DoseLine, type Replies } from './replies.js';
import { validateAs } from './validate-dto.js';

/** What a turn did and knows: the records it created, the facts it read, and the offline reply. */
export interface TurnResult {
  actions: ActionTaken[];
  facts: string[];
  draft: string;
}

/** The next appointment and the primary emergency contact, read through the modules that own them. */
export interface AppointmentView {
  title: string;
  doctor_name: string | null;
  location: string | null;
  scheduled_at: string;
}
export interface ChatLookups {
  nextAppointment(user: AuthUser): Promise<AppointmentView | null>;
  primaryContact(
    user: AuthUser,
  ): Promise<{ name: string; phone: string; relationship?: string | null } | null>;
  medicalConditions(user: AuthUser): Promise<string[]>;
}

export interface ChatServices {
  vitals: VitalsService;
  lab: LabService;
  food: FoodService;
  tracking: TrackingService;
  medication: MedicationService;
  alarms: AlarmsService;
  lookups: ChatLookups;
  clock: Clock;
}

interface Ctx {
  user: AuthUser;
  input: NormalisedText;
  zone: string;
  r: Replies;
  style: LanguageStyle;
}

const P = (s: string): RegExp => words(s);
const GREETING = P(
  'hi|hello|hey|namaste|namaskar|good (?:morning|evening|afternoon|night)|suprabhat|नमस्ते|नमस्कार|सुप्रभात|राम राम|ram ram|kaise ho|kya haal|how are you|कैसे हैं|कैसे हो',
);
const THANKS = P('thanks?|thank you|thankyou|shukriya|dhanyavaad|dhanyawad|धन्यवाद|शुक्रिया|bye|alvida');
const CAPABILITIES = P('what can you do|who are you|help|kaun ho|kya kar sakte|क्या कर सकते|कौन हो|क्या क्या कर');
const FEELINGS = P(
  'lonely|sad|bored|bore|depressed|low|upset|anxious|worried|udaas|udas|akela|akeli|pareshan|उदास|अकेला|अकेली|परेशान|मन नहीं',
);
const SYMPTOM = P(
  'pain|hurts?|ache|headache|dizzy|dizziness|tired|weak|weakness|cough|cold|fever|vomit|nausea|acidity|gas|swelling|dard|chakkar|sujan|khansi|bukhar|kamzori|थकान|दर्द|चक्कर|सूजन|खांसी|बुखार|कमज़ोरी|कमजोरी|चोट',
);
const TOPIC_DIET = P(
  'eat|food|diet|fruits?|breakfast|lunch|dinner|nashta|khana|khau|khaye|meal|recipe|snack|खाना|खाएं|खाऊं|फल|नाश्ता|खिलाना',
);
const TOPIC_EXERCISE = P(
  'exercise|exercises|walk|walking|yoga|workout|stretch|kasrat|vyayam|कसरत|व्यायाम|योग|back|kamar|knee|ghutne|weight|wajan|वजन',
);
const TOPIC_SLEEP = P('sleep|neend|nind|insomnia|नींद|सोना');
const FOOD_NOT_WATER = P(
  'ate|eat|eaten|breakfast|lunch|dinner|snack|meal|food|roti|chapati|paratha|rice|dal|daal|sabzi|curd|dahi|khichdi|daliya|oats|idli|dosa|poha|upma|banana|apple|fruit|biscuits?|bread|eggs?|tea|chai|coffee|milk|doodh|juice|khaya|khayi|khaye|nashta|nashte|खाया|खाई|खाए|नाश्ते|नाश्ता|रोटी|दाल|चावल|चाय|दूध|खिचड़ी|केले',
);

const LATIN_VITAL_LABELS: Record<VitalField, string> = {
  blood_pressure: 'BP',
  blood_sugar: 'sugar',
  weight_kg: 'weight',
  heart_rate: 'pulse',
  temperature: 'temperature',
  spo2: 'oxygen (SpO2)',
};
const VITAL_LABELS: Record<LanguageStyle, Record<VitalField, string>> = {
  en: LATIN_VITAL_LABELS,
  hi: {
    blood_pressure: 'बीपी',
    blood_sugar: 'शुगर',
    weight_kg: 'वज़न',
    heart_rate: 'पल्स',
    temperature: 'तापमान',
    spo2: 'ऑक्सीजन (SpO2)',
  },
  hinglish: LATIN_VITAL_LABELS,
};
const MEAL_LABELS: Record<LanguageStyle, Record<string, string>> = {
  en: { breakfast: 'breakfast', lunch: 'lunch', dinner: 'dinner', snack: 'snack', other: 'meal' },
  hi: { breakfast: 'नाश्ता', lunch: 'दोपहर का खाना', dinner: 'रात का खाना', snack: 'स्नैक', other: 'खाना' },
  hinglish: { breakfast: 'nashta', lunch: 'lunch', dinner: 'dinner', snack: 'snack', other: 'khana' },
};

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Formats a stored instant as "25 Nov, 08:10" in the user's zone. */
function when(iso: string, zone: string): string {
  const z = zonedIso(iso, zone);
  return `${Number(z.slice(8, 10))} ${MONTHS[Number(z.slice(5, 7)) - 1]}, ${z.slice(11, 16)}`;
}

/** A lab result's day as "3 Mar 2026" in the user's zone (the time of a sample is rarely known). */
function onDay(iso: string, zone: string): string {
  const z = zonedIso(iso, zone);
  return `${Number(z.slice(8, 10))} ${MONTHS[Number(z.slice(5, 7)) - 1]} ${z.slice(0, 4)}`;
}

function vitalValue(v: VitalsView, field: VitalField): string | null {
  if (field === 'blood_pressure') {
    return v.blood_pressure_systolic != null
      ? `${v.blood_pressure_systolic}${v.blood_pressure_diastolic != null ? `/${v.blood_pressure_diastolic}` : ''}`
      : null;
  }
  const n = v[field];
  if (n === null) return null;
  const unit = { blood_sugar: ' mg/dL', weight_kg: ' kg', heart_rate: ' bpm', temperature: ' °C', spo2: '%' }[
    field
  ];
  return `${n}${unit}`;
}

const mean = (xs: number[]): number => Math.round(xs.reduce((a, b) => a + b, 0) / xs.length);

/**
 * Acting and answering for one chat turn, through the same services the REST routes use (so a record made
 * here is exactly the record the REST route would make, validated by the same DTO), always for the caller.
 */
export class ChatActions {
  constructor(private readonly s: ChatServices) {}

  async run(
    intent: Exclude<Intent, 'emergency'>,
    user: AuthUser,
    input: NormalisedText,
    zone: string,
  ): Promise<TurnResult> {
    const ctx: Ctx = { user, input, zone, r: replies(input.style), style: input.style };
    switch (intent) {
      case 'food_tracking':
        return this.food(ctx);
      case 'health_query':
        return this.health(ctx);
      case 'medication':
        return this.medication(ctx);
      case 'reminder':
        return this.reminder(ctx);
      case 'recommendation':
        return this.recommendation(ctx);
      default:
        return this.general(ctx);
    }
  }

  /** Records the readings in a message (used by health turns and, without a reply, by emergency turns). */
  async recordVitals(
    user: AuthUser,
    reading: VitalsReading,
  ): Promise<{ record: VitalsView | null; invalid: string[] }> {
    const body: Record<string, unknown> = {};
    for (const k of [
      'blood_pressure_systolic',
      'blood_pressure_diastolic',
      'heart_rate',
      'blood_sugar',
      'temperature',
      'weight_kg',
      'spo2',
    ] as const) {
      if (reading[k] !== undefined) body[k] = reading[k];
    }
    if (reading.blood_sugar !== undefined && reading.sugar_context !== 'random')
      body.fasting = reading.sugar_context === 'fasting';
    const v = await validateAs(VitalsCreateDto, body);
    if ('invalid' in v) return { record: null, invalid: v.invalid };
    return { record: await this.s.vitals.create(user, v.ok), invalid: [] };
  }

  // ── food and water ───────────────────────────────────────────────────────────────────────────────
  private async food(c: Ctx): Promise<TurnResult> {
    const actions: ActionTaken[] = [];
    const facts: string[] = [];
    const parts: string[] = [];
    const water = extractWater(c.input.text);
    const text = c.input.text;
    if (water) {
      const v = await validateAs(WaterLogDto, water);
      if ('ok' in v) {
        const rec = await this.s.tracking.log('water', c.user, v.ok);
        actions.push({ type: 'water_log', id: rec.id, summary: `water ${rec.amount_ml} ml` });
        const total = await this.waterToday(c);
        facts.push(`water today ${total.total} ml in ${total.entries} entries`);
        parts.push(c.r.waterLogged(rec.amount_ml, total.total));
      }
    }
    const foodText = text.replace(P('water|paani|pani|पानी|jal|जल'), ' ');
    if (FOOD_NOT_WATER.test(foodText)) {
      const meal = mealTypeOf(text, localHour(this.s.clock.now(), c.zone));
      const description = foodDescription(c.input.original);
      const v = await validateAs(FoodLogCreateDto, { description, meal_type: meal });
      if ('ok' in v) {
        const rec = await this.s.food.create(c.user, v.ok);
        actions.push({ type: 'food_log', id: rec.id, summary: `${meal}: ${description}` });
        parts.push(c.r.foodLogged(MEAL_LABELS[c.style][meal], description));
      }
    }
    if (!parts.length) parts.push(mentionsWater(text) ? c.r.waterAmountMissing() : c.r.fallback());
    return { actions, facts, draft: parts.join(' ') };
  }

  private async waterToday(c: Ctx): Promise<{ total: number; entries: number }> {
    const today = localDate(this.s.clock.now(), c.zone);
    const logs = await this.s.tracking.history('water', c.user, { date: today, limit: 100, offset: 0 });
    return { total: Math.round(logs.reduce((a, l) => a + Number(l.amount_ml), 0)), entries: logs.length };
  }

  // ── vitals and questions ─────────────────────────────────────────────────────────────────────────
  private async health(c: Ctx): Promise<TurnResult> {
    // A named lab test first: "fasting sugar report 126" is a lab result, "sugar 126 fasting" a vitals reading.
    const lab = extractLab(c.input.text);
    if (lab) return this.labResult(c, lab);
    const asked = asksLastLab(c.input.text);
    if (asked) return this.lastLab(c, asked);
    const reading = extractVitals(c.input.text);
    if (hasVitals(reading)) return this.vitals(c, reading);
    const exercise = /\?/u.test(c.input.text) ? null : extractExercise(c.input.text);
    if (exercise) return this.exercise(c, exercise);
    const q = extractQuestion(c.input.text);
    if (q) return this.answer(c, q);
    return { actions: [], facts: [], draft: SYMPTOM.test(c.input.text) ? c.r.symptom() : c.r.fallback() };
  }

  /**
   * Records a lab result on the day said (a past day: its local midnight, as the REST route reads a date alone),
   * through the REST route's DTO and service; null when the value, unit or day cannot be a lab result's.
   * Used by health turns and, without a reply, by emergency turns.
   */
  async recordLab(user: AuthUser, r: LabReading, zone: string): Promise<LabResultView | null> {
    const today = localDate(this.s.clock.now(), zone);
    const day = r.day ? resolveDay(r.day, today) : null;
    const past = day && day !== today ? { taken_at: day } : {};
    const v = await validateAs(LabResultCreateDto, { test: r.test, value: r.value, unit: r.unit, ...past });
    if (!('ok' in v) || r.wrongUnit) return null;
    return this.s.lab.create(user, v.ok).catch((e: unknown) => {
      if (e instanceof AppError && e.status === 422) return null;
      throw e;
    });
  }

  private async labResult(c: Ctx, r: LabReading): Promise<TurnResult> {
    const rec = await this.recordLab(c.user, r, c.zone);
    if (!rec) {
      const what = `${LAB_TESTS[r.test].name} ${r.value} ${r.unit}`;
      const msg = {
        en: `I couldn't record that: ${what} is not a value a lab report shows. Please check the number and the unit.`,
        hi: `यह दर्ज नहीं हो सका: ${what} किसी लैब रिपोर्ट की वैल्यू नहीं हो सकती। कृपया नंबर और यूनिट जाँचें।`,
        hinglish: `Yeh record nahi ho saka: ${what} lab report ki value nahi ho sakti. Please number aur unit check kijiye.`,
      }[c.style];
      return { actions: [], facts: [], draft: msg };
    }
    // The value and its day only: judging a lab value is the doctor's (no "out of range" note here).
    const summary = `${rec.test_name} ${rec.value} ${rec.unit_display} (${onDay(rec.taken_at, c.zone)})`;
    return {
      actions: [{ type: 'lab_result', id: rec.id, summary }],
      facts: [`lab result recorded: ${summary}`],
      draft: c.r.vitalsLogged([summary], []),
    };
  }

  private async lastLab(c: Ctx, test: LabTestKey): Promise<TurnResult> {
    const [hit] = await this.s.lab.list(c.user, { test, limit: 1, offset: 0 });
    if (!hit)
      return { actions: [], facts: [`no ${test} results`], draft: c.r.noReading(LAB_TESTS[test].name) };
    const value = `${hit.value} ${hit.unit_display}`;
    const day = onDay(hit.taken_at, c.zone);
    return {
      actions: [],
      facts: [`last ${hit.test_name}: ${value} on ${day}${hit.lab_name ? ` (${hit.lab_name})` : ''}`],
      draft: c.r.lastVital(hit.test_name, value, day),
    };
  }

  private async exercise(c: Ctx, entry: ExerciseEntry): Promise<TurnResult> {
    const v = await validateAs(ExerciseLogDto, entry);
    if ('invalid' in v) return { actions: [], facts: [], draft: c.r.fallback() };
    const rec = await this.s.tracking.log('exercise', c.user, v.ok);
    const summary = `${entry.exercise_type} ${entry.duration_minutes} min`;
    return {
      actions: [{ type: 'exercise_log', id: rec.id, summary }],
      facts: [`activity recorded now: ${summary}`],
      draft: c.r.exerciseLogged(entry.exercise_type, entry.duration_minutes),
    };
  }

  private async vitals(c: Ctx, reading: VitalsReading): Promise<TurnResult> {
    const { record, invalid } = await this.recordVitals(c.user, reading);
    const L = VITAL_LABELS[c.style];
    if (!record) {
      const which = invalid.map((f) => f.replace(/_/g, ' ')).join(', ');
      const msg = {
        en: `I couldn't record that: ${which} is outside the range a reading can have. Please check the number.`,
        hi: `यह दर्ज नहीं हो सका: ${which} की वैल्यू सही सीमा से बाहर है। कृपया नंबर जाँचें।`,
        hinglish: `Yeh record nahi ho saka: ${which} ki value sahi range se bahar hai. Please number check kijiye.`,
      }[c.style];
      return { actions: [], facts: [], draft: msg };
    }
    const parts: string[] = [];
    const notes: string[] = [];
    const bp = vitalValue(record, 'blood_pressure');
    if (bp) parts.push(`${L.blood_pressure} ${bp}`);
    for (const f of ['heart_rate', 'blood_sugar', 'weight_kg', 'temperature', 'spo2'] as const) {
      const v = vitalValue(record, f);
      if (v)
        parts.push(
          `${L[f]} ${v}${f === 'blood_sugar' && record.fasting ? (c.style === 'hi' ? ' (खाली पेट)' : ' (fasting)') : ''}`,
        );
    }
    // The soft "out of range" thresholds of docs/product-decisions.md §4 (dangerous values never get here: triage ran first).
    const high: string[] = [];
    const s = record.blood_pressure_systolic ?? 0;
    const d = record.blood_pressure_diastolic ?? 0;
    if (s >= 140 || d >= 90 || (s && s < 90) || (d && d < 60)) high.push(`${L.blood_pressure} ${bp}`);
    if (record.heart_rate != null && (record.heart_rate < 50 || record.heart_rate > 100))
      high.push(`${L.heart_rate} ${record.heart_rate}`);
    if (record.spo2 != null && record.spo2 < 95) high.push(`${L.spo2} ${record.spo2}%`);
    if (record.temperature != null && record.temperature >= 38)
      high.push(`${L.temperature} ${record.temperature} °C`);
    if (record.blood_sugar != null && record.fasting && record.blood_sugar >= 126)
      high.push(`${L.blood_sugar} ${record.blood_sugar}`);
    if (high.length) {
      notes.push(
        {
          en: `${high.join(', ')} is outside the usual range; if it stays like this, please tell your doctor.`,
          hi: `${high.join(', ')} सामान्य सीमा से बाहर है; अगर ऐसा ही रहे तो डॉक्टर को बताइए।`,
          hinglish: `${high.join(', ')} normal range se bahar hai; agar aisa hi rahe to doctor ko bataiye.`,
        }[c.style],
      );
    }
    return {
      actions: [{ type: 'vitals', id: record.id, summary: parts.join(', ') }],
      facts: [`reading recorded now: ${parts.join(', ')}`],
      draft: c.r.vitalsLogged(parts, notes),
    };
  }

  private async answer(c: Ctx, q: Question): Promise<TurnResult> {
    const L = VITAL_LABELS[c.style];
    switch (q.kind) {
      case 'water_today': {
        const t = await this.waterToday(c);
        return {
          actions: [],
          facts: [`water today ${t.total} ml in ${t.entries} entries`],
          draft: c.r.waterToday(t.total, t.entries),
        };
      }
      case 'medicines_today':
        return this.medicinesToday(c);
      case 'next_appointment': {
        const a = await this.s.lookups.nextAppointment(c.user);
        if (!a) return { actions: [], facts: ['no upcoming appointment'], draft: c.r.noAppointment() };
        const w = when(a.scheduled_at, c.zone);
        return {
          actions: [],
          facts: [`next appointment: ${a.title}, ${a.doctor_name ?? ''}, ${w}, ${a.location ?? ''}`],
          draft: c.r.nextAppointment(a.title, a.doctor_name, w, a.location),
        };
      }
      case 'last_vital': {
        const field = q.field ?? 'blood_pressure';
        // The newest readings first; most people log the asked-for value often, so look further only when needed.
        let hit: VitalsView | undefined;
        for (const [offset, limit] of [
          [0, 10],
          [10, 100],
        ]) {
          const page = await this.s.vitals.list(c.user, { limit, offset });
          hit = page.find((v) => vitalValue(v, field) !== null);
          if (hit || page.length < limit) break;
        }
        if (!hit) return { actions: [], facts: [`no ${field} readings`], draft: c.r.noReading(L[field]) };
        const value = vitalValue(hit, field)!;
        const w = when(hit.logged_at, c.zone);
        return {
          actions: [],
          facts: [`last ${field}: ${value} at ${w}`],
          draft: c.r.lastVital(L[field], value, w),
        };
      }
      case 'week_trend':
        return this.weekTrend(c, q.field ?? 'blood_pressure');
    }
  }

  private async weekTrend(c: Ctx, field: VitalField | 'water'): Promise<TurnResult> {
    const today = localDate(this.s.clock.now(), c.zone);
    const from = addDays(today, -6);
    if (field === 'water') {
      let total = 0;
      let days = 0;
      for (let i = 0; i < 7; i++) {
        const logs = await this.s.tracking.history('water', c.user, {
          date: addDays(from, i),
          limit: 100,
          offset: 0,
        });
        const sum = logs.reduce((a, l) => a + Number(l.amount_ml), 0);
        total += sum;
        if (sum > 0) days++;
      }
      const label = { en: 'water', hi: 'पानी', hinglish: 'paani' }[c.style];
      if (!days) return { actions: [], facts: ['no water logs in 7 days'], draft: c.r.weekNoData(label) };
      const summary = {
        en: `${Math.round(total)} ml in total, about ${Math.round(total / 7)} ml a day, logged on ${days} of 7 days`,
        hi: `कुल ${Math.round(total)} ml, रोज़ लगभग ${Math.round(total / 7)} ml, 7 में से ${days} दिन दर्ज`,
        hinglish: `total ${Math.round(total)} ml, roz lagbhag ${Math.round(total / 7)} ml, 7 mein se ${days} din record`,
      }[c.style];
      return { actions: [], facts: [`water last 7 days: ${summary}`], draft: c.r.weekTrend(label, summary) };
    }
    const L = VITAL_LABELS[c.style];
    const list = (
      await this.s.vitals.list(c.user, { date_from: from, date_to: today, limit: 100, offset: 0 })
    ).filter((v) => vitalValue(v, field) !== null);
    if (!list.length)
      return { actions: [], facts: [`no ${field} readings in 7 days`], draft: c.r.weekNoData(L[field]) };
    const words3 = {
      en: ['readings', 'average', 'lowest', 'highest', 'latest'],
      hi: ['रीडिंग', 'औसत', 'सबसे कम', 'सबसे ज़्यादा', 'ताज़ा'],
      hinglish: ['readings', 'average', 'sabse kam', 'sabse zyada', 'latest'],
    }[c.style];
    let summary: string;
    if (field === 'blood_pressure') {
      const sys = list.map((v) => v.blood_pressure_systolic!);
      const dia = list.map((v) => v.blood_pressure_diastolic).filter((x): x is number => x != null);
      summary = `${list.length} ${words3[0]}, ${words3[1]} ${mean(sys)}${dia.length ? `/${mean(dia)}` : ''}, ${words3[2]} ${Math.min(...sys)}, ${words3[3]} ${Math.max(...sys)}, ${words3[4]} ${vitalValue(list[0], field)}`;
    } else {
      const xs = list.map((v) => Number(v[field]));
      summary = `${list.length} ${words3[0]}, ${words3[1]} ${mean(xs)}, ${words3[2]} ${Math.min(...xs)}, ${words3[3]} ${Math.max(...xs)}, ${words3[4]} ${vitalValue(list[0], field)}`;
    }
    return {
      actions: [],
      facts: [`${field} last 7 days: ${summary}`],
      draft: c.r.weekTrend(L[field], summary),
    };
  }

  // ── medicines ────────────────────────────────────────────────────────────────────────────────────
  private async todayDoses(c: Ctx): Promise<{
    meds: MedicationView[];
    lines: (DoseLine & { medication_id: string; due_at: string; status: string })[];
  }> {
    const today = localDate(this.s.clock.now(), c.zone);
    const [meds, adherence] = await Promise.all([
      this.s.medication.listMedications(c.user, { active_only: true, limit: 100, offset: 0 }),
      this.s.medication.adherence(c.user, { date_from: today, date_to: today }),
    ]);
    const byId = new Map(meds.map((m) => [m.id, m]));
    const lines = adherence.doses
      .filter((d) => byId.has(d.medication_id))
      .map((d) => ({
        name: byId.get(d.medication_id)!.name,
        dosage: byId.get(d.medication_id)!.dosage ?? null,
        time: d.due_at.slice(11, 16),
        taken: d.status === 'taken' || d.status === 'late',
        medication_id: d.medication_id,
        due_at: d.due_at,
        status: d.status,
      }))
      .sort((a, b) => a.due_at.localeCompare(b.due_at));
    return { meds, lines };
  }

  private async medicinesToday(c: Ctx): Promise<TurnResult> {
    const { meds, lines } = await this.todayDoses(c);
    const scheduled = new Set(lines.map((l) => l.medication_id));
    const unscheduled = meds
      .filter((m) => !scheduled.has(m.id))
      .map((m) => `${m.name}${m.dosage ? ` ${m.dosage}` : ''}`);
    const facts = lines.map(
      (l) => `${l.name} ${l.dosage ?? ''} due ${l.time}: ${l.taken ? 'taken' : 'not taken yet'}`,
    );
    for (const u of unscheduled) facts.push(`${u}: no schedule`);
    return { actions: [], facts, draft: c.r.medicinesToday(lines, unscheduled) };
  }

  private async medication(c: Ctx): Promise<TurnResult> {
    const text = c.input.text;
    const meds = await this.s.medication.listMedications(c.user, {
      active_only: true,
      limit: 100,
      offset: 0,
    });
    const dose = extractDoseTaken(
      text,
      meds.map((m) => m.name),
    );
    if (dose) return this.logDoses(c, meds, dose.names);
    if (saysDoseMissed(text)) return { actions: [], facts: [], draft: c.r.doseMissedNoted() };
    const q = extractQuestion(text);
    if (
      q?.kind === 'medicines_today' ||
      /(?<![\p{L}])(?:which|what|kaun|kaunsi|कौन|list|meri|मेरी|my)(?![\p{L}])/u.test(text)
    ) {
      if (!/(?:after|before|with|pehle|baad|पहले|बाद|can i|sakta|sakti|सकता|सकती)/u.test(text))
        return this.medicinesToday(c);
    }
    return { actions: [], facts: [], draft: c.r.medicationAdvice() };
  }

  /**
   * "Took my metformin" logs that medicine (against its nearest untaken dose today, if any); "maine dawai le li"
   * logs the dose(s) due now: the untaken doses at the scheduled time nearest to now within 3 hours, else the
   * latest one already past today.
   */
  private async logDoses(c: Ctx, meds: MedicationView[], names: string[]): Promise<TurnResult> {
    if (!meds.length) return { actions: [], facts: ['no medicines saved'], draft: c.r.noMedicines() };
    const now = this.s.clock.now().getTime();
    const { lines } = await this.todayDoses(c);
    const open = lines.filter((l) => !l.taken);
    const dist = (l: { due_at: string }): number => Math.abs(Date.parse(l.due_at) - now);
    let targets: { medication_id: string; name: string; due_at: string | null; time: string | null }[] = [];
    if (names.length) {
      const wanted = meds.filter((m) => names.some((n) => n.toLowerCase() === m.name.toLowerCase()));
      targets = wanted.map((m) => {
        const due = open.filter((l) => l.medication_id === m.id).sort((a, b) => dist(a) - dist(b))[0];
        return { medication_id: m.id, name: m.name, due_at: due?.due_at ?? null, time: due?.time ?? null };
      });
    } else {
      const near = open.filter((l) => dist(l) <= 3 * 3600_000);
      const past = open.filter((l) => Date.parse(l.due_at) <= now);
      const pool = near.length ? near : past;
      if (pool.length) {
        const slot = near.length
          ? [...pool].sort((a, b) => dist(a) - dist(b))[0].due_at
          : [...pool].sort((a, b) => b.due_at.localeCompare(a.due_at))[0].due_at;
        targets = pool
          .filter((l) => l.due_at === slot)
          .map((l) => ({ medication_id: l.medication_id, name: l.name, due_at: l.due_at, time: l.time }));
      } else if (meds.length === 1 && !lines.length) {
        targets = [{ medication_id: meds[0].id, name: meds[0].name, due_at: null, time: null }];
      }
    }
    if (!targets.length)
      return {
        actions: [],
        facts: lines.map((l) => `${l.name} due ${l.time}: ${l.taken ? 'taken' : 'not taken'}`),
        draft: c.r.noDoseDue(lines),
      };
    const actions: ActionTaken[] = [];
    for (const t of targets) {
      const v = await validateAs(MedicationLogCreateDto, {
        medication_id: t.medication_id,
        ...(t.due_at ? { scheduled_time: t.due_at } : {}),
        taken_at: zonedIso(now, c.zone),
        notes: 'logged from chat',
      });
      if ('invalid' in v) continue;
      const rec = await this.s.medication.logDose(c.user, v.ok);
      actions.push({
        type: 'medication_log',
        id: rec.id,
        summary: `${t.name}${t.time ? ` (${t.time} dose)` : ''} taken`,
      });
    }
    return {
      actions,
      facts: actions.map((a) => a.summary),
      draft: c.r.dosesLogged(targets.map((t) => ({ name: t.name, time: t.time }))),
    };
  }

  // ── reminders ────────────────────────────────────────────────────────────────────────────────────
  private async reminder(c: Ctx): Promise<TurnResult> {
    const req = extractReminder(c.input.text, c.input.original);
    if (!req.time) return { actions: [], facts: [], draft: c.r.reminderTimeMissing() };
    // The alarm API has five types; a reminder for anything else (a walk, a call) uses the closest one with
    // the user's own words as title and message.
    const type = (ALARM_TYPES as readonly string[]).includes(req.kind) ? req.kind : 'meditation';
    let days: string[] | undefined;
    let daysText = c.r.everyDay();
    if (req.days === 'tomorrow') {
      const tomorrow = addDays(localDate(this.s.clock.now(), c.zone), 1);
      const dow = (new Date(`${tomorrow}T12:00:00Z`).getUTCDay() + 6) % 7;
      days = [WEEKDAYS[dow]];
      daysText = `${c.r.tomorrow()} (${days[0]})`;
    } else if (req.days) {
      days = [...req.days];
      daysText = c.r.onDays(days.join(', '));
    }
    const v = await validateAs(AlarmCreateDto, {
      type,
      title: req.title,
      message: req.kind === 'other' ? req.title : undefined,
      time: req.time,
      ...(days ? { days_of_week: days } : {}),
    });
    if ('invalid' in v) return { actions: [], facts: [], draft: c.r.reminderTimeMissing() };
    const alarm = await this.s.alarms.create(c.user.id, v.ok);
    return {
      actions: [{ type: 'alarm', id: alarm.id, summary: `${alarm.title} at ${alarm.time} ${daysText}` }],
      facts: [`alarm ${alarm.title} at ${alarm.time} ${daysText}`],
      draft: c.r.reminderSet(alarm.title, alarm.time, daysText),
    };
  }

  // ── advice and small talk ────────────────────────────────────────────────────────────────────────
  private async recommendation(c: Ctx): Promise<TurnResult> {
    const text = c.input.text;
    const topic = TOPIC_SLEEP.test(text)
      ? 'sleep'
      : TOPIC_EXERCISE.test(text) && !TOPIC_DIET.test(text)
        ? 'exercise'
        : TOPIC_DIET.test(text)
          ? 'diet'
          : 'general';
    const conditions = await this.s.lookups.medicalConditions(c.user);
    const facts = conditions.length ? [`medical conditions on profile: ${conditions.join(', ')}`] : [];
    return { actions: [], facts, draft: c.r.recommendation(topic, conditions) };
  }

  private async general(c: Ctx): Promise<TurnResult> {
    const t = c.input.text;
    const draft = CAPABILITIES.test(t)
      ? c.r.capabilities()
      : THANKS.test(t)
        ? c.r.thanks()
        : FEELINGS.test(t)
          ? c.r.feelings()
          : GREETING.test(t)
            ? c.r.greeting()
            : c.r.fallback();
    return { actions: [], facts: [], draft };
  }
}
