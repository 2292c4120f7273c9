import { Logger } from '@nestjs/common';
import { counter } from '../../ops/metrics.js';
import {
  CHAT_MAX_CHARS,
  alarmOf,
  type TriageCategory,
  type TriageLanguage,
  type TriageResult,
} from '../triage-gate.js';
import { ProviderError } from './chat-provider.js';
import type { AppConfig } from '../../config/app-config.js';
import { OpenAiCompatibleProvider } from './openai-compatible.provider.js';
import { createChatProvider } from './reply-phraser.js';

const checks = counter({
  name: 'podd_chat_safety_checks_total',
  help: "The model's second opinion on non-emergency chat messages: alarm, clear, or the failure reason",
  labelNames: ['provider', 'outcome'],
});

/** Every category (the `satisfies` keeps this list complete when the engine's type changes). */
const CATEGORIES = Object.keys({
  chest_pain: 1,
  stroke: 1,
  breathing: 1,
  collapse: 1,
  seizure: 1,
  bleeding: 1,
  anaphylaxis: 1,
  poisoning: 1,
  self_harm: 1,
  fall: 1,
  head_injury: 1,
  dangerous_reading: 1,
  infant: 1,
  burns: 1,
  abdominal_obstetric: 1,
} satisfies Record<TriageCategory, 1>) as TriageCategory[];

const SYSTEM_PROMPT = [
  'You are the safety check of a health assistant used by older people in India and their families.',
  'Decide whether the MESSAGE describes a medical emergency happening now, to the writer or someone with them,',
  'that needs emergency services. A general question, a past event that is over, or a reading in the normal range',
  'is not an emergency. The message may be in any Indian language or in Hindi written in Latin letters.',
  'Answer with one JSON object and nothing else:',
  `{"emergency": true or false, "category": one of ${CATEGORIES.map((c) => `"${c}"`).join(', ')} or null, "confidence": a number from 0 to 1}`,
].join('\n');

/** Below this confidence a model's "emergency" is not taken as an alarm. */
const MIN_CONFIDENCE = 0.5;

/**
 * The model as a second opinion on a message the local triage did not flag: a short JSON-answer prompt within
 * CHAT_SAFETY_TIMEOUT_MS. It may add an alarm and never removes one (it is only asked about non-emergencies).
 * Any failure — timeout, HTTP error, a body that is not the JSON asked for — means "no alarm added".
 */
export class ModelSafetyCheck {
  private readonly log = new Logger('ChatSafetyCheck');

  /** `model` is built with the safety time budget as its timeout; null = no model configured (no check). */
  constructor(private readonly model: OpenAiCompatibleProvider | null) {}

  /** The model that phrases replies (same provider and key), bounded by CHAT_SAFETY_TIMEOUT_MS; 0 = off. */
  static fromConfig(config: AppConfig): ModelSafetyCheck {
    const budget = config.chat.safetyTimeoutMs;
    const model = budget > 0 ? createChatProvider(config, budget) : null;
    return new ModelSafetyCheck(model instanceof OpenAiCompatibleProvider ? model : null);
  }

  /** The model's alarm, or null (clear, or no answer in time). Never rejects. */
  async check(message: string, language: TriageLanguage): Promise<TriageResult | null> {
    const model = this.model;
    if (!model) return null;
    try {
      // A classification: no creativity, and a short answer.
      const answer = await model.complete(
        [
          { role: 'system', content: SYSTEM_PROMPT },
          { role: 'user', content: `MESSAGE: ${message.slice(0, CHAT_MAX_CHARS)}` },
        ],
        { temperature: 0, max_tokens: 60 },
      );
      const alarm = parseOpinion(answer, language);
      checks.inc({ provider: model.name, outcome: alarm ? 'alarm' : 'clear' });
      return alarm;
    } catch (e) {
      const reason = e instanceof ProviderError ? e.reason : 'bad_response';
      checks.inc({ provider: model.name, outcome: reason });
      // The reason only: the message and the answer carry health data.
      this.log.warn(`${model.name} safety check failed (${reason}); no alarm added`);
      return null;
    }
  }
}

/** `{"emergency": true, "category": "...", "confidence": 0.9}` (in a code fence or not) → an alarm, or null. */
export function parseOpinion(answer: string, language: TriageLanguage): TriageResult | null {
  const json = /\{[\s\S]*\}/.exec(answer)?.[0];
  if (!json) throw new ProviderError('model', 'bad_response', 'no JSON object');
  let o: { emergency?: unknown; category?: unknown; confidence?: unknown };
  try {
    o = JSON.parse(json);
  } catch {
    throw new ProviderError('model', 'bad_response', 'not JSON');
  }
  if (typeof o.emergency !== 'boolean')
    throw new ProviderError('model', 'bad_response', 'no emergency field');
  if (!o.emergency) return null;
  const category = CATEGORIES.find((c) => c === o.category);
  if (!category) throw new ProviderError('model', 'bad_response', 'unknown category');
  const given =
    typeof o.confidence === 'number' && o.confidence >= 0 && o.confidence <= 1 ? o.confidence : null;
  if (given !== null && given < MIN_CONFIDENCE) return null;
  // No confidence given: recorded as the threshold, the least the model can have meant.
  return alarmOf(category, given ?? MIN_CONFIDENCE, language);
}
