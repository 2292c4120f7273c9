import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Clock } from '../common/clock.js';
import type { CounterStore } from '../common/counter-store.js';
import type { AuthUser } from '../common/decorators.js';
import { newId } from '../common/ids.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { FoodService } from '../health-data/food/food.service.js';
import { MedicationService } from '../health-data/medication/medication.service.js';
import { RecordStore } from '../health-data/records/record-store.js';
import { zonedIso } from '../health-data/records/time.js';
import { TrackingService } from '../health-data/tracking/tracking.service.js';
import { VitalsService } from '../health-data/vitals/vitals.service.js';
import { COUNTER_STORE } from '../infra/infra.module.js';
import { LocusGraphGateway } from '../locusgraph/locusgraph.gateway.js';
import type { Payload, StoredRecord } from '../locusgraph/locusgraph.types.js';
import { counter } from '../ops/metrics.js';
import { AlarmsService } from '../reminders/alarms/alarms.service.js';
import { ChatActions, type TurnResult } from './chat-actions.js';
import { ChatLookupsService } from './chat-lookups.service.js';
import { ChatQuota } from './chat-quota.js';
import type {
  Channel,
  ChatHistoryQuery,
  ChatHistoryResponseDto,
  ChatMessageDto,
  ChatRequestDto,
  ChatResponseDto,
} from './chat.dto.js';
import { extractVitals, hasVitals } from './pipeline/vitals.js';
import { route } from './pipeline/route.js';
import { safetyReply } from './triage/index.js';
import { createChatProvider, ReplyPhraser } from './providers/reply-phraser.js';
import { applyLocaleRule } from './replies.js';

const messages = counter({
  name: 'podd_chat_messages_total',
  help: 'Chat messages by intent and channel',
  labelNames: ['intent', 'channel'],
});

/** Payload of a stored chat message (the original's `chat_message` event, §4.3 of the spec). */
interface ChatMessagePayload extends Payload {
  kind: 'chat_message';
  data: {
    role: 'user' | 'assistant';
    content: string;
    locale: string;
    channel: Channel;
    user_id: string;
    timestamp: string;
    intent?: string;
    actions?: { type: string; id: string }[];
  };
}

/**
 * The chat pipeline for one message: quota → normalise → red-flag triage (first; its reply never reaches a
 * model) → intent → act/answer through the health-data and reminder services → phrase (offline, or a model
 * grounded on the records read and the actions taken, with fallback) → store both messages through the gateway.
 */
