import { normalise, type LanguageStyle } from './pipeline/normalise.js';
import {
  safetyReply as legacySafetyReply,
  triage as legacyTriage,
  type EmergencyContactInfo,
  type RedFlag,
} from './pipeline/triage.js';

/**
 * The triage API of the new engine (`src/chat/triage/`), served by today's engine (`pipeline/triage.ts`) until
 * that one is merged. Only `triage-gate.ts` imports this file; switching engines is its one import line, and then
 * this file is deleted.
 */
export type TriageCategory =
  | 'chest_pain'
  | 'stroke'
  | 'breathing'
  | 'collapse'
  | 'seizure'
  | 'bleeding'
  | 'anaphylaxis'
  | 'poisoning'
  | 'self_harm'
  | 'fall'
  | 'head_injury'
  | 'dangerous_reading'
  | 'infant'
  | 'burns'
  | 'abdominal_obstetric';
export type TriageLanguage =
  'en' | 'hi' | 'hinglish' | 'bn' | 'ta' | 'te' | 'mr' | 'gu' | 'kn' | 'ml' | 'pa' | 'or';
export interface TriageFinding {
  category: TriageCategory;
  confidence: number;
}
export interface TriageResult {
  emergency: boolean;
  flags: TriageCategory[];
  findings: TriageFinding[];
  language: TriageLanguage;
}
export type { EmergencyContactInfo };

const CATEGORY_OF: Record<RedFlag, TriageCategory> = {
  chest_pain: 'chest_pain',
  stroke: 'stroke',
  breathing: 'breathing',
  fainting: 'collapse',
  bleeding: 'bleeding',
  suicidal: 'self_harm',
  sugar: 'dangerous_reading',
  blood_pressure: 'dangerous_reading',
  oxygen: 'dangerous_reading',
  heart_rate: 'dangerous_reading',
};

/** The old engine's own flags of a result it produced, so its reply text stays exactly as before. */
const oldFlags = new WeakMap<TriageResult, RedFlag[]>();

export function triage(message: string): TriageResult {
  const input = normalise(message);
  const old = legacyTriage(input.text);
  const flags = [...new Set(old.flags.map((f) => CATEGORY_OF[f]))];
  const result: TriageResult = {
    emergency: old.emergency,
    flags,
    findings: flags.map((category) => ({ category, confidence: 1 })),
    language: input.style,
  };
  oldFlags.set(result, old.flags);
  return result;
}

/** First sentence for a category the old engine has no text for (e.g. one a model added). */
const GENERIC: Record<LanguageStyle, string> = {
  en: 'This sounds like an emergency and needs help right away.',
  hi: 'यह इमरजेंसी लग रही है, तुरंत मदद चाहिए।',
  hinglish: 'Yeh emergency lag rahi hai, turant madad chahiye.',
};

export function safetyReply(result: TriageResult, contact: EmergencyContactInfo | null): string {
  const style: LanguageStyle =
    result.language === 'hi' || result.language === 'hinglish' ? result.language : 'en';
  const known = oldFlags.get(result);
  if (known) return legacySafetyReply({ emergency: true, flags: known }, style, contact);
  const main = result.flags[0];
  const flag = (Object.keys(CATEGORY_OF) as RedFlag[]).find((f) => CATEGORY_OF[f] === main);
  if (flag && main !== 'dangerous_reading')
    return legacySafetyReply({ emergency: true, flags: [flag] }, style, contact);
  // The fainting reply with its first sentence (what happened) replaced by a generic one.
  const text = legacySafetyReply({ emergency: true, flags: ['fainting'] }, style, contact);
  return `${GENERIC[style]} ${text.replace(/^[^.।]*[.।]\s*/u, '')}`;
}
