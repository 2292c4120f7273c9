import type { Intent } from '../pipeline/intent.js';
import type { LanguageStyle } from '../pipeline/normalise.js';

/** A record the turn created (the same record the REST routes show). */
export interface ActionTaken {
  /** Record type as the REST API names it: water_log, vitals, food_log, medication_log, alarm. */
  type: string;
  id: string;
  /** One line for the reply/prompt, e.g. "water 500 ml". No free text from the user beyond what they said. */
  summary: string;
}

/**
 * Everything a provider may use to phrase a reply. The reply is grounded: the facts come from the user's
 * own records, the actions were already taken by the service, and `draft` is the deterministic offline reply
 * that a model may only rephrase. Triage replies never reach a provider.
 */
export interface GroundedTurn {
  /** What the user said (original text). */
  message: string;
  locale: string;
  style: LanguageStyle;
  intent: Exclude<Intent, 'emergency'>;
  actions: ActionTaken[];
  /** Short lines rendered from the user's records (e.g. "last BP 140/90 at 08:10 today"). */
  facts: string[];
  /** The offline assistant's reply for this turn. */
  draft: string;
}

/** Port for the model that phrases replies. */
export abstract class ChatModelProvider {
  abstract readonly name: 'offline' | 'openai' | 'sarvam';
  /** Returns the reply text. Rejects on any failure; the caller falls back to the offline draft. */
  abstract phrase(turn: GroundedTurn): Promise<string>;
}

export class ProviderError extends Error {
  constructor(
    readonly provider: string,
    readonly reason: 'timeout' | 'http' | 'network' | 'bad_response' | 'unsafe' | 'circuit_open',
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** The deterministic assistant: the draft is the reply. No network, same input → same output. */
export class OfflineProvider extends ChatModelProvider {
  readonly name = 'offline' as const;
  async phrase(turn: GroundedTurn): Promise<string> {
    return turn.draft;
  }
}
