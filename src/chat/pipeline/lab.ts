import { LAB_TESTS, labUnit, type LabTestKey } from '../../health-data/lab/lab.record.js';
import { words } from './text.js';

/**
 * Lab results written in a message ("my HbA1c was 7.2 last week", "fasting sugar report 126", "LDL 130 mg/dl on
 * 3 March", "mera HbA1c 7.2 aaya", "TSH 4.5"). A lab test must be named: a glucometer reading ("sugar 110
 * fasting") stays a vitals reading, so fasting glucose counts as a lab result only with a report/lab/test word
 * (or FBS/FPG). Works on normalised text, where "HbA1c" reads "hba1 c" (normalise splits a digit from a unit-like
 * letter). Pure: the day is resolved against the caller's local date.
 */

const LAB_CUE = words(
  'report|reports|lab|laboratory|test|tested|blood test|jaanch|janch|jaach|रिपोर्ट|जांच|जाँच|लैब',
);

/** Test names, most specific first ("LDL cholesterol" before "cholesterol", "HbA1c" before "Hb"). */
const TEST_WORDS: [LabTestKey, string][] = [
  ['hba1c', 'hb ?a1 ?c|a1 ?c|glycated h[a]?emoglobin|glycosylated h[a]?emoglobin|एचबीए ?1 ?सी'],
  ['ldl_cholesterol', 'ldl(?: cholesterol| c)?|bad cholesterol|एलडीएल'],
  ['hdl_cholesterol', 'hdl(?: cholesterol| c)?|good cholesterol|एचडीएल'],
  ['triglycerides', 'triglycerides?|tgs?|ट्राइग्लिसराइड्स?'],
  ['total_cholesterol', '(?:total |serum )?cholesterol|कोलेस्ट्रॉल|कोलेस्ट्रोल|कोलेस्टेरॉल'],
  ['creatinine', '(?:serum |s )?creatinine|creat|क्रिएटिनिन|क्रिएटिनीन'],
  ['tsh', 'tsh|टीएसएच'],
  ['haemoglobin', 'h[a]?emoglobin|hb|hgb|हीमोग्लोबिन|हिमोग्लोबिन'],
  [
    'fasting_glucose',
    'fbs|fpg|fasting (?:blood |plasma )?(?:sugar|glucose)|(?:khali|khaali) pet (?:ki |wali )?sugar|खाली पेट (?:की )?शुगर|फास्टिंग शुगर',
  ],
];
const ALWAYS_LAB = words('fbs|fpg|fasting plasma glucose');

const GAP = '[^\\d\\n]{0,24}?';
// A clock time after the number is not a value ("HbA1c test kal 7 baje").
const VALUE = "(\\d{1,4}(?:\\.\\d{1,3})?)(?!\\s*(?:baje|bje|बजे|am|pm|o'?clock|:\\d))";
const UNIT =
  '(%|mmol/mol|mg/dl|mg/ dl|mmol/l|[uµμ]mol/l|micromol/l|g/dl|gm/dl|g/l|gm/l|[uµμ]iu/ml|microiu/ml|miu/l|miu/ml)?';

const TESTS: { test: LabTestKey; name: RegExp; reading: RegExp }[] = TEST_WORDS.map(([test, w]) => ({
  test,
  name: words(w),
  reading: new RegExp(`${words(w).source}${GAP}${VALUE}\\s*${UNIT}(?![\\d/])`, 'u'),
}));

const UNIT_CODES: [RegExp, string][] = [
  [/^%$/u, '%'],
  [/^mmol\/mol$/u, 'mmol/mol'],
  [/^mg\/ ?dl$/u, 'mg/dL'],
  [/^mmol\/l$/u, 'mmol/L'],
  [/^(?:[uµμ]|micro)mol\/l$/u, 'umol/L'],
  [/^gm?\/dl$/u, 'g/dL'],
  [/^gm?\/l$/u, 'g/L'],
  [/^(?:[uµμ]|micro)iu\/ml$/u, 'u[IU]/mL'],
  [/^miu\/l$|^miu\/ml$/u, 'm[IU]/L'],
];

/** A day said in the message: so many days before today, or a calendar day (year: the latest one not in the future). */
export type DaySaid = { daysAgo: number } | { month: number; day: number; year?: number };

export interface LabReading {
  test: LabTestKey;
  value: number;
  /** UCUM code: the unit said, else the test's unit whose bounds hold the value (the usual one first). */
  unit: string;
  /** True when the unit said is not one of the test's. */
  wrongUnit: boolean;
  day: DaySaid | null;
}

/** The lab test the message names, or null ("fasting sugar" only with a lab word: else it is a glucometer). */
export function labTestNamed(text: string): LabTestKey | null {
  for (const t of TESTS) {
    if (!t.name.test(text)) continue;
    if (t.test === 'fasting_glucose' && !LAB_CUE.test(text) && !ALWAYS_LAB.test(text)) continue;
    return t.test;
  }
  return null;
}

