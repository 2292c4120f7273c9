import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import type { CounterStore } from '../common/counter-store.js';
import type { AuthUser } from '../common/decorators.js';
import { newId } from '../common/ids.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { FoodService } from '../health-data/food/food.service.js';
import { LabService } from '../health-data/lab/lab.service.js';
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
import { CareNotifier } from '../care-circle/care-notifier.js';
import { ChatActions } from './chat-actions.js';
import { ChatLookupsService } from './chat-lookups.service.js';
import { ChatQuota, RecentAlarms } from './chat-quota.js';
import type {
  Channel,
  ChatAlarmDto,
  ChatEmergencyDto,
  ChatHistoryQuery,
  ChatHistoryResponseDto,
  ChatMessageDto,
  ChatRequestDto,
  ChatResponseDto,
} from './chat.dto.js';
import { classifyIntent, type Intent } from './pipeline/intent.js';
import { normalise, type NormalisedText } from './pipeline/normalise.js';
import { INTENT_CHARS } from './pipeline/route.js';
import { clauses } from './pipeline/text.js';
import { extractLab, labTestNamed } from './pipeline/lab.js';
import { extractVitals, hasVitals } from './pipeline/vitals.js';
import type { ActionTaken } from './providers/chat-provider.js';
import { createChatProvider, ReplyPhraser } from './providers/reply-phraser.js';
import { ModelSafetyCheck } from './providers/safety-check.js';
import { applyLocaleRule } from './replies.js';
import {
  detectEmergency,
  emergencyReply,
  followUpLine,
  triageWindow,
  type TriageLanguage,
  type TriageResult,
} from './triage-gate.js';

const messages = counter({
  name: 'podd_chat_messages_total',
  help: 'Chat messages by intent and channel',
  labelNames: ['intent', 'channel'],
});

const alarms = counter({
  name: 'podd_triage_alarms_total',
  help: 'Emergency alarms raised on chat and voice messages, once per category (local triage or the model)',
  labelNames: ['category', 'language'],
});

const ALERT_ROUTE = 'POST /api/emergency/alert';

/** One incoming message and who sent it. */
interface Turn {
  user: AuthUser;
  message: string;
  locale: string;
  channel: Channel;
}

/** What the pipeline decided for a turn, ready to be stored and returned. */
interface TurnOutcome {
  intent: Intent;
  reply: string;
  provider: string;
  actions: ActionTaken[];
  emergency: ChatEmergencyDto | null;
  /** The alarm kept with both messages (history `emergency`); null when none was raised. */
  alarm: ChatAlarmDto | null;
  zone: string;
}

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
    /** The alarm this exchange raised (on both of its messages). */
    emergency?: ChatAlarmDto;
  };
}

/** What a non-emergency message asks: the intent is read from its start (as route() does, after triage). */
function understand(message: string): { input: NormalisedText; intent: Exclude<Intent, 'emergency'> } {
  const input = normalise(message);
  // classifyIntent never answers 'emergency': that is triage's alone.
  return { input, intent: classifyIntent(input.text.slice(0, INTENT_CHARS)) as Exclude<Intent, 'emergency'> };
}

/**
 * The chat pipeline for one message: red-flag triage (first: an emergency gets its fixed reply before any quota,
 * model or action) → quota → normalise → intent → act/answer through the health-data and reminder services →
 * phrase (offline, or a model grounded on the records read and the actions taken, with fallback), with the
 * model's safety opinion alongside → store both messages (and any alarm) through the gateway.
 */
