import { BrokenCircuitError, DependencyBreaker } from '../ops/circuit-breaker.js';
import { AppError, ErrorCode } from '../common/errors.js';

/**
 * Sarvam speech over its REST API (header `api-subscription-key`):
 * - speech-to-text: `POST {base}/speech-to-text`, multipart `file`, `model`, `language_code` →
 *   `{request_id, transcript, language_code, language_probability?}`;
 * - text-to-speech: `POST {base}/text-to-speech`, JSON `{text, target_language_code, speaker, model}` →
 *   `{request_id, audios: [base64 wav]}`.
 */
export interface SarvamSpeechOptions {
  baseUrl: string;
  apiKey: string;
  sttModel: string;
  ttsModel: string;
  timeoutMs: number;
  /** Consecutive failures of the service that open the circuit (default 5). */
  breakerFailures?: number;
  /** How long the circuit stays open before a trial call (default 30 s). */
  breakerHalfOpenMs?: number;
  fetchImpl?: typeof fetch;
}

export interface Transcript {
  transcript: string;
  language_code: string;
  /** Sarvam's language probability when given, else null. */
  confidence: number | null;
}

export interface SpeechAudio {
  /** Base64 WAV. */
  audio_content: string;
  audio_format: 'wav';
}

/** Languages Sarvam's speech models handle (BCP-47 codes as Sarvam spells them). */
export const SARVAM_LANGUAGES = [
  'hi-IN',
  'en-IN',
  'bn-IN',
  'gu-IN',
  'kn-IN',
  'ml-IN',
  'mr-IN',
  'od-IN',
  'pa-IN',
  'ta-IN',
  'te-IN',
] as const;

/** Longest text sent to text-to-speech in one call (Bulbul takes up to 1500–2500 characters by version). */
export const TTS_MAX_CHARS = 1500;

export const speechUnavailable = (): AppError =>
  new AppError(
    503,
    'VOICE_NOT_CONFIGURED',
    'Voice is not available: the speech service is not configured (SARVAM_API_KEY is not set)',
  );
const upstream = (what: string, status?: number): AppError =>
  new AppError(
    502,
    ErrorCode.UPSTREAM_FAILED,
    `The speech service could not ${what}${status ? ` (status ${status})` : ''}; please try again`,
  );
const timedOut = (): AppError =>
  new AppError(
    503,
    ErrorCode.SERVICE_UNAVAILABLE,
    'The speech service did not answer in time; please try again',
  );
const circuitOpen = (): AppError =>
  new AppError(
    503,
    ErrorCode.SERVICE_UNAVAILABLE,
    'The speech service is failing; please try again in a minute',
    { 'retry-after': '30' },
  );

/** Marks the errors that mean Sarvam itself is failing (timeouts, network, 5xx), which open the circuit. */
const DOWN = Symbol('speech service down');
const down = (e: AppError): AppError => Object.assign(e, { [DOWN]: true });
const isDown = (e: Error): boolean => (e as { [DOWN]?: boolean })[DOWN] === true;

export class SarvamSpeechClient {
  private readonly fetchImpl: typeof fetch;

  private readonly breaker: DependencyBreaker;

  constructor(private readonly o: SarvamSpeechOptions) {
    this.fetchImpl = o.fetchImpl ?? fetch;
    this.breaker = new DependencyBreaker('sarvam_speech', {
      isFailure: isDown,
      failures: o.breakerFailures,
      halfOpenAfterMs: o.breakerHalfOpenMs,
    });
  }

  async transcribe(
    audio: Buffer,
    filename: string,
    mimetype: string,
    languageCode: string,
  ): Promise<Transcript> {
    const form = new FormData();
    form.append(
      'file',
      new Blob([new Uint8Array(audio)], { type: mimetype || 'audio/wav' }),
      filename || 'audio.wav',
    );
    form.append('model', this.o.sttModel);
    form.append('language_code', languageCode);
    const body = await this.call('speech-to-text', { method: 'POST', body: form }, 'transcribe the audio');
    const b = body as { transcript?: unknown; language_code?: unknown; language_probability?: unknown };
    if (typeof b.transcript !== 'string') throw upstream('transcribe the audio');
    return {
      transcript: b.transcript.trim(),
      language_code: typeof b.language_code === 'string' && b.language_code ? b.language_code : languageCode,
      confidence: typeof b.language_probability === 'number' ? b.language_probability : null,
    };
  }

  async synthesize(text: string, languageCode: string, speaker: string): Promise<SpeechAudio> {
    const body = await this.call(
      'text-to-speech',
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          text: text.slice(0, TTS_MAX_CHARS),
          target_language_code: languageCode,
          speaker,
          model: this.o.ttsModel,
        }),
      },
      'synthesize speech',
    );
    const audios = (body as { audios?: unknown }).audios;
    if (!Array.isArray(audios) || typeof audios[0] !== 'string' || !audios[0])
      throw upstream('synthesize speech');
    return { audio_content: audios[0], audio_format: 'wav' };
  }

  /** Through the circuit breaker: during an outage a call fails at once (503, Retry-After) instead of timing out. */
  private async call(path: string, init: RequestInit, what: string): Promise<unknown> {
    try {
      return await this.breaker.run(() => this.send(path, init, what));
    } catch (e) {
      if (e instanceof BrokenCircuitError) throw circuitOpen();
      throw e;
    }
  }

  private async send(path: string, init: RequestInit, what: string): Promise<unknown> {
    const headers = {
      ...(init.headers as Record<string, string> | undefined),
      'api-subscription-key': this.o.apiKey,
      accept: 'application/json',
    };
    let res: Response;
    try {
      res = await this.fetchImpl(`${this.o.baseUrl}/${path}`, {
        ...init,
        headers,
        signal: AbortSignal.timeout(this.o.timeoutMs),
      });
      const json = await res.json().catch((e: unknown) => {
        if ((e as { name?: string }).name === 'TimeoutError') throw e;
        return null;
      });
      if (!res.ok || json === null) {
        const err = upstream(what, res.status);
        throw res.status >= 500 || res.status === 429 || res.ok ? down(err) : err;
      }
      return json;
    } catch (e) {
      if (e instanceof AppError) throw e;
      const name = (e as { name?: string }).name;
      if (name === 'TimeoutError' || name === 'AbortError') throw down(timedOut());
      throw down(upstream(what));
    }
  }
}
