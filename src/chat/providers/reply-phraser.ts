import { Logger } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config.js';
import { counter } from '../../ops/metrics.js';
import { ChatModelProvider, OfflineProvider, ProviderError, type GroundedTurn } from './chat-provider.js';
import { OpenAiCompatibleProvider } from './openai-compatible.provider.js';

const calls = counter({
  name: 'podd_chat_provider_calls_total',
  help: 'Chat replies by provider and outcome (ok, or the failure reason that made the offline assistant answer)',
  labelNames: ['provider', 'outcome'],
});

/**
 * Picks the phrasing model from the config: CHAT_PROVIDER, or auto (OpenAI key, else Sarvam key, else offline).
 * `timeoutMs` bounds each call (CHAT_TIMEOUT_MS; the safety check passes its own budget).
 */
export function createChatProvider(config: AppConfig, timeoutMs = config.chat.timeoutMs): ChatModelProvider {
  const want = config.chat.provider;
  const openai = config.openai.apiKey
    ? new OpenAiCompatibleProvider({
        name: 'openai',
        url: `${config.openai.baseUrl}/chat/completions`,
        apiKey: config.openai.apiKey,
        auth: 'bearer',
        model: config.openai.model,
        timeoutMs,
      })
    : null;
  const sarvam = config.sarvam.apiKey
    ? new OpenAiCompatibleProvider({
        name: 'sarvam',
        url: `${config.sarvam.baseUrl}/v1/chat/completions`,
        apiKey: config.sarvam.apiKey,
        auth: 'api-subscription-key',
        model: config.sarvam.chatModel,
        timeoutMs,
      })
    : null;
  if (want === 'openai') return openai ?? new OfflineProvider();
  if (want === 'sarvam') return sarvam ?? new OfflineProvider();
  if (want === 'offline') return new OfflineProvider();
  return openai ?? sarvam ?? new OfflineProvider();
}

export interface PhrasedReply {
  text: string;
  /** Who produced the text: the configured provider, or 'offline' after a fallback. */
  provider: 'offline' | 'openai' | 'sarvam';
  fallback: boolean;
}

/** Runs the configured provider and falls back to the offline draft on any failure (timeout, HTTP, unsafe reply). */
export class ReplyPhraser {
  private readonly log = new Logger('ChatProvider');

  constructor(readonly provider: ChatModelProvider) {}

  async phrase(turn: GroundedTurn): Promise<PhrasedReply> {
    if (this.provider.name === 'offline') {
      calls.inc({ provider: 'offline', outcome: 'ok' });
      return { text: turn.draft, provider: 'offline', fallback: false };
    }
    try {
      const text = await this.provider.phrase(turn);
      calls.inc({ provider: this.provider.name, outcome: 'ok' });
      return { text, provider: this.provider.name, fallback: false };
    } catch (e) {
      const reason = e instanceof ProviderError ? e.reason : 'error';
      calls.inc({ provider: this.provider.name, outcome: reason });
      // Reason and status only: never the prompt or the reply (they carry health data).
      this.log.warn(
        `${this.provider.name} failed (${reason}${e instanceof ProviderError && e.status ? ` ${e.status}` : ''}); offline reply used`,
      );
      return { text: turn.draft, provider: 'offline', fallback: true };
    }
  }
}
