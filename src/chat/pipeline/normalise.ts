/**
 * Step 1 of the chat pipeline: turn what a person typed or said into a predictable form for the later steps.
 *
 * - Devanagari digits → ASCII digits; Latin text lower-cased; Devanagari kept as is.
 * - Hindi/Hinglish unit words (Devanagari and romanised) → canonical units (ml, mg, g, litre, kg, tsp, glass, cup, tablet).
 * - Number words (English, Hindi in Devanagari, romanised Hindi) → digits when they count something
 *   ("do gilas" → "2 glass", "दो गिलास" → "2 glass", "six pm" → "6 pm"). A bare "do" stays a verb.
 * - Fillers dropped (um, uh, hmm, basically, …; "so/well/ok/acha/haan/toh" only at the start), spaces collapsed.
 *
 * Pure and deterministic; the original text is kept beside the normalised one.
 */

export type LanguageStyle = 'en' | 'hi' | 'hinglish';

export interface NormalisedText {
  /** As received (trimmed). */
  original: string;
  /** Normalised text: the input to triage, intent and entity extraction. */
  text: string;
  /** Language style the user wrote in: Devanagari Hindi, romanised Hindi (Hinglish) or English. */
  style: LanguageStyle;
}

const DEVANAGARI = /[\u0900-\u097F]/;
const MAX_TOKEN = 40;
const DEVANAGARI_DIGITS = /[\u0966-\u096F]/g;

/** Unit and counted-thing words → canonical word. Keys are matched as whole words. */
const UNIT_WORDS: Record<string, string> = {
  // Devanagari
  मिलीलीटर: 'ml',
  मिली: 'ml',
  एमएल: 'ml',
  मिलीग्राम: 'mg',
  एमजी: 'mg',
  ग्राम: 'g',
  लीटर: 'litre',
  किलो: 'kg',
  किलोग्राम: 'kg',
  चम्मच: 'tsp',
  गिलास: 'glass',
  ग्लास: 'glass',
  कप: 'cup',
  गोली: 'tablet',
  गोलियां: 'tablet',
  गोलियाँ: 'tablet',
  टैबलेट: 'tablet',
  बोतल: 'bottle',
  डिग्री: 'degree',
  मिनट: 'minutes',
  घंटे: 'hours',
  घंटा: 'hours',
  // romanised Hindi and English variants
  mililitre: 'ml',
  milliliter: 'ml',
  millilitre: 'ml',
  milliliters: 'ml',
  millilitres: 'ml',
  mls: 'ml',
  milligram: 'mg',
  milligrams: 'mg',
  gram: 'g',
  grams: 'g',
  gm: 'g',
  gms: 'g',
  liter: 'litre',
  liters: 'litre',
  litres: 'litre',
  ltr: 'litre',
  ltrs: 'litre',
  l: 'litre',
  kilo: 'kg',
  kilos: 'kg',
  kilogram: 'kg',
  kilograms: 'kg',
  kgs: 'kg',
  killo: 'kg',
  chammach: 'tsp',
  chamach: 'tsp',
  spoon: 'tsp',
  spoons: 'tsp',
  teaspoon: 'tsp',
  teaspoons: 'tsp',
  gilas: 'glass',
  gilaas: 'glass',
  glaas: 'glass',
  glasses: 'glass',
  galas: 'glass',
  cups: 'cup',
  tablets: 'tablet',
  tab: 'tablet',
  tabs: 'tablet',
  goli: 'tablet',
  goliyan: 'tablet',
  goliya: 'tablet',
  bottles: 'bottle',
  botal: 'bottle',
  bottal: 'bottle',
};

