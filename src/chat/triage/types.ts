/** Public types of the red-flag triage engine (see docs/chat-and-voice.md, "Triage taxonomy"). */

export const TRIAGE_CATEGORIES = [
  'chest_pain',
  'stroke',
  'breathing',
  'collapse',
  'seizure',
  'bleeding',
  'anaphylaxis',
  'poisoning',
  'self_harm',
  'fall',
  'head_injury',
  'dangerous_reading',
  'infant',
  'burns',
  'abdominal_obstetric',
] as const;
export type TriageCategory = (typeof TRIAGE_CATEGORIES)[number];

export const TRIAGE_LANGUAGES = [
  'en',
  'hi',
  'hinglish',
  'bn',
  'ta',
  'te',
  'mr',
  'gu',
  'kn',
  'ml',
  'pa',
  'or',
] as const;
export type TriageLanguage = (typeof TRIAGE_LANGUAGES)[number];

export interface TriageFinding {
  category: TriageCategory;
  /** 0..1: how directly the words say it (a named emergency is higher than a combination of signs). */
  confidence: number;
}

export interface TriageResult {
  emergency: boolean;
  /** Categories found, main one first. */
  flags: TriageCategory[];
  /** Same order as flags, with confidence. */
  findings: TriageFinding[];
  /** Detected language of the message (for the reply). */
  language: TriageLanguage;
}

export interface EmergencyContactInfo {
  name: string;
  phone: string;
  relationship?: string | null;
}

/**
 * One rule of a category: every slot must be found in the same sentence, within `window` words of each other.
 * A slot is a concept name, alternatives joined by `|` ("PAIN|PRESSURE"), or a number test ("NUM>=10").
 */
export interface CategoryRule {
  all: string[];
  window?: number;
  confidence: number;
}

/** A category of the taxonomy: language-independent rules; the words live in the language files. */
export interface CategoryRecord {
  id: TriageCategory;
  /** Concepts that, found in the same clause, mean "not a current emergency" (history, questions, media…). */
  suppressedBy: string[];
  rules: CategoryRule[];
  /** Where the category and its signs come from. */
  sources: string[];
}

/** Reply text of one language. `{contact}` is replaced by "name (relationship), phone". Numbers in ASCII digits. */
export interface ReplyText {
  /** Why it matters, per category; `default` when a category has no line of its own. */
  why: Partial<Record<TriageCategory, string>> & { default: string };
  call: string;
  teleManas: string;
  contact: string;
  alert: string;
  alertNoContact: string;
}

/**
 * The words of one language. `terms` maps a concept (CHEST, PAIN, NEG_POST…) or a category phrase list
 * (`@self_harm`) to phrases, in the language's script and in its common romanised form. A phrase matches whole
 * words; `*` at its end lets the last word continue ("nenju*" matches "nenjuvali"), `*` at its start lets the
 * first word begin earlier ("*vali" matches "nenjuvali").
 */
export interface LanguageData {
  id: TriageLanguage;
  /** Unicode script of the language's own writing ('Latin' for en and hinglish). */
  script:
    | 'Latin'
    | 'Devanagari'
    | 'Bengali'
    | 'Tamil'
    | 'Telugu'
    | 'Gujarati'
    | 'Kannada'
    | 'Malayalam'
    | 'Gurmukhi'
    | 'Oriya';
  /** Who wrote the phrases and from what. */
  sources: string[];
  terms: Record<string, string[]>;
  /**
   * Number words and their values ("fifty": 50, "sau": 100), so readings said in words count: "sugar pachaas",
   * "bp do sau bees by ek sau tees". Values of 100 and 1000 multiply what comes before them.
   */
  numbers?: Record<string, number>;
  /** Words that may join two number words of this language ("one hundred and five"). */
  numberJoins?: string[];
  reply: ReplyText;
}
