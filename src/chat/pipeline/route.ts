import { triage, type TriageResult } from '../triage/index.js';
import { classifyIntent, type Intent } from './intent.js';
import { normalise, type NormalisedText } from './normalise.js';

/** What a request is about shows in its first sentences; a 4000-character story is classified on its start. */
export const INTENT_CHARS = 1000;

export interface Routed {
  input: NormalisedText;
  triage: TriageResult;
  intent: Intent;
}

/** Normalise → triage (first, on the raw message: it normalises for itself) → intent. The pure front half of the chat pipeline. */
export function route(message: string): Routed {
  const input = normalise(message);
  const t = triage(message);
  return {
    input,
    triage: t,
    intent: t.emergency ? 'emergency' : classifyIntent(input.text.slice(0, INTENT_CHARS)),
  };
}