/** Number words → value. Romanised Hindi "do" (2) is only converted before a counted word (see COUNTED). */
const NUMBER_WORDS: Record<string, number> = {
  // English
  zero: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  fifteen: 15,
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  half: 0.5,
  a: 1,
  an: 1,
  // romanised Hindi
  ek: 1,
  do: 2,
  teen: 3,
  tin: 3,
  char: 4,
  chaar: 4,
  paanch: 5,
  panch: 5,
  paach: 5,
  chhe: 6,
  chhah: 6,
  chah: 6,
  che: 6,
  saat: 7,
  sat: 7,
  aath: 8,
  ath: 8,
  nau: 9,
  das: 10,
  gyarah: 11,
  barah: 12,
  baarah: 12,
  pandrah: 15,
  bees: 20,
  tees: 30,
  aadha: 0.5,
  adha: 0.5,
  dedh: 1.5,
  dhai: 2.5,
  dhaai: 2.5,
  // Devanagari
  एक: 1,
  दो: 2,
  तीन: 3,
  चार: 4,
  पांच: 5,
  पाँच: 5,
  छह: 6,
  छः: 6,
  छै: 6,
  सात: 7,
  आठ: 8,
  नौ: 9,
  दस: 10,
  ग्यारह: 11,
  बारह: 12,
  पंद्रह: 15,
  बीस: 20,
  तीस: 30,
  आधा: 0.5,
  डेढ़: 1.5,
  डेढ: 1.5,
  ढाई: 2.5,
};

/** Words after which a number word is a quantity or a time (canonical units included). */
const COUNTED = new Set([
  'ml',
  'mg',
  'g',
  'litre',
  'kg',
  'tsp',
  'glass',
  'cup',
  'tablet',
  'bottle',
  'degree',
  'minutes',
  'hours',
  'roti',
  'rotis',
  'chapati',
  'chapatis',
  'chapatti',
  'paratha',
  'parathas',
  'idli',
  'idlis',
  'dosa',
  'dosas',
  'egg',
  'eggs',
  'anda',
  'ande',
  'banana',
  'bananas',
  'kela',
  'kele',
  'apple',
  'apples',
  'biscuit',
  'biscuits',
  'puri',
  'puris',
  'bowl',
  'bowls',
  'katori',
  'plate',
  'plates',
  'slice',
  'slices',
  'piece',
  'pieces',
  'capsule',
  'capsules',
  'dose',
  'doses',
  'pm',
  'am',
  'baje',
  "o'clock",
  'oclock',
  'minute',
  'min',
  'mins',
  'hour',
  'hr',
  'hrs',
  'ghante',
  'ghanta',
  'din',
  'days',
  'रोटी',
  'रोटियां',
  'रोटियाँ',
  'कटोरी',
  'प्लेट',
  'अंडे',
  'अंडा',
  'केले',
  'केला',
  'इडली',
  'बजे',
  'दिन',
  'कैप्सूल',
  'पराठे',
  'पराठा',
  'बिस्कुट',
  'चपाती',
  'पूरी',
]);

/** Dropped anywhere (as whole words / phrases). */
const FILLERS_ANYWHERE = [
  /\bu+m+\b/g,
  /\bu+h+\b/g,
  /\bh+m+\b/g,
  /\bbasically\b/g,
  /\bactually\b/g,
  /\byou know\b/g,
  /\bumm+\b/g,
];
/** Dropped only at the start of the message (they carry meaning elsewhere: "not feeling well"). */
const LEADING_FILLERS =
  /^(?:(?:ok(?:ay)? so|so|well|ok|okay|like|acha|achha|accha|acchha|haan|han|toh|to|अच्छा|हाँ|हां|तो|अरे|are|arre)\b[\s,.!]*)+/u;

/** Words typical of romanised Hindi; two of them (or one strong one) mark a message as Hinglish. */
const HINGLISH_STRONG = new Set([
  'maine',
  'mujhe',
  'mera',
  'meri',
  'mere',
  'kya',
  'kitna',
  'kitni',
  'kitne',
  'nahi',
  'nahin',
  'piya',
  'pee',
  'liya',
  'li',
  'khaya',
  'khayi',
  'dawai',
  'dawa',
  'dawaai',
  'davai',
  'paani',
  'pani',
  'hai',
  'hain',
  'tha',
  'thi',
  'aaj',
  'kal',
  'subah',
  'shaam',
  'raat',
  'batao',
  'bataiye',
  'bataye',
  'karo',
  'kijiye',
  'dilana',
  'dila',
  'dilao',
  'yaad',
  'khana',
  'khaana',
  'chahiye',
  'kaise',
  'kaisa',
  'kab',
  'kaun',
  'kyun',
  'abhi',
  'lagta',
  'lag',
  'raha',
  'rahi',
  'rahe',
  'ho',
  'hoon',
  'hun',
  'gaya',
  'gayi',
  'gaye',
  'wala',
  'wali',
  'bhi',
  'aur',
  'ke',
  'ki',
  'ka',
  'ko',
  'mein',
  'me',
  'se',
  'par',
  'pe',
  'baje',
  'seene',
  'saans',
  'dard',
  'ji',
  'namaste',
  'dhanyavaad',
  'shukriya',
  'bahut',
  'thoda',
  'zyada',
  'jyada',
  'khoon',
  'chakkar',
  'kuch',
  'sab',
]);
const HINGLISH_WEAK = new Set([
  'me',
  'se',
  'ho',
  'li',
  'ki',
  'ka',
  'ke',
  'ko',
  'pe',
  'par',
  'kal',
  'sab',
  'pee',
  'to',
]);

