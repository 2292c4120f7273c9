import { normalise as pipelineNormalise } from '../pipeline/normalise.js';
import { extractVitals, type VitalsReading } from '../pipeline/vitals.js';
import { CATEGORIES } from './categories.js';
import { LANGUAGES } from './lexicon/index.js';
import { PhraseMatcher, type Pattern } from './matcher.js';
import { dominantScript, normaliseForTriage } from './normalise.js';
import type { CategoryRule, TriageCategory, TriageFinding, TriageLanguage, TriageResult } from './types.js';

/**
 * The triage engine: normalise → find every lexicon phrase (one pass) → words into clauses and sentences →
 * context of each clause (negation, past, question, story, exercise…) → category rules → dangerous readings.
 * Everything is compiled once at module load; a message costs one linear scan plus a few small loops.
 */

// ---- compiled once ----

const VIRAMA_END = /[\u094d\u09cd\u0a4d\u0acd\u0b4d\u0bcd\u0c4d\u0ccd\u0d4d]$/u;
const PATTERNS: Pattern[] = [];
for (const lang of LANGUAGES)
  for (const [concept, phrases] of Object.entries(lang.terms))
    for (const raw of phrases) {
      const openStart = raw.startsWith('*');
      const openEnd = raw.endsWith('*');
      let text = normaliseForTriage(raw.replace(/^\*|\*$/g, ''));
      // A stem ends before its virama: "கோணல்*" must also match "கோணலா".
      if (openEnd) text = text.replace(VIRAMA_END, '');
      if (text) PATTERNS.push({ text, openStart, openEnd, concept, lang: lang.id });
    }
const MATCHER = new PhraseMatcher(PATTERNS);
/** Phrases English shares with a romanised language ("sugar", "bp") say nothing about which one it is. */
const ENGLISH_TEXTS = new Set(PATTERNS.filter((p) => p.lang === 'en').map((p) => p.text));

/** Concepts that describe the situation rather than a sign. */
const CONTEXT_CONCEPTS = new Set([
  'PAST',
  'INFO',
  'HYPO',
  'MEDIA',
  'ADVICE',
  'NOW',
  'CURRENT',
  'WAS',
  'RECOVERED',
  'HABITUAL',
  'EXERCISE',
  'EXERTION',
  'MILD',
  'CONJ',
  'SAFE',
  'MARK',
  'NEG_PRE',
  'NEG_POST',
]);
/** Words in the same clause that cancel a context: "had a stroke last year … now" is about now. */
const OVERRIDDEN_BY: Record<string, string[]> = {
  PAST: ['NOW'],
  HABITUAL: ['NOW'],
  EXERCISE: ['NOW', 'SUDDEN'],
  EXERTION: ['NOW', 'SUDDEN'],
  INFO: ['CURRENT', 'NOW'],
};
/**
 * Contexts that a later word cannot cancel: "had a stroke last year, fine now" (an unpunctuated voice transcript
 * has no clause break) is still history; "had a stroke last year now his face droops" is about now.
 */
const OVERRIDDEN_ONLY_BEFORE = new Set(['PAST']);
const NEGATIONS = new Set(['NEG_PRE', 'NEG_POST']);
/** Contexts that can take a sign away; a sign phrase that contains one of their words keeps it. */
const SUPPRESSING = new Set([
  'PAST',
  'INFO',
  'HYPO',
  'MEDIA',
  'ADVICE',
  'HABITUAL',
  'EXERCISE',
  'EXERTION',
  'MILD',
  'WAS',
  'RECOVERED',
]);
const LATIN_TEXT = /^[a-z ]+$/;
const NEG_PRE_REACH = 3;
const NEG_POST_REACH = 3;
const DEFAULT_WINDOW = 8;
const CATEGORY_ORDER = new Map(CATEGORIES.map((c, i) => [c.id, i]));
/** Number words of each language, normalised like the message; a spoken number stays within one language. */
const NUMBER_WORDS = LANGUAGES.filter((l) => l.numbers).map((l) => ({
  values: new Map(Object.entries(l.numbers!).map(([w, v]) => [normaliseForTriage(w), v])),
  joins: new Set((l.numberJoins ?? []).map(normaliseForTriage)),
}));

