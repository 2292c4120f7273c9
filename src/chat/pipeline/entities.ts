import { words } from './text.js';
import { extractVitals, hasVitals, type VitalsReading } from './vitals.js';

/**
 * Entity extraction: what to record or which question to answer. Works on normalised text (normalise.ts);
 * food descriptions and reminder titles are cut from the original text so the user's own words are kept.
 * Pure functions: the chat service turns the results into calls of the health-data and reminder services.
 */

const P = (s: string): RegExp => words(s);

// ── Water ────────────────────────────────────────────────────────────────────────────────────────────
const WATER_WORD = P('water|paani|pani|jal|पानी|जल');
const ML_PER: Record<string, number> = { ml: 1, litre: 1000, glass: 250, cup: 200, bottle: 1000 };
const QUANTITY = /(?<![\d.])(\d+(?:\.\d+)?) (ml|litre|glass|cup|bottle)(?![\p{L}])/gu;

/** Millilitres of water the message says were drunk, or null (no water, or no amount). */
export function extractWater(text: string): { amount_ml: number } | null {
  if (!WATER_WORD.test(text)) return null;
  let total = 0;
  for (const m of text.matchAll(QUANTITY)) total += Number(m[1]) * ML_PER[m[2]];
  if (total <= 0 || total > 10_000) return null;
  return { amount_ml: Math.round(total) };
}

export function mentionsWater(text: string): boolean {
  return WATER_WORD.test(text);
}

// ── Vitals ───────────────────────────────────────────────────────────────────────────────────────────
export { extractVitals, hasVitals, type VitalsReading };

// ── Food ─────────────────────────────────────────────────────────────────────────────────────────────
export type MealType = 'breakfast' | 'lunch' | 'dinner' | 'snack' | 'other';
const MEALS: [MealType, RegExp][] = [
  ['breakfast', P('breakfast|nashta|nashte|naashta|नाश्ता|नाश्ते|morning|subah|सुबह')],
  ['lunch', P('lunch|dopahar|dophar|दोपहर|लंच')],
  ['dinner', P('dinner|supper|raat|रात|डिनर|night|tonight')],
  ['snack', P('snack|snacks|shaam|शाम|evening|नाश्ता शाम')],
];

/** Meal type said in the message, else from the local hour (null hour → 'other'). */
export function mealTypeOf(text: string, localHour: number | null): MealType {
  for (const [meal, re] of MEALS) if (re.test(text)) return meal;
  if (localHour === null) return 'other';
  if (localHour >= 5 && localHour < 11) return 'breakfast';
  if (localHour >= 11 && localHour < 16) return 'lunch';
  if (localHour >= 16 && localHour < 19) return 'snack';
  if (localHour >= 19 && localHour < 23) return 'dinner';
  return 'other';
}