/** Detects whether the user wrote Hindi in Devanagari, romanised Hindi, or English. */
export function detectStyle(text: string): LanguageStyle {
  if (DEVANAGARI.test(text)) return 'hi';
  const words = text.toLowerCase().match(/[a-z']+/g) ?? [];
  let strong = 0;
  let weak = 0;
  for (const w of words) {
    if (HINGLISH_WEAK.has(w)) weak++;
    else if (HINGLISH_STRONG.has(w)) strong++;
  }
  return strong >= 2 || (strong >= 1 && (weak >= 1 || words.length <= 4)) ? 'hinglish' : 'en';
}

function replaceUnits(tokens: string[]): string[] {
  return tokens.map((t) => UNIT_WORDS[t] ?? t);
}

function replaceNumberWords(tokens: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const next = tokens[i + 1];
    const value = NUMBER_WORDS[t];
    // "a"/"an" become 1 only before a container ("a glass of water"), not before "a walk".
    const isArticle = t === 'a' || t === 'an';
    const countedNext =
      next !== undefined &&
      (isArticle
        ? ['glass', 'cup', 'bottle', 'litre', 'tablet', 'bowl', 'katori', 'plate'].includes(next)
        : COUNTED.has(next));
    if (value !== undefined && countedNext) {
      out.push(String(value));
      continue;
    }
    // "half a litre" / "aadha litre" handled above; "one and a half" is rare enough to leave.
    out.push(t);
  }
  return out;
}

/** Splits "2glass", "500ml", "6pm", "72kg" into number + unit so later steps see two tokens. */
function splitGlued(text: string): string {
  return text.replace(/(\d)(ml|mg|kg|g|l|litre|glass|cup|pm|am|baje|बजे|f|c)\b/gu, '$1 $2');
}

export function normalise(input: string): NormalisedText {
  const original = input.trim();
  let s = original.normalize('NFC');
  s = s.replace(DEVANAGARI_DIGITS, (d) => String(d.charCodeAt(0) - 0x0966));
  s = s.toLowerCase();
  // Curly quotes and the Devanagari danda become plain punctuation.
  s = s
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201C\u201D]/g, '"')
    .replace(/[।॥]/g, '.');
  s = s.replace(/°\s*([cf])\b/g, ' $1').replace(/°/g, ' degree');
  s = splitGlued(s);
  // Keep letters, marks, digits and the punctuation that carries values (140/90, 99.5, 6:30, 96%, ?).
  s = s.replace(/[^\p{L}\p{M}\p{N}\s/.,:%?'+-]/gu, ' ');
  for (const re of FILLERS_ANYWHERE) s = s.replace(re, ' ');
  s = s.replace(/\s+/g, ' ').trim();
  s = s.replace(/^[\s,.;:!-]+/u, '');
  s = s.replace(LEADING_FILLERS, '').trim();
  s = s.replace(/\s+,/g, ',');
  // Tokens are whitespace-separated; trailing punctuation (",.?:!") is kept aside so "glasses." still maps.
  // No real word is longer than 40 characters; capping keeps every later regex linear on hostile input.
  const parts = s
    .split(' ')
    .map((t) => (t.length > MAX_TOKEN ? t.slice(0, MAX_TOKEN) : t))
    .map((t) => /^(.*?[\p{L}\p{M}\p{N}])([.?:!,]*)$/u.exec(t) ?? [t, t, '']);
  const words = replaceNumberWords(replaceUnits(parts.map((p) => p[1])));
  const text = words
    .map((w, i) => w + parts[i][2])
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
  return { original, text, style: detectStyle(original) };
}

/** True when the text contains Devanagari characters. */
export function hasDevanagari(text: string): boolean {
  return DEVANAGARI.test(text);
}
