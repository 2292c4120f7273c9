import { classifyIntent, type Intent } from './intent.js';
import { normalise, type NormalisedText } from './normalise.js';
import { triage, type TriageResult } from './triage.js';

export interface Routed {
  input: NormalisedText;
  triage: TriageResult;
  intent: Intent;
}

/** Normalise → triage (first) → intent. The pure front half of the chat pipeline. */
export function route(message: string): Routed {
  const input = normalise(message);
  const t = triage(input.text);
  return { input, triage: t, intent: t.emergency ? 'emergency' : classifyIntent(input.text) };
}
