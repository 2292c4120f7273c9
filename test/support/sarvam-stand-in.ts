import { SARVAM_LANGUAGES } from '../../src/voice/sarvam-speech.client.js';
import {
  checkCompletionRequest,
  completionBody,
  draftOf,
  requestId,
  StandInServer,
  type MultipartBody,
  type ReceivedRequest,
} from './stand-in-server.js';

/**
 * Stand-in for Sarvam's REST API, checking the real request shapes:
 * - `POST /speech-to-text`: header `api-subscription-key`; multipart with a `file` part (filename, audio
 *   content type), `model` and `language_code` fields → `{request_id, transcript, language_code, language_probability}`;
 * - `POST /text-to-speech`: JSON `{text | inputs[], target_language_code, speaker?, model?}` → `{request_id, audios: [base64]}`;
 * - `POST /v1/chat/completions`: OpenAI shape, `api-subscription-key` header.
 * Wrong/missing key → 403. Failure and latency switches from StandInServer.
 *
 * "Recognition" is request-dependent: test audio is a 44-byte WAV header followed by the UTF-8 text that was
 * "spoken" (see `fakeWav`); a file with nothing after the header is silence (empty transcript).
 * Synthesis returns such a WAV for the text it was given, so a round trip can be checked.
 */
export const LANGUAGES: string[] = [...SARVAM_LANGUAGES, 'unknown'];

/** A WAV file whose "speech" is `text` (header + UTF-8 bytes). */
export function fakeWav(text: string): Buffer {
  const data = Buffer.from(text, 'utf8');
  const h = Buffer.alloc(44);
  h.write('RIFF', 0);
  h.writeUInt32LE(36 + data.length, 4);
  h.write('WAVE', 8);
  h.write('fmt ', 12);
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(16000, 24);
  h.writeUInt32LE(32000, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36);
  h.writeUInt32LE(data.length, 40);
  return Buffer.concat([h, data]);
}

/** The text "spoken" in a fakeWav (or null when it is not one). */
export function spokenText(wav: Buffer): string | null {
  if (
    wav.length < 44 ||
    wav.subarray(0, 4).toString() !== 'RIFF' ||
    wav.subarray(8, 12).toString() !== 'WAVE'
  )
    return null;
  return wav.subarray(44).toString('utf8');
}

export class SarvamStandIn extends StandInServer {
  replyPrefix = '🪷 ';
  /** Detected language returned by speech-to-text; null = echo the requested one. */
  detectedLanguage: string | null = null;

  constructor(readonly apiKey = 'sk_test_sarvam') {
    super((req) => this.answer(req));
  }

  static async start(apiKey?: string): Promise<SarvamStandIn> {
    return new SarvamStandIn(apiKey).start();
  }

  private answer(req: ReceivedRequest): { status: number; body: unknown } {
    if (req.headers['api-subscription-key'] !== this.apiKey) {
      return {
        status: 403,
        body: {
          error: {
            message: 'Invalid API subscription key',
            code: 'invalid_api_key_error',
            request_id: requestId(),
          },
        },
      };
    }
    if (req.method === 'POST' && req.path === '/speech-to-text') return this.stt(req);
    if (req.method === 'POST' && req.path === '/text-to-speech') return this.tts(req);
    if (req.method === 'POST' && req.path === '/v1/chat/completions') {
      const problem = checkCompletionRequest(req.body);
      if (problem) return bad(problem);
      const b = req.body as { model: string };
      return {
        status: 200,
        body: completionBody(b.model, this.replyPrefix + draftOf(req.body), JSON.stringify(req.body).length),
      };
    }
    return {
      status: 404,
      body: { error: { message: `Unknown route ${req.method} ${req.path}`, code: 'not_found' } },
    };
  }

  private stt(req: ReceivedRequest): { status: number; body: unknown } {
    if (!String(req.headers['content-type'] ?? '').startsWith('multipart/form-data'))
      return bad('Expected multipart/form-data');
    const body = req.body as MultipartBody;
    const file = body.files.file;
    if (!file)
      return {
        status: 422,
        body: { error: { message: "Field 'file' is required", code: 'invalid_request_error' } },
      };
    if (!file.filename) return bad('file must have a filename');
    if (!/^audio\/|application\/octet-stream/.test(file.contentType))
      return bad(`Unsupported audio type ${file.contentType}`);
    if (!body.fields.model) return bad("Field 'model' is required");
    const lang = body.fields.language_code ?? 'unknown';
    if (!LANGUAGES.includes(lang)) return bad(`Invalid language_code ${lang}`);
    const spoken = spokenText(file.data);
    if (spoken === null) return bad('Audio could not be decoded');
    return {
      status: 200,
      body: {
        request_id: requestId(),
        transcript: spoken.trim(),
        timestamps: null,
        diarized_transcript: null,
        language_code: this.detectedLanguage ?? (lang === 'unknown' ? 'hi-IN' : lang),
        language_probability: 0.93,
      },
    };
  }

  private tts(req: ReceivedRequest): { status: number; body: unknown } {
    if (!String(req.headers['content-type'] ?? '').startsWith('application/json'))
      return bad('Expected application/json');
    const b = req.body as {
      text?: unknown;
      inputs?: unknown;
      target_language_code?: unknown;
      speaker?: unknown;
      model?: unknown;
    };
    const texts = typeof b.text === 'string' ? [b.text] : Array.isArray(b.inputs) ? b.inputs : null;
    if (!texts || texts.length === 0 || texts.some((t) => typeof t !== 'string' || !t.trim()))
      return bad("'text' is required");
    if (texts.some((t) => (t as string).length > 2500)) return bad('text is too long (max 2500 characters)');
    if (
      typeof b.target_language_code !== 'string' ||
      !LANGUAGES.includes(b.target_language_code) ||
      b.target_language_code === 'unknown'
    ) {
      return bad("'target_language_code' is required and must be a supported language");
    }
    if (b.speaker !== undefined && typeof b.speaker !== 'string') return bad("'speaker' must be a string");
    if (b.model !== undefined && !/^bulbul:v\d/.test(String(b.model)))
      return bad(`Unknown model ${String(b.model)}`);
    return {
      status: 200,
      body: { request_id: requestId(), audios: texts.map((t) => fakeWav(t as string).toString('base64')) },
    };
  }
}

function bad(message: string): { status: number; body: unknown } {
  return {
    status: 400,
    body: { error: { message, code: 'invalid_request_error', request_id: requestId() } },
  };
}
