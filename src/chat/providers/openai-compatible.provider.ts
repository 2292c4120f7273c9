import { BrokenCircuitError, DependencyBreaker } from '../../ops/circuit-breaker.js';
import { ChatModelProvider, ProviderError, type GroundedTurn } from './chat-provider.js';

/**
 * One client for every OpenAI-compatible chat-completions endpoint: OpenAI itself (Bearer auth,
 * `{OPENAI_BASE_URL}/chat/completions`) and Sarvam (`api-subscription-key` header,
 * `{SARVAM_BASE_URL}/v1/chat/completions`). Request `{model, messages, temperature, max_tokens}`;
 * response `choices[0].message.content`.
 */
export interface OpenAiCompatibleOptions {
  name: 'openai' | 'sarvam';
  /** Full URL of the chat-completions endpoint. */
  url: string;
  apiKey: string;
  auth: 'bearer' | 'api-subscription-key';
  model: string;
  timeoutMs: number;
  /** Consecutive provider failures that open the circuit (default 5). */
  breakerFailures?: number;
  /** How long the circuit stays open before a trial call (default 30 s). */
  breakerHalfOpenMs?: number;
  /** For tests: a fetch implementation; defaults to the global one. */
  fetchImpl?: typeof fetch;
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

const SYSTEM_PROMPT = [
  'You are Podd, a warm, respectful health assistant for older people in India and their families.',
  'You only rephrase. Rewrite the DRAFT reply below so it sounds natural and kind, in 1-4 short sentences.',
  'Rules you must never break:',
  '- Use only the facts in RECORDS and ACTIONS. Do not invent readings, times, medicines, amounts or records.',
  '- Never suggest, change or calculate a medicine dose, never tell anyone to start or stop a medicine, never diagnose.',
  '- For symptoms or medicine questions, advise checking with their doctor.',
  '- Keep every number exactly as in the draft. Do not add numbers.',
  '- Reply in the style given: "hi" = Hindi in Devanagari, "hinglish" = Hindi in Latin letters, "en" = simple English.',
  '- Output only the reply text, no preamble, no markdown.',
].join('\n');

/** The prompt: the model sees the records and actions it may talk about, and the draft it rephrases. */
export function buildMessages(turn: GroundedTurn): ChatMessage[] {
  const user = [
    `STYLE: ${turn.style} (locale ${turn.locale})`,
    `INTENT: ${turn.intent}`,
    `USER SAID: ${turn.message}`,
    `ACTIONS (already recorded): ${turn.actions.length ? turn.actions.map((a) => `${a.type} ${a.id}: ${a.summary}`).join('; ') : 'none'}`,
    `RECORDS:\n${turn.facts.length ? turn.facts.map((f) => `- ${f}`).join('\n') : '- none'}`,
    `DRAFT: ${turn.draft}`,
  ].join('\n');
  return [
    { role: 'system', content: SYSTEM_PROMPT },
    { role: 'user', content: user },
  ];
}

/** Telling someone to change a medicine: never allowed in a model reply. */
const DOSE_CHANGE =
  /\b(?:increase|decrease|double|reduce|skip|stop|halve|raise|lower|change)\b[^.]{0,30}\b(?:dose|dosage|medicine|medication|tablet|pill|insulin)s?\b|(?:खुराक|डोज़|दवा|दवाई)\s*(?:बढ़|घटा|बंद)|dose (?:badha|ghata|kam|zyada)/iu;
/** A medicine amount ("500 mg", "10 units"): only when it is in the grounding. */
const DOSE_AMOUNT = /\b\d+(?:\.\d+)?\s?(?:mg|mcg|µg|units?|iu)\b/iu;

/**
 * Checks a model reply before it is sent: not empty, not too long, no dose advice, and no number that is not
 * in the grounding (message, records, actions, draft). Throws ProviderError('unsafe') otherwise.
 */
export function checkGrounded(reply: string, turn: GroundedTurn, provider: string): string {
  const text = reply
    .replace(/<think>[\s\S]*?<\/think>/gi, '')
    .replace(/^\s*(?:assistant|podd)\s*:\s*/i, '')
    .trim();
  if (!text) throw new ProviderError(provider, 'bad_response', 'empty reply');
  if (text.length > 1200) throw new ProviderError(provider, 'unsafe', 'reply too long');
  const allowedSource = [turn.message, turn.draft, ...turn.facts, ...turn.actions.map((a) => a.summary)].join(
    ' ',
  );
  if (DOSE_CHANGE.test(text)) throw new ProviderError(provider, 'unsafe', 'dose advice');
  if (DOSE_AMOUNT.test(text) && !DOSE_AMOUNT.test(allowedSource))
    throw new ProviderError(provider, 'unsafe', 'dose amount');
  const allowed = new Set((allowedSource.match(/\d+(?:\.\d+)?/g) ?? []).map(Number));
  for (const n of text.match(/\d+(?:\.\d+)?/g) ?? []) {
    if (!allowed.has(Number(n)) && Number(n) !== 112 && Number(n) !== 14416) {
      throw new ProviderError(provider, 'unsafe', 'ungrounded number');
    }
  }
  return text;
}

/** The provider itself failing (not our input, not an unsafe answer): what opens the circuit. */
const providerDown = (e: Error): boolean =>
  e instanceof ProviderError &&
  (e.reason === 'timeout' ||
    e.reason === 'network' ||
    (e.reason === 'http' && (e.status === undefined || e.status >= 500 || e.status === 429)));

export class OpenAiCompatibleProvider extends ChatModelProvider {
  readonly name: 'openai' | 'sarvam';
  private readonly fetchImpl: typeof fetch;
  /** Shared by the phrasing and the safety second opinion: during an outage neither waits for the timeout. */
  private readonly breaker: DependencyBreaker;

