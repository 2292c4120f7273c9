import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { AuthUser } from '../common/decorators.js';
import { AppError } from '../common/errors.js';
import { WebSocketUpgradeRegistry, type WebSocket } from '../websocket/websocket-upgrade.js';
import { SARVAM_LANGUAGES } from './sarvam-speech.client.js';
import { VoiceService } from './voice.service.js';

export const VOICE_WS_PATH = '/api/voice/ws';

interface Session {
  user: AuthUser;
  language_code: string;
  speaker: string;
  /** Bumped by "interrupt": a reply still being prepared for an older turn is dropped. */
  turn: number;
}

/**
 * The spoken conversation over a WebSocket at /api/voice/ws, with the original's message protocol, for the
 * authenticated user (the access token is checked at the handshake by the shared upgrade registry):
 * - on open: `{"type":"connected","message"}` (or `{"type":"error","code":"VOICE_NOT_CONFIGURED"}` and close 1011);
 * - binary frame = one utterance of audio → `{"type":"transcript","transcript"}` → the chat reply as a binary
 *   audio frame (WAV; none when speaking an emergency reply failed) → `{"type":"response_complete","response_text","intent","chat_id"}`;
 *   no speech → `{"type":"no_speech","message"}`; failure → `{"type":"error","error","code"}`;
 * - text `{"type":"interrupt"}` → `{"type":"interrupted"}`; `{"type":"config","config":{language_code,speaker}}`
 *   → `{"type":"config_ack","config"}`; other text → `{"type":"echo","message":"Received: …"}`.
 */
@Injectable()
export class VoiceWebSocket implements OnModuleInit {
  private readonly log = new Logger('VoiceWs');

  constructor(
    private readonly registry: WebSocketUpgradeRegistry,
    private readonly voice: VoiceService,
  ) {}

  onModuleInit(): void {
    this.registry.register({
      path: VOICE_WS_PATH,
      maxPayload: this.voice.uploadLimit,
      onConnection: (socket, { user }) => this.open(socket, user!),
    });
  }

  private open(socket: WebSocket, user: AuthUser): void {
    const send = (msg: object): void => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(msg));
    };
    if (!this.voice.available) {
      send({
        type: 'error',
        code: 'VOICE_NOT_CONFIGURED',
        error: 'Voice is not available: the speech service is not configured (SARVAM_API_KEY is not set)',
      });
      socket.close(1011, 'voice not configured');
      return;
    }
    const session: Session = { user, language_code: 'hi-IN', speaker: 'shubh', turn: 0 };
    send({ type: 'connected', message: 'Connected to Podd voice. Send audio as binary frames.' });
    socket.on('message', (data, isBinary) => {
      if (isBinary)
        void this.utterance(
          socket,
          session,
          Buffer.isBuffer(data) ? data : Buffer.concat(data as Buffer[]),
          send,
        );
      else this.control(session, data.toString(), send);
    });
  }

  private control(session: Session, text: string, send: (m: object) => void): void {
    let msg: { type?: unknown; config?: { language_code?: unknown; speaker?: unknown } };
    try {
      msg = JSON.parse(text);
    } catch {
      send({ type: 'echo', message: `Received: ${text.slice(0, 200)}` });
      return;
    }
    if (msg?.type === 'interrupt') {
      session.turn++;
      send({ type: 'interrupted', message: 'Stopped the current reply' });
    } else if (msg?.type === 'config' && msg.config && typeof msg.config === 'object') {
      const lang = msg.config.language_code;
      const speaker = msg.config.speaker;
      if (typeof lang === 'string' && (SARVAM_LANGUAGES as readonly string[]).includes(lang))
        session.language_code = lang;
      if (typeof speaker === 'string' && /^[a-z][a-z0-9_-]{1,31}$/.test(speaker)) session.speaker = speaker;
      send({
        type: 'config_ack',
        config: { language_code: session.language_code, speaker: session.speaker },
      });
    } else {
      send({ type: 'echo', message: `Received: ${text.slice(0, 200)}` });
    }
  }

  private async utterance(
    socket: WebSocket,
    session: Session,
    audio: Buffer,
    send: (m: object) => void,
  ): Promise<void> {
    const turn = ++session.turn;
    try {
      const heard = await this.voice.transcribe(
        { data: audio, filename: 'utterance.wav', mimetype: 'audio/wav' },
        session.language_code,
      );
      if (turn !== session.turn) return;
      send({ type: 'transcript', transcript: heard.transcript, language_code: heard.language_code });
      const reply = await this.voice.replyTo(
        session.user,
        heard.transcript,
        heard.language_code,
        session.speaker,
      );
      if (turn !== session.turn || socket.readyState !== socket.OPEN) return;
      if (reply.audio_content) socket.send(Buffer.from(reply.audio_content, 'base64'), { binary: true });
      send({
        type: 'response_complete',
        response_text: reply.assistant_response,
        intent: reply.intent,
        chat_id: reply.chat_id,
      });
    } catch (e) {
      if (e instanceof AppError && e.code === 'NO_SPEECH') {
        send({ type: 'no_speech', message: 'No speech detected, please try again' });
        return;
      }
      const err = e instanceof AppError ? e : null;
      if (!err) this.log.error(`voice turn failed: ${(e as Error).message}`);
      send({
        type: 'error',
        code: err ? String(err.code) : 'INTERNAL_ERROR',
        error: err && typeof err.detail === 'string' ? err.detail : 'Voice turn failed',
      });
    }
  }
}
