import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { AuthUser } from '../common/decorators.js';
import { AppError } from '../common/errors.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { ChatService } from '../chat/chat.service.js';
import { fitForChat } from '../chat/triage-gate.js';
import { counter } from '../ops/metrics.js';
import { readAudioUpload, wavDuration, type AudioUpload } from './audio-upload.js';
import { SARVAM_LANGUAGES, SarvamSpeechClient, speechUnavailable } from './sarvam-speech.client.js';
import type {
  VoiceConversationResponseDto,
  VoiceStreamResponseDto,
  VoiceSynthesizeResponseDto,
} from './voice.dto.js';

const speechCalls = counter({
  name: 'podd_voice_requests_total',
  help: 'Voice operations by kind and outcome',
  labelNames: ['op', 'outcome'],
});

const noSpeech = (): AppError =>
  new AppError(400, 'NO_SPEECH', 'Could not transcribe audio: no speech detected');

/** Speech-to-text, text-to-speech and the spoken conversation (audio → chat → audio) over Sarvam. */
@Injectable()
export class VoiceService {
  private readonly sarvam: SarvamSpeechClient | null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly chat: ChatService,
  ) {
    const s = config.sarvam;
    this.sarvam = s.apiKey
      ? new SarvamSpeechClient({
          baseUrl: s.baseUrl,
          apiKey: s.apiKey,
          sttModel: s.sttModel,
          ttsModel: s.ttsModel,
          timeoutMs: s.timeoutMs,
        })
      : null;
  }

  get uploadLimit(): number {
    return this.config.uploadLimitBytes;
  }

  get available(): boolean {
    return this.sarvam !== null;
  }

  /** Throws the 503 when voice is not configured (called before the upload is read). */
  requireAvailable(): SarvamSpeechClient {
    if (!this.sarvam) throw speechUnavailable();
    return this.sarvam;
  }

  /** `POST /stream`: 503 before anything is read when voice is off, then the upload (413/415) and the transcript. */
  async transcribeUpload(req: FastifyRequest, languageCode: string): Promise<VoiceStreamResponseDto> {
    this.requireAvailable();
    return this.transcribe(await readAudioUpload(req, this.config.uploadLimitBytes), languageCode);
  }

  async conversationUpload(
    user: AuthUser,
    req: FastifyRequest,
    languageCode: string,
    speaker: string,
  ): Promise<VoiceConversationResponseDto> {
    this.requireAvailable();
    return this.conversation(
      user,
      await readAudioUpload(req, this.config.uploadLimitBytes),
      languageCode,
      speaker,
    );
  }

  private async track<T>(op: string, work: () => Promise<T>): Promise<T> {
    try {
      const r = await work();
      speechCalls.inc({ op, outcome: 'ok' });
      return r;
    } catch (e) {
      speechCalls.inc({ op, outcome: e instanceof AppError ? String(e.status) : 'error' });
      throw e;
    }
  }

  async transcribe(audio: AudioUpload, languageCode: string): Promise<VoiceStreamResponseDto> {
    const sarvam = this.requireAvailable();
    return this.track('stt', async () => {
      const t = await sarvam.transcribe(audio.data, audio.filename, audio.mimetype, languageCode);
      if (!t.transcript) throw noSpeech();
      return {
        transcript: t.transcript,
        language_code: t.language_code,
        confidence: t.confidence ?? 0,
        duration: wavDuration(audio.data),
      };
    });
  }

  async synthesize(text: string, languageCode: string, speaker: string): Promise<VoiceSynthesizeResponseDto> {
    const sarvam = this.requireAvailable();
    return this.track('tts', async () => {
      const a = await sarvam.synthesize(text, languageCode, speaker);
      return {
        audio_content: a.audio_content,
        audio_format: a.audio_format,
        language_code: languageCode,
        speaker,
        duration: wavDurationOf(a.audio_content),
        character_count: [...text].length,
      };
    });
  }

  /** Audio in, the assistant's reply out as text and audio; the exchange is stored like a typed chat (channel voice). */
  async conversation(
    user: AuthUser,
    audio: AudioUpload,
    languageCode: string,
    speaker: string,
  ): Promise<VoiceConversationResponseDto> {
    const heard = await this.transcribe(audio, languageCode);
    return this.replyTo(user, heard.transcript, heard.language_code, speaker);
  }

  /** A transcript through the chat pipeline (channel voice), and its reply spoken. */
  async replyTo(
    user: AuthUser,
    transcript: string,
    languageCode: string,
    speaker: string,
  ): Promise<VoiceConversationResponseDto> {
    const lang = (SARVAM_LANGUAGES as readonly string[]).includes(languageCode) ? languageCode : 'hi-IN';
    // The chat triages first and answers an emergency before its quota; a long transcript keeps its end when
    // that is where the emergency is.
    const reply = await this.chat.chat(user, {
      message: fitForChat(transcript),
      locale: lang,
      channel: 'voice',
    });
    const spoken = await this.synthesize(stripLocalePrefix(reply.assistant_message), lang, speaker).catch(
      (e: unknown) => {
        // An emergency reply is never lost to a speech failure: its text goes back, without audio.
        if (reply.intent === 'emergency') return null;
        throw e;
      },
    );
    return {
      transcript,
      intent: reply.intent,
      assistant_response: reply.assistant_message,
      audio_content: spoken?.audio_content ?? '',
      audio_format: spoken?.audio_format ?? 'wav',
      language_code: lang,
      chat_id: reply.id,
    };
  }
}

/** The `[hi-IN] ` marker is for screens; it is not read aloud. */
export function stripLocalePrefix(text: string): string {
  return text.replace(/^\[[a-z]{2}-[A-Z]{2}\]\s*/, '');
}

function wavDurationOf(base64: string): number | null {
  return wavDuration(Buffer.from(base64, 'base64'));
}
