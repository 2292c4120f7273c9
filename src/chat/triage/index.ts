/** Red-flag triage: the first decision on every chat and voice message. See docs/chat-and-voice.md. */
export { triage } from './engine.js';
export { safetyReply } from './reply.js';
export { CATEGORIES } from './categories.js';
export { LANGUAGES } from './lexicon/index.js';
export { TRIAGE_CATEGORIES, TRIAGE_LANGUAGES } from './types.js';
export type {
  EmergencyContactInfo,
  TriageCategory,
  TriageFinding,
  TriageLanguage,
  TriageResult,
} from './types.js';