/** The longest number said in words from word `i` on ("one hundred and five", "do sau bees"), if any. */
function numberWords(tokens: string[], i: number): { value: number; t1: number; words: number } | null {
  let best: { value: number; t1: number; words: number } | null = null;
  for (const { values, joins } of NUMBER_WORDS) {
    if (!values.has(tokens[i])) continue;
    let total = 0;
    let current = 0;
    let words = 0;
    let j = i;
    let end = i;
    for (; j < tokens.length; j++) {
      let v = values.get(tokens[j]);
      // "and" only after hundred or thousand, and only before another number word.
      if (v === undefined && joins.has(tokens[j]) && current % 100 === 0 && current + total > 0) {
        v = values.get(tokens[j + 1] ?? '');
        if (v === undefined || v >= 100) break;
        j++;
      }
      if (v === undefined) break;
      if (v >= 1000) {
        total += (current || 1) * v;
        current = 0;
      } else if (v === 100) current = (current || 1) * 100;
      else current += v;
      words++;
      end = j;
    }
    if (!best || end > best.t1) best = { value: total + current, t1: end, words };
  }
  return best;
}

interface Occ {
  concept: string;
  lang: string;
  /** First and last word. */
  t0: number;
  t1: number;
  start: number;
  end: number;
  /** The phrase's last word may continue (a stem). */
  open?: boolean;
  /** The phrase holds its own negation ("shvas nathi levato"): a later "not" cannot cancel it. */
  negative?: boolean;
}

/** One past the last character of the word that holds character `i - 1`. */
function wordEnd(text: string, i: number): number {
  const space = text.indexOf(' ', i);
  return space < 0 ? text.length : space;
}

interface Slot {
  concepts: string[];
  /** A number test instead of concepts ("NUM>=10"). */
  min?: number;
}

interface CompiledRule {
  slots: Slot[];
  window: number;
  confidence: number;
}

const compileRule = (r: CategoryRule): CompiledRule => ({
  slots: r.all.map((s) => {
    const num = /^NUM>=(\d+)$/.exec(s);
    return num ? { concepts: [s], min: Number(num[1]) } : { concepts: s.split('|') };
  }),
  window: r.window ?? DEFAULT_WINDOW,
  confidence: r.confidence,
});
const RULES = CATEGORIES.map((c) => ({ ...c, compiled: c.rules.map(compileRule) }));

// ---- one message ----

