import { LANGUAGES } from './lexicon/index.js';
import type { EmergencyContactInfo, ReplyText, TriageLanguage, TriageResult } from './types.js';

const REPLIES = new Map<TriageLanguage, ReplyText>(LANGUAGES.map((l) => [l.id, l.reply]));

/**
 * The immediate safety reply, fixed text in the message's language (English when a language has no reply text):
 * why it matters (never a diagnosis), 112 and 108, do not drive yourself / keep someone with you, the primary
 * emergency contact by name, the emergency alert, and Tele-MANAS 14416 for self-harm. Never a medicine or a dose.
 */
export function safetyReply(result: TriageResult, contact: EmergencyContactInfo | null): string {
  const text = REPLIES.get(result.language) ?? REPLIES.get('en')!;
  const main = result.flags[0];
  const selfHarm = result.flags.includes('self_harm');
  const parts: string[] = [];
  if (selfHarm) parts.push(text.why.self_harm ?? text.why.default, text.teleManas);
  if (main && main !== 'self_harm') parts.push(text.why[main] ?? text.why.default);
  if (!main) parts.push(text.why.default);
  parts.push(text.call);
  if (contact) {
    const who = `${contact.name}${contact.relationship ? ` (${contact.relationship})` : ''}, ${contact.phone}`;
    parts.push(text.contact.replace('{contact}', who));
  }
  parts.push(contact ? text.alert : text.alertNoContact);
  return parts.join(' ');
}