@Injectable()
export class ChatService implements OnModuleInit {
  private readonly log = new Logger('ChatService');
  private readonly phraser: ReplyPhraser;
  private readonly safety: ModelSafetyCheck;
  private readonly quota: ChatQuota;
  private readonly recentAlarms: RecentAlarms;
  private actions!: ChatActions;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(COUNTER_STORE) counters: CounterStore,
    private readonly gateway: LocusGraphGateway,
    private readonly clock: Clock,
    private readonly lookups: ChatLookupsService,
    private readonly care: CareNotifier,
    private readonly store: RecordStore,
    private readonly vitals: VitalsService,
    private readonly lab: LabService,
    private readonly food: FoodService,
    private readonly tracking: TrackingService,
    private readonly medication: MedicationService,
    private readonly alarmsService: AlarmsService,
  ) {
    this.phraser = new ReplyPhraser(createChatProvider(config));
    this.safety = ModelSafetyCheck.fromConfig(config);
    this.quota = new ChatQuota(counters, config.chat.ratePerMinute);
    this.recentAlarms = new RecentAlarms(counters);
  }

  /**
   * The health-data and reminder services are the ones their modules serve to the REST controllers
   * (ChatModule imports those modules), so a chat-made record goes through exactly the same code.
   */
  onModuleInit(): void {
    this.actions = new ChatActions({
      vitals: this.vitals,
      lab: this.lab,
      food: this.food,
      tracking: this.tracking,
      medication: this.medication,
      alarms: this.alarmsService,
      lookups: this.lookups,
      clock: this.clock,
    });
  }

  /** The provider that phrases replies ('offline' without a key). */
  get providerName(): string {
    return this.phraser.provider.name;
  }

  async chat(user: AuthUser, dto: ChatRequestDto): Promise<ChatResponseDto> {
    const turn: Turn = {
      user,
      message: dto.message,
      locale: dto.locale ?? 'en-IN',
      channel: dto.channel ?? 'text',
    };
    // Triage first: an emergency is answered before — and without — the quota, any model or any lookup but
    // the primary contact (see "Never blocked" in docs/chat-and-voice.md).
    const local = detectEmergency(dto.message);
    if (local.emergency) return this.emergency(turn, local, 'local', null);

    const refused = await this.quota.take(user.id).then(
      () => null,
      (e: unknown) => e,
    );
    if (refused) return this.overQuota(turn, local, refused);
    const { input, intent } = understand(dto.message);
    // Run while the turn is acted on and phrased: the model's safety opinion (bounded by its own budget) and
    // whether an alarm was raised for this user in the last 30 minutes.
    const opinion = this.safety.check(dto.message, local.language);
    const afterAlarm = this.recentAlarms.recent(user.id).catch(() => false);
    const zone = await this.store.zoneOf(user.id);
    const done = await this.actions.run(intent, user, input, zone);
    const phrased = await this.phraser.phrase({
      message: input.original,
      locale: turn.locale,
      style: input.style,
      intent,
      actions: done.actions,
      facts: done.facts,
      draft: done.draft,
    });
    const alarm = await opinion;
    if (alarm) return this.emergency(turn, alarm, 'model', done.actions);

    let reply = phrased.text;
    let emergency: ChatEmergencyDto | null = null;
    if (await afterAlarm) {
      // A "yes" or "what do I do" after an alarm: the safety line comes first, whatever the reply.
      reply = `${followUpLine(local.language)} ${reply}`;
      emergency = await this.followUp(user, local.language);
    }
    return this.respond(turn, {
      intent,
      reply,
      provider: phrased.provider,
      actions: done.actions,
      emergency,
      alarm: null,
      zone,
    });
  }

  /**
   * The fixed emergency reply, for a local alarm (`actions` null: a reading in the message is still recorded)
   * or for the model's (the turn was already acted on). Never phrased by a model; a failure to store the
   * exchange is logged, not turned into an error — the person gets the safety text either way.
   */
  private async emergency(
    turn: Turn,
    result: TriageResult,
    source: 'local' | 'model',
    actions: ActionTaken[] | null,
  ): Promise<ChatResponseDto> {
    const { user } = turn;
    const [contact, zone] = await Promise.all([
      this.lookups.primaryContact(user).catch(() => null),
      this.store.zoneOf(user.id).catch(() => this.config.defaultTimezone),
    ]);
    const taken = actions ?? (await this.recordReading(user, turn.message));
    for (const category of new Set(result.flags)) alarms.inc({ category, language: result.language });
    await this.recentAlarms.mark(user.id).catch(() => undefined);
    const response = await this.respond(turn, {
      intent: 'emergency',
      reply: emergencyReply(result, contact),
      provider: 'triage',
      actions: taken,
      emergency: {
        flags: result.flags,
        categories: result.findings,
        language: result.language,
        alert_route: ALERT_ROUTE,
        has_primary_contact: contact !== null,
        source,
        follow_up: false,
      },
      alarm: { categories: result.flags, findings: result.findings, source, language: result.language },
      zone,
    });
    // The care circle hears of it (members who asked for chat red flags); never delays or fails the reply.
    void this.care.notifyRedFlag(user.id, result.flags, response.id).catch(() => 0);
    return response;
  }

  /** Past the quota, a "what do I do" after an alarm still gets the safety line (fixed text: no model, no action). */
  private async overQuota(turn: Turn, local: TriageResult, refused: unknown): Promise<ChatResponseDto> {
    if (!(await this.recentAlarms.recent(turn.user.id).catch(() => false))) throw refused;
    return this.respond(turn, {
      intent: understand(turn.message).intent,
      reply: followUpLine(local.language),
      provider: 'triage',
      actions: [],
      emergency: await this.followUp(turn.user, local.language),
      alarm: null,
      zone: await this.store.zoneOf(turn.user.id).catch(() => this.config.defaultTimezone),
    });
  }

  /** `metadata.emergency` of a reply that follows an alarm of the last 30 minutes without being one. */
  private async followUp(user: AuthUser, language: TriageLanguage): Promise<ChatEmergencyDto> {
    const contact = await this.lookups.primaryContact(user).catch(() => null);
    return {
      flags: [],
      categories: [],
      language,
      alert_route: ALERT_ROUTE,
      has_primary_contact: contact !== null,
      source: null,
      follow_up: true,
    };
  }

  /**
   * A reading in a red-flag message ("sugar 450") is kept, through the same validation as the vitals route; a
   * named lab test ("fasting sugar report 450") is kept as a lab result instead.
   */
  private async recordReading(user: AuthUser, message: string): Promise<ActionTaken[]> {
    const text = normalise(triageWindow(message)).text;
    const taken: ActionTaken[] = [];
    const lab = extractLab(text);
    if (lab) {
      const zone = await this.store.zoneOf(user.id);
      const rec = await this.actions.recordLab(user, lab, zone).catch(() => null);
      if (rec) taken.push({ type: 'lab_result', id: rec.id, summary: 'lab result recorded' });
    }
    // A meter reading said beside a lab value ("HbA1c 7.2 but sugar 35 and confused") is often the one that raised
    // the alarm: it is read from the clauses that name no lab test, so both are kept.
    const reading = extractVitals(lab ? clausesWithoutLab(text) : text);
    if (!hasVitals(reading)) return taken;
    const { record } = await this.actions.recordVitals(user, reading).catch(() => ({ record: null }));
    if (record) taken.push({ type: 'vitals', id: record.id, summary: 'reading recorded' });
    return taken;
  }

  /** Stores both messages (the alarm, if any, in their payloads) and builds the response. */
  private async respond(turn: Turn, out: TurnOutcome): Promise<ChatResponseDto> {
    const { user, locale, channel } = turn;
    const reply = applyLocaleRule(out.reply, locale);
    // An over-long emergency message is kept as its triaged part (the body limit would allow ~1 MB).
    const userMessage = triageWindow(turn.message);
    messages.inc({ intent: out.intent, channel });
    const id = newId();
    const now = this.clock.now();
    const actions = out.actions.map((a) => ({ type: a.type, id: a.id }));
    const base = { locale, channel, user_id: user.id, ...(out.alarm ? { emergency: out.alarm } : {}) };
    const stored = this.gateway.storeMany([
      {
        contextId: `chat:${id}_user`,
        userId: user.id,
        kind: 'observation',
        source: 'user',
        occurredAt: now,
        links: { related_to: [`person:${user.id}`] },
        payload: {
          kind: 'chat_message',
          data: { role: 'user', content: userMessage, ...base, timestamp: now.toISOString() },
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
            intent: out.intent,
            ...base,
            timestamp: new Date(now.getTime() + 1).toISOString(),
            actions,
          },
        } satisfies ChatMessagePayload,
      },
    ]);
    if (out.alarm) {
      await stored.catch((e: Error) => this.log.error(`emergency exchange not stored: ${e.message}`));
    } else {
      await stored;
    }
    return {
      id,
      user_id: user.id,
      user_message: userMessage,
      assistant_message: reply,
      intent: out.intent,
      created_at: zonedIso(now, out.zone),
      metadata: { locale, channel, actions, provider: out.provider, emergency: out.emergency },
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
      emergency: d.emergency ?? null,
    };
  }
}

/** The clauses of a message (the pipeline's own split) that name no lab test. */
function clausesWithoutLab(text: string): string {
  return clauses(text)
    .filter((clause) => !labTestNamed(clause))
    .join(', ');
}