/** First index in `list` (sorted by `key`) whose key is at least `min`. */
function lowerBound<T>(list: T[], key: (x: T) => number, min: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (key(list[mid]) < min) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
const byStart = (o: Occ): number => o.start;
const byWord = (o: Occ): number => o.t0;
/** No phrase is longer than this many characters or words; bounds the look-back of the sorted searches. */
const LONGEST_CHARS = 120;
const LONGEST_WORDS = 16;

/** True when a longer occurrence in `spans` (sorted by start) covers `o`. */
function covered(o: Occ, spans: Occ[]): boolean {
  for (let i = lowerBound(spans, byStart, o.start - LONGEST_CHARS); i < spans.length; i++) {
    const s = spans[i];
    if (s.start > o.start) break;
    if (s.end >= o.end && s.end - s.start > o.end - o.start) return true;
  }
  return false;
}

class Analysis {
  readonly tokens: string[];
  readonly clauseOf: Int32Array;
  readonly sentenceOf: Int32Array;
  readonly byConcept = new Map<string, Occ[]>();
  /** Context concepts per clause. */
  private readonly clauseContext: Set<string>[] = [];
  /** Sentences framed as a story or as a request for diet/care advice: "X? what should he eat". */
  private readonly sentenceFrame = new Map<string, Set<number>>([
    ['MEDIA', new Set()],
    ['ADVICE', new Set()],
  ]);
  private readonly recovered: boolean;
  /** Numbers in digits or in words, from word `t` to word `t1`; `raw` is empty for a vague "ten" of a lexicon. */
  readonly numbers: { t: number; t1: number; value: number; raw: string }[] = [];
  /** Words that make the number before them a duration or an amount ("20 saal", "2 tsp"), not a reading. */
  readonly durationAt = new Set<number>();

  constructor(readonly text: string) {
    this.tokens = text ? text.split(' ') : [];
    const charToken = new Int32Array(text.length + 1);
    let t = 0;
    for (let i = 0; i < text.length; i++) {
      if (text[i] === ' ') t++;
      charToken[i] = t;
    }
    const occs: Occ[] = MATCHER.scan(text).map((h) => ({
      concept: h.pattern.concept,
      lang: h.pattern.lang,
      t0: charToken[h.start],
      t1: charToken[h.end - 1],
      start: h.start,
      end: h.end,
      open: h.pattern.openEnd,
    }));
    // Harmless phrases ("heat stroke", "fell asleep", "blood sugar") take their words away from the signs.
    occs.sort((x, y) => x.start - y.start);
    const safe = occs.filter((o) => o.concept === 'SAFE');
    const kept = occs.filter((o) => o.concept === 'SAFE' || !covered(o, safe));
    // A negation that is part of a longer phrase belongs to it ("not breathing", "uth nahi pa rahi").
    // A stem ("saans nahi*") reaches the end of its word: "saans nahin" keeps its own negation.
    // A stem ("saans nahi*") reaches the end of its word there: "saans nahin" keeps its own negation.
    const signs = kept
      .filter((o) => !NEGATIONS.has(o.concept))
      .map((o) => (o.open ? { ...o, end: wordEnd(text, o.end) } : o));
    const negations = kept.filter((o) => NEGATIONS.has(o.concept));
    for (const o of kept)
      if (!NEGATIONS.has(o.concept) && !CONTEXT_CONCEPTS.has(o.concept))
        o.negative = negations.some((n) => n.start >= o.start && n.end <= o.end);
    // Likewise a context word inside a longer sign ("spray di davai" is not a habitual "di davai").
    const framing = kept.filter((o) => !CONTEXT_CONCEPTS.has(o.concept) && o.concept !== 'SAFE');
    for (const o of kept) {
      if (NEGATIONS.has(o.concept) && covered(o, signs)) continue;
      if (SUPPRESSING.has(o.concept) && covered(o, framing)) continue;
      let list = this.byConcept.get(o.concept);
      if (!list) this.byConcept.set(o.concept, (list = []));
      list.push(o);
    }
    for (const list of this.byConcept.values()) list.sort((a, b) => a.t0 - b.t0);

    // Clauses end at punctuation and at conjunctions ("and", "but", "aur", "lekin", …); sentences at . ? !
    const n = this.tokens.length;
    this.clauseOf = new Int32Array(n);
    this.sentenceOf = new Int32Array(n);
    const conj = new Set((this.byConcept.get('CONJ') ?? []).map((o) => o.t0));
    let clause = 0;
    let sentence = 0;
    for (let i = 0; i < n; i++) {
      const tok = this.tokens[i];
      if (tok === ',' || tok === '.' || conj.has(i)) {
        clause++;
        if (tok === '.') sentence++;
      }
      this.clauseOf[i] = clause;
      this.sentenceOf[i] = sentence;
      if (/^\d/.test(tok)) {
        const v = Number(tok.split('/')[0]);
        if (Number.isFinite(v)) this.numbers.push({ t: i, t1: i, value: v, raw: tok });
      }
    }
    // Numbers in words; a lone word below ten ("one side", "do") is left alone.
    for (let i = 0; i < n; i++) {
      const w = numberWords(this.tokens, i);
      if (!w || (w.words === 1 && w.value < 10)) continue;
      this.numbers.push({ t: i, t1: w.t1, value: w.value, raw: String(w.value) });
      i = w.t1;
    }
    for (let c = 0; c <= clause; c++) this.clauseContext.push(new Set());
    for (const [concept, list] of this.byConcept)
      if (CONTEXT_CONCEPTS.has(concept) || concept === 'SUDDEN')
        for (const o of list) {
          this.clauseContext[this.clauseOf[o.t0]].add(concept);
          this.sentenceFrame.get(concept)?.add(this.sentenceOf[o.t0]);
        }
    this.recovered = this.byConcept.has('RECOVERED');
    // Number words ("ten", "das", "pathu") count as numbers of at least 10.
    for (const o of this.byConcept.get('NUM>=10') ?? [])
      this.numbers.push({ t: o.t0, t1: o.t1, value: 10, raw: '' });
    this.numbers.sort((x, y) => x.t - y.t);
    for (const o of this.byConcept.get('DURATION') ?? []) this.durationAt.add(o.t0);
  }

  /**
   * Romanised negation words count only in their own language (or English): Hinglish "naa" is written "na", which
   * in romanised Gujarati is the genitive ("balak na"). A word in its own script names its language by itself.
   */
  keepNegationsOf(language: TriageLanguage): void {
    for (const concept of NEGATIONS) {
      const list = this.byConcept.get(concept);
      if (!list || language === 'en') continue;
      const own = list.filter(
        (o) => o.lang === 'en' || o.lang === language || !LATIN_TEXT.test(this.text.slice(o.start, o.end)),
      );
      if (own.length) this.byConcept.set(concept, own);
      else this.byConcept.delete(concept);
    }
  }

  has(concept: string): boolean {
    return this.byConcept.has(concept);
  }

  /** True when the clause of word `t` says the sign is not a current emergency for this category. */
  suppressed(t: number, suppressors: string[]): boolean {
    const ctx = this.clauseContext[this.clauseOf[t]];
    for (const s of suppressors) {
      const frame = this.sentenceFrame.get(s);
      if (frame) {
        // A story or an advice question frames its whole sentence, unless a clause says it is happening now.
        if (frame.has(this.sentenceOf[t]) && !ctx.has('NOW') && !ctx.has('SUDDEN')) return true;
      } else if (s === 'RECOVERED') {
        if (this.recovered && (ctx.has('WAS') || ctx.has('RECOVERED'))) return true;
      } else if (ctx.has(s) && !(OVERRIDDEN_BY[s] ?? []).some((o) => this.overrides(o, s, t))) return true;
    }
    return false;
  }

  /** True when `override` in the clause of word `t` cancels context `context` there. */
  private overrides(override: string, context: string, t: number): boolean {
    const clause = this.clauseOf[t];
    if (!this.clauseContext[clause].has(override)) return false;
    if (!OVERRIDDEN_ONLY_BEFORE.has(context)) return true;
    return (this.byConcept.get(override) ?? []).some((o) => o.t0 < t && this.clauseOf[o.t0] === clause);
  }

  /** A negation word just before or just after the words of a match, in the same clause. */
  negated(occ: Occ, used: Occ[]): boolean {
    if (occ.negative) return false;
    const clause = this.clauseOf[occ.t0];
    const free = (o: Occ): boolean => !used.some((u) => u.start <= o.start && u.end >= o.end);
    const pre = this.byConcept.get('NEG_PRE') ?? [];
    for (let i = lowerBound(pre, byWord, occ.t0 - NEG_PRE_REACH - LONGEST_WORDS); i < pre.length; i++) {
      const o = pre[i];
      if (o.t0 >= occ.t0) break;
      if (o.t1 < occ.t0 && o.t1 >= occ.t0 - NEG_PRE_REACH && this.clauseOf[o.t1] === clause && free(o))
        return true;
    }
    const post = this.byConcept.get('NEG_POST') ?? [];
    for (let i = lowerBound(post, byWord, occ.t1 + 1); i < post.length; i++) {
      const o = post[i];
      if (o.t0 > occ.t1 + NEG_POST_REACH) break;
      if (this.clauseOf[o.t0] === clause && free(o)) return true;
    }
    return false;
  }

  private candidates(slot: Slot, suppressors: string[]): Occ[] {
    const out: Occ[] = [];
    if (slot.min !== undefined) {
      for (const num of this.numbers)
        if (num.value >= slot.min)
          out.push({ concept: 'NUM', lang: '', t0: num.t, t1: num.t, start: -1, end: -1 });
      return out;
    }
    for (const c of slot.concepts)
      for (const o of this.byConcept.get(c) ?? []) if (!this.suppressed(o.t0, suppressors)) out.push(o);
    if (slot.concepts.length > 1) out.sort((x, y) => x.t0 - y.t0);
    return out;
  }

  /** True when every slot has an occurrence in one sentence, within the window, none of them negated. */
  matches(rule: CompiledRule, suppressors: string[]): boolean {
    // Most rules miss a concept outright: answer before building any list.
    const present = (s: Slot): boolean =>
      s.min !== undefined ? this.numbers.length > 0 : s.concepts.some((c) => this.byConcept.has(c));
    if (!rule.slots.every(present)) return false;
    const lists = rule.slots.map((s) => this.candidates(s, suppressors));
    if (lists.some((l) => l.length === 0)) return false;
    const chosen: Occ[] = [];
    const search = (i: number, lo: number, hi: number, sentence: number): boolean => {
      if (i === lists.length) return chosen.every((o) => o.start < 0 || !this.negated(o, chosen));
      const list = lists[i];
      // Only occurrences that can still fit in the window (lists are sorted by word).
      const from = hi < 0 ? 0 : lowerBound(list, byWord, hi - rule.window - LONGEST_WORDS);
      for (let k = from; k < list.length; k++) {
        const o = list[k];
        if (hi >= 0 && o.t0 > lo + rule.window) break;
        const s = this.sentenceOf[o.t0];
        if (sentence >= 0 && s !== sentence) continue;
        const nlo = Math.min(lo, o.t0);
        const nhi = Math.max(hi, o.t1);
        if (nhi - nlo > rule.window) continue;
        chosen.push(o);
        if (search(i + 1, nlo, nhi, s)) return true;
        chosen.pop();
      }
      return false;
    };
    return search(0, Number.MAX_SAFE_INTEGER, -1, -1);
  }
}

// ---- dangerous readings ----

const READING_LABELS = ['SUGAR_L', 'BP_L', 'SPO2_L', 'PULSE_L', 'TEMP_L'];
const BP_JOIN = new Set(['by', 'over', 'upar', 'बटा', '/']);

/** The reading after (or for a few labels, just before) a label word: "sugar 450", "104 bukhar". */
function readingNear(
  a: Analysis,
  label: Occ,
  lookBack: boolean,
): { value: number; raw: string; t: number; t1: number } | null {
  const sentence = a.sentenceOf[label.t0];
  const nums = a.numbers;
  let n: (typeof nums)[number] | undefined;
  for (let i = lowerBound(nums, (x) => x.t, label.t1 + 1); i < nums.length && nums[i].t <= label.t1 + 5; i++)
    if (nums[i].raw && a.sentenceOf[nums[i].t] === sentence) {
      n = nums[i];
      break;
    }
  if (!n && lookBack)
    for (let i = lowerBound(nums, (x) => x.t, label.t0) - 1; i >= 0 && nums[i].t >= label.t0 - 3; i--)
      if (nums[i].raw && a.sentenceOf[nums[i].t] === sentence) {
        n = nums[i];
        break;
      }
  if (!n || a.durationAt.has(n.t1 + 1)) return null;
  return n;
}

function readingFindings(a: Analysis): TriageCategory[] {
  const out = new Set<TriageCategory>();
  const sup = CATEGORIES.find((c) => c.id === 'dangerous_reading')!.suppressedBy;
  const labels = (c: string): Occ[] => (a.byConcept.get(c) ?? []).filter((o) => !a.suppressed(o.t0, sup));
  const symptoms = ['SWEAT', 'CONFUSED', 'SHAKE', 'DIZZY', '@collapse'].some((c) => a.has(c));
  const v: VitalsReading = {};
  for (const l of labels('SUGAR_L')) {
    const r = readingNear(a, l, true);
    if (r && r.value >= 10 && r.value <= 900) v.blood_sugar = r.value;
  }
  for (const l of labels('BP_L')) {
    const r = readingNear(a, l, false);
    if (!r) continue;
    const [sys, diaInline] = r.raw.split('/').map(Number);
    let dia: number | undefined = diaInline;
    if (dia === undefined && BP_JOIN.has(a.tokens[r.t1 + 1] ?? ''))
      dia = a.numbers.find((x) => x.t === r.t1 + 2 && x.raw)?.value;
    if (sys >= 40 && sys <= 300) v.blood_pressure_systolic = sys;
    if (dia !== undefined && dia >= 20 && dia <= 200) v.blood_pressure_diastolic = dia;
  }
  for (const l of labels('SPO2_L')) {
    const r = readingNear(a, l, false);
    if (r && r.value >= 40 && r.value <= 100) v.spo2 = r.value;
  }
  for (const l of labels('PULSE_L')) {
    const r = readingNear(a, l, false);
    if (r && r.value >= 20 && r.value <= 250) v.heart_rate = r.value;
  }
  for (const l of labels('TEMP_L')) {
    const r = readingNear(a, l, true);
    // People in India mostly speak °F; a value above 45 can only be °F.
    if (r) v.temperature = r.value > 45 ? ((r.value - 32) * 5) / 9 : r.value;
  }
  if (dangerous(v, symptoms)) out.add('dangerous_reading');
  const t = v.temperature;
  if (t !== undefined && t >= 38 && t <= 46 && a.has('NEWBORN')) out.add('infant');
  return [...out];
}

/** Thresholds from the red-flag list (docs/chat-and-voice.md). */
export function dangerous(v: VitalsReading, symptoms: boolean): boolean {
  const sugar = v.blood_sugar;
  const sys = v.blood_pressure_systolic;
  const dia = v.blood_pressure_diastolic;
  return (
    (sugar !== undefined && (sugar < 54 || sugar >= 400 || (sugar < 70 && symptoms))) ||
    (sys !== undefined && (sys >= 180 || sys < 80)) ||
    (dia !== undefined && dia >= 120) ||
    (v.spo2 !== undefined && v.spo2 < 90) ||
    (v.heart_rate !== undefined && (v.heart_rate < 40 || v.heart_rate > 140)) ||
    (v.temperature !== undefined && v.temperature >= 40 && v.temperature <= 46)
  );
}

// ---- language ----

const SCRIPT_LANGUAGE: Record<string, TriageLanguage> = {
  Bengali: 'bn',
  Gurmukhi: 'pa',
  Gujarati: 'gu',
  Oriya: 'or',
  Tamil: 'ta',
  Telugu: 'te',
  Kannada: 'kn',
  Malayalam: 'ml',
};
/** On a tie the more specific regional language wins over Hinglish, whose words several of them share. */
const LATIN_ORDER: TriageLanguage[] = ['ta', 'te', 'bn', 'mr', 'gu', 'kn', 'ml', 'pa', 'or', 'hinglish'];

function detectLanguage(original: string, a: Analysis): TriageLanguage {
  const script = dominantScript(original);
  if (SCRIPT_LANGUAGE[script]) return SCRIPT_LANGUAGE[script];
  // One vote per language per stretch of text (a language may list the same word under several concepts).
  const seen = new Set<string>();
  const votes = new Map<string, number>();
  for (const list of a.byConcept.values())
    for (const o of list) {
      const key = `${o.lang}:${o.start}:${o.end}`;
      if (o.start < 0 || seen.has(key)) continue;
      seen.add(key);
      const text = a.text.slice(o.start, o.end);
      // Short romanised stems ("vay", "te") also occur inside English; only function words count when short.
      if (script === 'Latin' && (ENGLISH_TEXTS.has(text) || (text.length < 4 && o.concept !== 'MARK')))
        continue;
      votes.set(o.lang, (votes.get(o.lang) ?? 0) + 1);
    }
  if (script === 'Devanagari') return (votes.get('mr') ?? 0) > (votes.get('hi') ?? 0) ? 'mr' : 'hi';
  let best: TriageLanguage = 'en';
  let bestVotes = 0;
  for (const l of LATIN_ORDER) {
    const n = votes.get(l) ?? 0;
    if (n > bestVotes) {
      best = l;
      bestVotes = n;
    }
  }
  return best;
}

// ---- entry point ----

export function triage(message: string): TriageResult {
  const a = new Analysis(normaliseForTriage(message));
  const language = detectLanguage(message, a);
  a.keepNegationsOf(language);
  const best = new Map<TriageCategory, number>();
  const add = (c: TriageCategory, confidence: number): void => {
    if ((best.get(c) ?? 0) < confidence) best.set(c, confidence);
  };
  for (const cat of RULES)
    for (const rule of cat.compiled)
      if ((best.get(cat.id) ?? 0) < rule.confidence && a.matches(rule, cat.suppressedBy))
        add(cat.id, rule.confidence);
  for (const c of readingFindings(a)) add(c, 0.85);
  // The pipeline's own vitals reader as a second opinion when nothing in the message is past, a question or a story.
  if (
    READING_LABELS.some((c) => a.has(c)) &&
    !['PAST', 'INFO', 'HYPO', 'MEDIA', 'ADVICE', 'RECOVERED'].some((c) => a.has(c))
  ) {
    const v = extractVitals(pipelineNormalise(message).text);
    if (dangerous(v, false)) add('dangerous_reading', 0.85);
  }
  const findings: TriageFinding[] = [...best]
    .map(([category, confidence]) => ({ category, confidence }))
    .sort(
      (x, y) =>
        y.confidence - x.confidence || CATEGORY_ORDER.get(x.category)! - CATEGORY_ORDER.get(y.category)!,
    );
  return {
    emergency: findings.length > 0,
    flags: findings.map((f) => f.category),
    findings,
    language,
  };
}
