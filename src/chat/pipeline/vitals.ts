import { words } from './text.js';

/**
 * Vital-sign readings written in a message ("BP 140/90 pulse 82", "sugar 110 fasting", "weight 72 kg",
 * "temperature 99.5F", "spo2 96", "बीपी 140/90", "bukhar 101"). Used by triage (dangerous values) and by
 * the vitals action (a record with the same fields the REST route takes).
 */
export interface VitalsReading {
  blood_pressure_systolic?: number;
  blood_pressure_diastolic?: number;
  heart_rate?: number;
  blood_sugar?: number;
  /** °C (°F readings are converted). */
  temperature?: number;
  weight_kg?: number;
  spo2?: number;
  /** Fasting / after a meal, when said. */
  sugar_context?: 'fasting' | 'after_meal' | 'random';
}

const GAP = '[^\\d\\n]{0,24}?'; // a few words between the label and the value ("is", "was", "hai", ":")

const BP_LABEL = 'bp|b\\.p\\.?|blood pressure|pressure|बीपी|ब्लड प्रेशर|रक्तचाप';
const BP = new RegExp(
  `${words(BP_LABEL).source}${GAP}(\\d{2,3})\\s*(?:/|over|by|बटा|upar)\\s*(\\d{2,3})(?!\\d)`,
  'u',
);
const BP_SYSTOLIC_ONLY = new RegExp(`${words(BP_LABEL).source}${GAP}(\\d{2,3})(?![\\d/.])`, 'u');
const PULSE = new RegExp(
  `${words('pulse|heart ?rate|hr|heartbeat|heart beat|dhadkan|धड़कन|धडकन|पल्स|nabz|नब्ज़|नब्ज').source}${GAP}(\\d{2,3})(?![\\d/.])`,
  'u',
);
/** A number after "sugar" that is a duration or an amount is not a reading ("15 saal se sugar", "sugar 2 tsp"). */
const NOT_A_READING =
  '(?!\\s*(?:saal|sal|years?|yrs?|din|days?|mahine|months?|saalon|साल|दिन|महीने|g|tsp|kg|spoon|cup|glass|%|baar|times|बार))';
const SUGAR = new RegExp(
  `${words('blood sugar|sugar level|sugar|glucose|shugar|शुगर|सुगर|ग्लूकोज|शक्कर').source}${GAP}(\\d{2,3})(?![\\d/])${NOT_A_READING}`,
  'u',
);
const WEIGHT = new RegExp(
  `${words('weight|wajan|vajan|wazan|वजन|वज़न|भार').source}${GAP}(\\d{2,3}(?:\\.\\d)?)(?![\\d/])`,
  'u',
);
const WEIGHT_KG = /(?<![\d.])(\d{2,3}(?:\.\d)?) kg\b/u;
const TEMP = new RegExp(
  `${words('temperature|temp|fever|bukhar|bukhaar|taapmaan|बुखार|बुख़ार|तापमान|टेम्परेचर').source}${GAP}(\\d{2,3}(?:\\.\\d{1,2})?)\\s*(f|c|degree)?(?![\\d/])`,
  'u',
);
const SPO2 = new RegExp(
  `${words('spo2|sp02|sp o2|oxygen level|oxygen|o2|saturation|ऑक्सीजन|आक्सीजन').source}${GAP}(\\d{2,3})(?![\\d/.])`,
  'u',
);
const FASTING = words('fasting|khali pet|khaali pet|empty stomach|खाली पेट|फास्टिंग');
const AFTER_MEAL = words(
  'after (?:lunch|dinner|breakfast|food|meal|eating)|khane ke baad|khaane ke baad|खाने के बाद|pp|post ?meal',
);

const num = (s: string): number => Number(s);
const round1 = (n: number): number => Math.round(n * 10) / 10;

/** Extracts every reading it recognises; values outside physically possible ranges are ignored. */
export function extractVitals(text: string): VitalsReading {
  const r: VitalsReading = {};
  const bp = BP.exec(text);
  if (bp) {
    const sys = num(bp[1]);
    const dia = num(bp[2]);
    if (sys >= 40 && sys <= 300 && dia >= 20 && dia <= 200 && sys > dia) {
      r.blood_pressure_systolic = sys;
      r.blood_pressure_diastolic = dia;
    }
  } else {
    const s = BP_SYSTOLIC_ONLY.exec(text);
    if (s && num(s[1]) >= 60 && num(s[1]) <= 300) r.blood_pressure_systolic = num(s[1]);
  }
  const p = PULSE.exec(text);
  if (p && num(p[1]) >= 20 && num(p[1]) <= 250) r.heart_rate = num(p[1]);
  const sg = SUGAR.exec(text);
  if (sg && num(sg[1]) >= 10 && num(sg[1]) <= 900) {
    r.blood_sugar = num(sg[1]);
    r.sugar_context = FASTING.test(text) ? 'fasting' : AFTER_MEAL.test(text) ? 'after_meal' : 'random';
  }
  const w = WEIGHT.exec(text) ?? (/(weight|wajan|vajan|वजन|वज़न)/u.test(text) ? WEIGHT_KG.exec(text) : null);
  if (w && num(w[1]) >= 2 && num(w[1]) <= 400) r.weight_kg = num(w[1]);
  const t = TEMP.exec(text);
  if (t) {
    const v = num(t[1]);
    const unit = t[2];
    // Indian thermometers and people mostly speak °F; a value above 50 can only be °F.
    const c = unit === 'c' || (unit !== 'f' && v <= 45) ? v : ((v - 32) * 5) / 9;
    if (c >= 25 && c <= 46) r.temperature = round1(c);
  }
  const o = SPO2.exec(text);
  if (o && num(o[1]) >= 40 && num(o[1]) <= 100) r.spo2 = num(o[1]);
  return r;
}

export function hasVitals(r: VitalsReading): boolean {
  return (
    r.blood_pressure_systolic !== undefined ||
    r.heart_rate !== undefined ||
    r.blood_sugar !== undefined ||
    r.temperature !== undefined ||
    r.weight_kg !== undefined ||
    r.spo2 !== undefined
  );
}