/** The lab result written in a message, or null when no test is named with a value after it. */
export function extractLab(text: string): LabReading | null {
  const test = labTestNamed(text);
  if (!test) return null;
  // The day is read first and cut out, so "HbA1c on 3 March was 7.2" does not read 3 as the value.
  const m = TESTS.find((t) => t.test === test)!.reading.exec(withoutDays(text));
  if (!m) return null;
  const value = Number(m[1]);
  const said = m[2] ? UNIT_CODES.find(([re]) => re.test(m[2]))?.[1] : undefined;
  const units = LAB_TESTS[test].units;
  const unit = said ?? (units.find((u) => value >= u.min && value <= u.max) ?? units[0]).ucum;
  return { test, value, unit, wrongUnit: !labUnit(test, unit), day: daySaid(text) };
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH = '(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*';
const DAY_MONTH = new RegExp(
  `(?<![\\d.])(\\d{1,2})(?:st|nd|rd|th)? (?:of )?${MONTH}(?: (\\d{4}))?(?![\\d])`,
  'u',
);
const MONTH_DAY = new RegExp(
  `(?<![\\p{L}])${MONTH} (\\d{1,2})(?:st|nd|rd|th)?(?:,? (\\d{4}))?(?![\\d.])`,
  'u',
);
const RELATIVE: [RegExp, (n: number) => number][] = [
  [/(?<![\d.])(\d{1,3}) (?:days?|din) (?:ago|back|pehle|pahle|पहले)/u, (n) => n],
  [/(?<![\d.])(\d{1,3}) दिन पहले/u, (n) => n],
  [/(?<![\d.])(\d{1,2}) (?:weeks?|hafte|hafton|हफ्ते|हफ़्ते) (?:ago|back|pehle|pahle|पहले)/u, (n) => 7 * n],
];
const NAMED: [RegExp, number][] = [
  [words('day before yesterday|parso|parson|परसों'), 2],
  [words('yesterday|kal|कल'), 1],
  [words('last week|a week ago|pichhle hafte|pichle hafte|pichhle hafta|पिछले हफ्ते|पिछले हफ़्ते'), 7],
  [words('last month|a month ago|pichhle mahine|pichle mahine|पिछले महीने'), 30],
  [words('today|aaj|आज'), 0],
];

function daySaid(text: string): DaySaid | null {
  const dm = DAY_MONTH.exec(text);
  if (dm) return calendar(Number(dm[1]), dm[2], dm[3]);
  const md = MONTH_DAY.exec(text);
  if (md) return calendar(Number(md[2]), md[1], md[3]);
  for (const [re, days] of RELATIVE) {
    const m = re.exec(text);
    if (m) return { daysAgo: days(Number(m[1])) };
  }
  for (const [re, days] of NAMED) if (re.test(text)) return { daysAgo: days };
  return null;
}

function withoutDays(text: string): string {
  let s = text.replace(DAY_MONTH, ' ').replace(MONTH_DAY, ' ');
  for (const [re] of RELATIVE) s = s.replace(re, ' ');
  return s;
}

function calendar(day: number, month: string, year?: string): DaySaid | null {
  const m = MONTHS.indexOf(month.slice(0, 3)) + 1;
  if (!m || day < 1 || day > 31) return null;
  return { month: m, day, ...(year ? { year: Number(year) } : {}) };
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** The local date (`YYYY-MM-DD`) of a day said, against `today` (the user's local date); null if it does not exist. */
export function resolveDay(day: DaySaid, today: string): string | null {
  const [y, m, d] = today.split('-').map(Number);
  if ('daysAgo' in day) return new Date(Date.UTC(y, m - 1, d - day.daysAgo)).toISOString().slice(0, 10);
  let year = day.year ?? y;
  if (day.year === undefined && `${pad(day.month)}-${pad(day.day)}` > today.slice(5)) year -= 1;
  const t = new Date(Date.UTC(year, day.month - 1, day.day));
  if (t.getUTCMonth() !== day.month - 1) return null;
  return t.toISOString().slice(0, 10);
}

const ASKS = words(
  'last|latest|previous|recent|pichla|pichli|pichhla|pichhli|aakhri|akhri|आखिरी|आख़िरी|पिछली|पिछला|what (?:was|is|were)|how much|kitna|kitni|kya tha|kya aaya|कितना|कितनी|क्या था|क्या आया|show',
);

/** The test of a question about one's own last result ("what was my last HbA1c", "TSH kitna tha?"), or null. */
export function asksLastLab(text: string): LabTestKey | null {
  if (extractLab(text)) return null;
  return ASKS.test(text) || /\?\s*$/u.test(text) ? labTestNamed(text) : null;
}