  constructor(private readonly options: OpenAiCompatibleOptions) {
    super();
    this.name = options.name;
    this.fetchImpl = options.fetchImpl ?? fetch;
    this.breaker = new DependencyBreaker(`chat_${options.name}`, {
      isFailure: providerDown,
      failures: options.breakerFailures,
      halfOpenAfterMs: options.breakerHalfOpenMs,
    });
  }

  async phrase(turn: GroundedTurn): Promise<string> {
    const reply = await this.complete(buildMessages(turn));
    return checkGrounded(reply, turn, this.name);
  }

  /**
   * One chat-completions call with a hard timeout, through the circuit breaker. Any non-2xx, network error or odd
   * body rejects; while the circuit is open it rejects at once (`circuit_open`) and the offline assistant answers.
   */
  async complete(
    messages: ChatMessage[],
    sampling: { temperature: number; max_tokens: number } = { temperature: 0.3, max_tokens: 300 },
  ): Promise<string> {
    try {
      return await this.breaker.run(() => this.call(messages, sampling));
    } catch (e) {
      if (e instanceof BrokenCircuitError)
        throw new ProviderError(this.name, 'circuit_open', 'provider failing: circuit open');
      throw e;
    }
  }

  private async call(
    messages: ChatMessage[],
    sampling: { temperature: number; max_tokens: number },
  ): Promise<string> {
    const o = this.options;
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/json',
    };
    if (o.auth === 'bearer') headers.authorization = `Bearer ${o.apiKey}`;
    else headers['api-subscription-key'] = o.apiKey;
    let res: Response;
    try {
      res = await this.fetchImpl(o.url, {
        method: 'POST',
        headers,
        body: JSON.stringify({ model: o.model, messages, ...sampling }),
        signal: AbortSignal.timeout(o.timeoutMs),
      });
    } catch (e) {
      const name = (e as { name?: string }).name;
      if (name === 'TimeoutError' || name === 'AbortError')
        throw new ProviderError(o.name, 'timeout', `no answer within ${o.timeoutMs} ms`);
      throw new ProviderError(o.name, 'network', (e as Error).message);
    }
    let body: unknown;
    try {
      body = await res.json();
    } catch (e) {
      const name = (e as { name?: string }).name;
      if (name === 'TimeoutError' || name === 'AbortError')
        throw new ProviderError(o.name, 'timeout', `no answer within ${o.timeoutMs} ms`);
      throw new ProviderError(
        o.name,
        res.ok ? 'bad_response' : 'http',
        `status ${res.status}, body is not JSON`,
        res.status,
      );
    }
    if (!res.ok) throw new ProviderError(o.name, 'http', `status ${res.status}`, res.status);
    const content = (body as { choices?: { message?: { content?: unknown } }[] })?.choices?.[0]?.message
      ?.content;
    if (typeof content !== 'string')
      throw new ProviderError(o.name, 'bad_response', 'no choices[0].message.content');
    return content;
  }
}