@Injectable()
export class ChatService implements OnModuleInit {
  private readonly phraser: ReplyPhraser;
  private readonly quota: ChatQuota;
  private actions!: ChatActions;
  private store!: RecordStore;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(COUNTER_STORE) counters: CounterStore,
    private readonly gateway: LocusGraphGateway,
    private readonly clock: Clock,
    private readonly lookups: ChatLookupsService,
    private readonly moduleRef: ModuleRef,
  ) {
    this.phraser = new ReplyPhraser(createChatProvider(config));
    this.quota = new ChatQuota(counters, config.chat.ratePerMinute);
  }

  /**
   * The health-data and reminder services are the ones their modules serve to the REST controllers
   * (looked up across modules, so a chat-made record goes through exactly the same code).
   */
  onModuleInit(): void {
    const get = <T>(cls: abstract new (...args: never[]) => T): T =>
      this.moduleRef.get(cls as never, { strict: false }) as T;
    this.store = get(RecordStore);
    this.actions = new ChatActions({
      vitals: get(VitalsService),
      food: get(FoodService),
      tracking: get(TrackingService),
      medication: get(MedicationService),
      alarms: get(AlarmsService),
      lookups: this.lookups,
      clock: this.clock,
    });
  }

  /** The provider that phrases replies ('offline' without a key). */
  get providerName(): string {
    return this.phraser.provider.name;
  }

  async chat(user: AuthUser, dto: ChatRequestDto): Promise<ChatResponseDto> {
    await this.quota.take(user.id);
    const locale = dto.locale ?? 'en-IN';
    const channel: Channel = dto.channel ?? 'text';
    const routed = route(dto.message);
    const zone = await this.store.zoneOf(user.id);
    let reply: string;
    let provider: string;
    let turn: TurnResult;
    let emergency: ChatResponseDto['metadata']['emergency'] = null;
    if (routed.intent === 'emergency') {
      // Safety first and fixed: the reply is never phrased by a model. A reading in the message is still kept.
      const contact = await this.lookups.primaryContact(user).catch(() => null);
      reply = safetyReply(routed.triage, contact);
      provider = 'triage';
      turn = { actions: [], facts: [], draft: reply };
      const reading = extractVitals(routed.input.text);
      if (hasVitals(reading)) {
        const { record } = await this.actions.recordVitals(user, reading).catch(() => ({ record: null }));
        if (record) turn.actions.push({ type: 'vitals', id: record.id, summary: 'reading recorded' });
      }
      emergency = {
        flags: routed.triage.flags,
        categories: routed.triage.findings,
        language: routed.triage.language,
        alert_route: 'POST /api/emergency/alert',
        has_primary_contact: contact !== null,
      };
    } else {
      turn = await this.actions.run(routed.intent, user, routed.input, zone);
      const phrased = await this.phraser.phrase({
        message: routed.input.original,
        locale,
        style: routed.input.style,
        intent: routed.intent,
        actions: turn.actions,
        facts: turn.facts,
        draft: turn.draft,
      });
      reply = phrased.text;
      provider = phrased.provider;
    }
    reply = applyLocaleRule(reply, locale);
    messages.inc({ intent: routed.intent, channel });

    const id = newId();
    const now = this.clock.now();
    const actions = turn.actions.map((a) => ({ type: a.type, id: a.id }));
    const base = { locale, channel, user_id: user.id };
    await this.gateway.storeMany([
      {
        contextId: `chat:${id}_user`,
        userId: user.id,
        kind: 'observation',
        source: 'user',
        occurredAt: now,
        links: { related_to: [`person:${user.id}`] },
        payload: {
          kind: 'chat_message',
          data: { role: 'user', content: dto.message, ...base, timestamp: now.toISOString() },
        } satisfies ChatMessagePayload,
      },
      {
        contextId: `chat:${id}_assistant`,
        userId: user.id,
        kind: 'observation',
        source: 'assistant',
        // One millisecond later, so the history (ordered by time) always shows the question first.
        occurredAt: new Date(now.getTime() + 1),
        links: { related_to: [`person:${user.id}`, `chat:${id}_user`] },
        payload: {
          kind: 'chat_message',
          data: {
            role: 'assistant',
            content: reply,
            intent: routed.intent,
            ...base,
            timestamp: new Date(now.getTime() + 1).toISOString(),
            actions,
          },
        } satisfies ChatMessagePayload,
      },
    ]);
    return {
      id,
      user_id: user.id,
      user_message: dto.message,
      assistant_message: reply,
      intent: routed.intent,
      created_at: zonedIso(now, zone),
      metadata: { locale, channel, actions, provider, emergency },
    };
  }

  async history(user: AuthUser, q: ChatHistoryQuery): Promise<ChatHistoryResponseDto> {
    const zone = await this.store.zoneOf(user.id);
    const page = await this.gateway.list<ChatMessagePayload>({
      userId: user.id,
      type: 'chat',
      order: 'asc',
      limit: q.limit,
      offset: q.offset,
    });
    return {
      user_id: user.id,
      messages: page.items
        .filter((r) => r.payload?.kind === 'chat_message')
        .map((r) => this.message(r, zone)),
      total_count: page.total,
      retrieved_at: zonedIso(this.clock.now(), zone),
    };
  }

  private message(r: StoredRecord<ChatMessagePayload>, zone: string): ChatMessageDto {
    const d = r.payload.data;
    return {
      id: r.id,
      chat_id: r.id.replace(/_(user|assistant)$/, ''),
      user_id: d.user_id,
      role: d.role,
      content: d.content,
      intent: d.intent ?? null,
      created_at: zonedIso(r.occurredAt, zone),
      channel: d.channel,
    };
  }
}
