import { ValidateBy, buildMessage, type ValidationOptions } from 'class-validator';
// The red-flag engine (src/chat/triage/). Nothing else in the chat, voice or rate-limit code names it.
import * as engine from './triage/index.js';

export type TriageCategory = engine.TriageCategory;
export type TriageLanguage = engine.TriageLanguage;
export type TriageResult = engine.TriageResult;
export type EmergencyContactInfo = NonNullable<Parameters<typeof engine.safetyReply>[1]>;

/** Longest chat message answered normally (longer: 422 unless it is an emergency). */
export const CHAT_MAX_CHARS = 4000;
/**
 * Most text triaged for one message. Longer text (a long voice transcript, a pasted story; the body limit
 * allows ~1 MB) is triaged on its first and last halves of this, which keeps one triage around 15 ms at worst
 * and still sees the sentence a person adds at the end ("…and now my chest hurts").
 */
export const TRIAGE_WINDOW_CHARS = 8000;

/** The part of a message that is triaged (and kept when an over-long emergency message is stored). */
export function triageWindow(message: string): string {
  if (message.length <= TRIAGE_WINDOW_CHARS) return message;
  const half = TRIAGE_WINDOW_CHARS / 2;
  return `${message.slice(0, half)}\n…\n${message.slice(-half)}`;
}

/** Red-flag triage of a raw message: synchronous, no I/O, the first decision on every chat and voice turn. */
export function detectEmergency(message: string): TriageResult {
  return engine.triage(triageWindow(message));
}

/** The fixed emergency reply (never phrased by a model). */
export function emergencyReply(result: TriageResult, contact: EmergencyContactInfo | null): string {
  return engine.safetyReply(result, contact);
}

/** A result for an alarm raised outside the engine (the model's second opinion). */
export function alarmOf(
  category: TriageCategory,
  confidence: number,
  language: TriageLanguage,
): TriageResult {
  return { emergency: true, flags: [category], findings: [{ category, confidence }], language };
}

/**
 * `@MaxLength(CHAT_MAX_CHARS)` that lets an emergency through: a long message is triaged first and refused only
 * when it is not one. Registered under the name `maxLength`, so a refusal is exactly the 422 it always was.
 */
export function ChatMessageLength(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'maxLength',
      constraints: [CHAT_MAX_CHARS],
      validator: {
        validate: (value: unknown) =>
          typeof value !== 'string' || value.length <= CHAT_MAX_CHARS || detectEmergency(value).emergency,
        defaultMessage: buildMessage(
          (each) => `${each}$property must be shorter than or equal to $constraint1 characters`,
          options,
        ),
      },
    },
    options,
  );
}

/** A transcript as the chat takes it: cut to the chat limit, unless it is an emergency (then its triage window). */
export function fitForChat(text: string): string {
  if (text.length <= CHAT_MAX_CHARS) return text;
  return detectEmergency(text).emergency ? triageWindow(text) : text.slice(0, CHAT_MAX_CHARS);
}

const FOLLOW_UP: Record<'en' | 'hi' | 'hinglish', string> = {
  en: 'If this is still an emergency, call 112 now (108 for an ambulance), or tap "Emergency alert" in the app.',
  hi: 'अगर अब भी इमरजेंसी है तो अभी 112 पर कॉल करें (एम्बुलेंस के लिए 108), या ऐप में "इमरजेंसी अलर्ट" दबाएँ।',
  hinglish:
    'Agar ab bhi emergency hai to abhi 112 par call kijiye (ambulance ke liye 108), ya app mein "Emergency alert" dabaiye.',
};

/** The short safety line put before every reply for a while after an alarm. */
export function followUpLine(language: TriageLanguage): string {
  return language === 'hi' || language === 'hinglish' ? FOLLOW_UP[language] : FOLLOW_UP.en;
}