const FOOD_PREFIX =
  /^(?:(?:breakfast|lunch|dinner|snack|supper|meal|nashta|नाश्ता)\s*(?:was|is|:|-)\s*|(?:i\s+)?(?:just\s+)?(?:have\s+|'ve\s+)?(?:had|ate|eaten|finished|drank)\s+(?:my\s+)?(?:(?:breakfast|lunch|dinner)\s*[,:-]?\s*)?|log\s+|maine\s+|मैंने\s+)/iu;
const FOOD_SUFFIX =
  /\s+(?:for|in|at)\s+(?:my\s+)?(?:breakfast|lunch|dinner|snack|the morning|the evening)(?:\s+today)?\s*$|\s+today\s*$/iu;

/** What was eaten, in the user's words, without "I had … for breakfast" around it. */
export function foodDescription(original: string): string {
  let s = original
    .slice(0, 600)
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[.!]+$/u, '');
  s = s.replace(FOOD_PREFIX, '').replace(FOOD_SUFFIX, '').trim();
  return (s || original.trim()).slice(0, 500);
}

// ── Dose taken ───────────────────────────────────────────────────────────────────────────────────────
const TOOK = P(
  "took|taken|have taken|i've taken|had my|gave (?:\\S+ ){0,2}(?:her|his|my)?|given|le li|le liya|li hai|le chuka|le chuki|kha li|kha liya|laga liya|laga li|li thi|" +
    'ले ली|ले लिया|खा ली|खा लिया|लगा लिया|ले चुका|ले चुकी|mark(?:ed)? (?:\\S+ ){0,3}(?:as )?taken',
);
const NOT_TAKEN = P(
  "skipped|skip|missed|forgot|forget|didn't take|did not take|nahi li|nahin li|bhool gaya|bhool gayi|भूल गया|भूल गई|नहीं ली|छूट गई|chhoot gayi",
);
/** A question about doses ("did I take…", "kya maine dawai li", "li ya nahi"), not a statement. */
const DOSE_QUESTION =
  /^(?:did|do|does|have i|has|which|what|when|is|are|kya|kaun|kab|kitni|क्या|कौन|कब)(?![\p{L}])|(?<![\p{L}])(?:ya nahi|ya nahin|या नहीं|or not)(?![\p{L}])|\?\s*$/u;

export interface DoseTaken {
  /** Medicine names from the user's list that the message names (lower-case as stored); empty = "the dose due now". */
  names: string[];
}

/** A statement that a dose was taken ("took my metformin", "maine dawai le li"), or null. */
export function extractDoseTaken(text: string, knownNames: string[]): DoseTaken | null {
  if (!TOOK.test(text) || NOT_TAKEN.test(text) || DOSE_QUESTION.test(text)) return null;
  const names = knownNames.filter(
    (n) => n.trim() && new RegExp(`(?<![\\p{L}])${escapeRe(n.toLowerCase())}(?![\\p{L}])`, 'u').test(text),
  );
  return { names };
}

export function saysDoseMissed(text: string): boolean {
  return NOT_TAKEN.test(text);
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// ── Exercise ─────────────────────────────────────────────────────────────────────────────────────────
export interface ExerciseEntry {
  exercise_type: string;
  duration_minutes: number;
  intensity: 'low' | 'moderate' | 'high';
}

const ACTIVITIES: [RegExp, string, ExerciseEntry['intensity']][] = [
  [
    P('walk|walked|walking|stroll|tahla|tahle|tahli|tahalna|tahalne|sair|टहला|टहली|टहले|टहलना|टहलने|सैर'),
    'walking',
    'low',
  ],
  [P('yoga|योग|pranayam|pranayama|प्राणायाम|stretching|stretches'), 'yoga', 'low'],
  [P('cycling|cycled|cycle|bicycle|साइकिल'), 'cycling', 'moderate'],
  [P('swim|swam|swimming|तैराकी'), 'swimming', 'moderate'],
  [
    P('gym|workout|exercise|exercised|kasrat|vyayam|कसरत|व्यायाम|dance|danced|dancing'),
    'exercise',
    'moderate',
  ],
  [P('ran|run|running|jog|jogged|jogging|दौड़'), 'running', 'high'],
];
const DURATION =
  /(?<![\d.])(\d+(?:\.\d+)?) ?(minutes|minute|mins|min|hours|hour|hrs|hr|ghante|ghanta|ghanton)(?![\p{L}])/u;

/** An activity done for a while ("walked 30 minutes", "aadha ghanta yoga kiya", "सुबह 40 मिनट टहला"), or null. */
export function extractExercise(text: string): ExerciseEntry | null {
  const d = DURATION.exec(text);
  if (!d) return null;
  const activity = ACTIVITIES.find(([re]) => re.test(text));
  if (!activity) return null;
  const minutes = Math.round(Number(d[1]) * (/^(?:h|g)/.test(d[2]) ? 60 : 1));
  if (minutes <= 0 || minutes > 1440) return null;
  return { exercise_type: activity[1], duration_minutes: minutes, intensity: activity[2] };
}

// ── Reminder ─────────────────────────────────────────────────────────────────────────────────────────
export type ReminderKind = 'medication' | 'water' | 'meal' | 'meditation' | 'appointment' | 'other';
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface ReminderRequest {
  /** 24-hour HH:MM, or null when no clock time was said ("every two hours"). */
  time: string | null;
  kind: ReminderKind;
  title: string;
  /** Explicit days; null = every day. 'tomorrow' = the next day only (resolved by the caller in the user's zone). */
  days: Weekday[] | 'tomorrow' | null;
}

const AM = P('am|a\\.m\\.|morning|subah|सुबह|savere|सवेरे|wake|uthane|utha dena|jaga|जगा|उठा');
const NOON = P('dopahar|दोपहर|afternoon|noon');
const PM = P('pm|p\\.m\\.|evening|night|tonight|shaam|sham|शाम|raat|रात');
const TIME = /(?<![\d.:/])(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm|baje|बजे|o'clock|oclock)?(?![\d/])/gu;

function parseTime(text: string): string | null {
  const wake = AM.test(text);
  const noon = NOON.test(text);
  const pm = PM.test(text);
  for (const m of text.matchAll(TIME)) {
    let h = Number(m[1]);
    const min = m[2] ? Number(m[2]) : 0;
    const marker = m[3];
    // A bare number needs a time-ish context: a marker, minutes, or "at"/"ko"/"pe" right before it.
    const before = text.slice(Math.max(0, (m.index ?? 0) - 4), m.index);
    if (!marker && !m[2] && !/(?:at|ko|pe|par|@)\s*$/u.test(before)) continue;
    if (h > 23 || min > 59) continue;
    if (marker === 'am') {
      if (h === 12) h = 0;
    } else if (marker === 'pm') {
      if (h < 12) h += 12;
    } else if (h <= 12) {
      // No am/pm: the part of day said decides; else 7–11 morning, 12 noon, 1–6 afternoon/evening.
      if (pm && !wake) h = h === 12 ? (/(raat|रात|night)/u.test(text) ? 0 : 12) : h + 12;
      else if (noon) h = h < 6 ? h + 12 : h;
      else if (wake) h = h === 12 ? 0 : h;
      else if (h >= 1 && h <= 6) h += 12;
    }
    return `${String(h).padStart(2, '0')}:${String(min).padStart(2, '0')}`;
  }
  return null;
}

const KINDS: [ReminderKind, RegExp][] = [
  [
    'medication',
    P(
      'medicine|medicines|medication|tablet|pill|pills|dose|insulin|eye drops|drops|dawai|dawa|davai|दवा|दवाई|इंसुलिन|inhaler|capsule',
    ),
  ],
  ['water', P('water|paani|pani|पानी')],
  ['appointment', P('appointment|doctor|checkup|check-up|dr|डॉक्टर|अपॉइंटमेंट|hospital|clinic')],
  ['meditation', P('meditation|meditate|yoga|pranayam|pranayama|dhyan|ध्यान|योग|प्राणायाम')],
  ['meal', P('breakfast|lunch|dinner|meal|khana|खाना|nashta|नाश्ता')],
];

const DAY_WORDS: [RegExp, Weekday[]][] = [
  [P('weekdays?|working days'), ['mon', 'tue', 'wed', 'thu', 'fri']],
  [P('weekends?'), ['sat', 'sun']],
  [P('mondays?|somvar|सोमवार'), ['mon']],
  [P('tuesdays?|mangalvar|मंगलवार'), ['tue']],
  [P('wednesdays?|budhvar|बुधवार'), ['wed']],
  [P('thursdays?|guruvar|गुरुवार|brihaspativar'), ['thu']],
  [P('fridays?|shukravar|शुक्रवार'), ['fri']],
  [P('saturdays?|shanivar|शनिवार'), ['sat']],
  [P('sundays?|ravivar|रविवार|itvaar|इतवार'), ['sun']],
];
const DAILY = P('every ?day|daily|everyday|roz|rozana|har roz|har din|रोज़|रोज|रोजाना|हर रोज़|हर दिन');
const TOMORROW = P('tomorrow|kal|कल');

const REMIND_WORDS =
  /(?:please\s+)?(?:remind(?:\s+me)?|set\s+(?:an?\s+)?(?:alarm|reminder)|(?:an?\s+)?alarm|reminder|wake\s+me\s+up|mujhe|yaad\s+dila(?:na|\s+dena|\s+do)?|याद\s+दिला(?:ना|\s+देना|\s+दो|इए)?|अलार्म(?:\s+लगा(?:\s+दो|ओ)?)?|alarm\s+laga(?:\s+do)?|laga\s+do|set\s+karo|remind\s+karna|ki|ka|के\s+लिए|ke\s+liye|की|का|kar\s+dena)(?![\p{L}])/giu;
const TIME_WORDS =
  /(?:at\s+)?\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.|baje|बजे|o'clock)?|(?:every\s*day|daily|tomorrow|tonight|in the (?:morning|evening)|every (?:morning|evening|night)|(?:subah|shaam|sham|raat|dopahar|सुबह|शाम|रात|दोपहर|har roz|roz|रोज़|रोज|कल|kal)(?![\p{L}\p{M}]))/giu;

function reminderTitle(original: string, kind: ReminderKind): string {
  const cleaned = original
    .slice(0, 300)
    .replace(/\s+/g, ' ')
    .replace(/[?!.]+$/u, '')
    .replace(TIME_WORDS, ' ')
    .replace(REMIND_WORDS, ' ')
    .replace(/^(?:\s*(?:to|for|about|my|me)\s+)+/iu, '')
    .replace(/\s+(?:to|for|about|at|on)\s*$/iu, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (cleaned.length >= 2) return (cleaned[0].toUpperCase() + cleaned.slice(1)).slice(0, 100);
  return {
    medication: 'Medicine',
    water: 'Drink water',
    meal: 'Meal',
    meditation: 'Meditation',
    appointment: 'Appointment',
    other: 'Reminder',
  }[kind];
}

export function extractReminder(text: string, original: string): ReminderRequest {
  const kind = KINDS.find(([, re]) => re.test(text))?.[0] ?? 'other';
  let days: ReminderRequest['days'] = null;
  if (!DAILY.test(text)) {
    const named = DAY_WORDS.filter(([re]) => re.test(text)).flatMap(([, d]) => d);
    if (named.length) days = WEEKDAYS.filter((d) => named.includes(d));
    else if (TOMORROW.test(text)) days = 'tomorrow';
  }
  return { time: parseTime(text), kind, title: reminderTitle(original, kind), days };
}

// ── Questions about one's own records ────────────────────────────────────────────────────────────────
export type VitalField =
  'blood_pressure' | 'blood_sugar' | 'weight_kg' | 'heart_rate' | 'temperature' | 'spo2';
export type Question =
  | { kind: 'medicines_today' }
  | { kind: 'last_vital'; field: VitalField | null }
  | { kind: 'water_today' }
  | { kind: 'next_appointment' }
  | { kind: 'week_trend'; field: VitalField | 'water' | null };

const FIELD_WORDS: [VitalField, RegExp][] = [
  ['blood_pressure', P('bp|blood pressure|pressure|बीपी|ब्लड प्रेशर|रक्तचाप')],
  ['blood_sugar', P('sugar|glucose|शुगर|सुगर|ग्लूकोज')],
  ['weight_kg', P('weight|wajan|vajan|wazan|वजन|वज़न')],
  ['heart_rate', P('pulse|heart rate|dhadkan|धड़कन|नब्ज़')],
  ['temperature', P('temperature|fever|bukhar|बुखार|तापमान')],
  ['spo2', P('oxygen|spo2|ऑक्सीजन')],
];
const LAST = P(
  'last|latest|previous|recent|pichla|pichli|pichhli|pichhla|aakhri|akhri|आखिरी|आख़िरी|पिछली|पिछला|what (?:was|is|did)|kitna tha|kitni thi|कितना था|कितनी थी',
);
const WEEK = P(
  'this week|week|weekly|is hafte|iss hafte|hafte|इस हफ्ते|इस हफ़्ते|हफ्ते|trend|been|रही|rahi|raha|readings',
);
const APPOINTMENT = P('appointment|appointments|checkup|check-up|अपॉइंटमेंट|अपॉइन्टमेंट|doctor visit');
const MEDS = P(
  'medicine|medicines|medication|medications|meds|tablet|pill|pills|dose|dawai|dawa|dawaiyan|दवा|दवाई|दवाइयाँ|दवाइयां|गोली|insulin|इंसुलिन',
);
const MEDS_Q = P(
  'which|what|due|still|left|pending|remaining|next|baaki|baki|बाकी|kaun|kaunsi|kaun si|कौन|कौनसी|did i|have i|li ya nahi|ली\\?|tonight|today|aaj|आज|time for|on\\?|am i on',
);
const WATER_Q = P(
  'how much (?:water|paani|pani)|(?:kitna|kitni|कितना|कितनी) (?:\\S+ )?(?:paani|pani|पानी|water)|(?:paani|pani|पानी|water)(?: \\S+)? (?:kitna|kitni|कितना|कितनी)',
);

function fieldOf(text: string): VitalField | null {
  return FIELD_WORDS.find(([, re]) => re.test(text))?.[0] ?? null;
}

/** Which question about the user's own records the message asks, or null. */
export function extractQuestion(text: string): Question | null {
  if (WATER_Q.test(text))
    return WEEK.test(text) && !/today|aaj|आज/u.test(text)
      ? { kind: 'week_trend', field: 'water' }
      : { kind: 'water_today' };
  if (APPOINTMENT.test(text)) return { kind: 'next_appointment' };
  if (MEDS.test(text) && MEDS_Q.test(text)) return { kind: 'medicines_today' };
  const field = fieldOf(text);
  if (field && WEEK.test(text) && !LAST.test(text)) return { kind: 'week_trend', field };
  if (field && (LAST.test(text) || /\?|kitna|kitni|कितना|कितनी|kya tha|show/u.test(text)))
    return { kind: 'last_vital', field };
  if (field && WEEK.test(text)) return { kind: 'week_trend', field };
  return null;
}
