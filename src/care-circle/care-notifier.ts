import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnModuleInit,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { UserEntity } from '../auth/entities/user.entity.js';
import { Clock } from '../common/clock.js';
import { RecordEvents, type RecordChange } from '../common/record-events.js';
import { outsideRequest } from '../common/request-context.js';
import {
  alertNotificationData,
  EmergencyAlertChannel,
  type EmergencyAlertMessage,
} from '../health-data/emergency/alert-channel.js';
import type { AdherenceQuery } from '../health-data/medication/medication.dto.js';
import { MedicationService } from '../health-data/medication/medication.service.js';
import { RecordStore } from '../health-data/records/record-store.js';
import { localDate, zonedIso } from '../health-data/records/time.js';
import { LocusGraphGateway } from '../locusgraph/locusgraph.gateway.js';
import { splitContextId } from '../locusgraph/locusgraph.types.js';
import { counter } from '../ops/metrics.js';
import { NotificationsService } from '../reminders/notifications/notifications.service.js';
import { NOTIFICATION, notificationIdForKey, type NotificationStatus } from '../reminders/reminder.record.js';
import { ReminderScheduler, type MissedDoseEvent } from '../reminders/scheduler/reminder-scheduler.js';
import { CareCircleService, type Grant } from './care-circle.service.js';
import type { CareNotifyKind } from './care.model.js';

const sent = counter({
  name: 'podd_care_notifications_total',
  help: 'Care-circle notifications by kind and outcome (sent = created and pushed to a member; duplicate = already there, a replay or another replica; failed)',
  labelNames: ['kind', 'outcome'] as const,
});

const SUMMARY_TICK_MS = 60_000;

/** The occurrence key of a member's copy of an event: the notification id derives from it. */
const careKey = (kind: CareNotifyKind, key: string, memberId: string): string =>
  `care:${kind}:${key}@member:${memberId}`;

/** What a care notification says (the member's copy of an event about the owner). */
interface CareEvent {
  kind: CareNotifyKind;
  /** Identifies the event: with the member it makes the notification id, so a replay cannot duplicate it. */
  key: string;
  title: (owner: string) => string;
  message: (owner: string) => string;
  dueAt: Date;
  status?: NotificationStatus;
  data?: Record<string, unknown>;
}

/** Red-flag thresholds of a vitals reading (well beyond the insights' out-of-range bands). */
export function dangerousVitals(p: Readonly<Record<string, unknown>>): string[] {
  const n = (k: string): number | null => (typeof p[k] === 'number' ? (p[k] as number) : null);
  const out: string[] = [];
  const sys = n('blood_pressure_systolic');
  const dia = n('blood_pressure_diastolic');
  const sugar = n('blood_sugar');
  const spo2 = n('spo2');
  const pulse = n('heart_rate');
  const temp = n('temperature');
  if ((sys !== null && sys >= 180) || (dia !== null && dia >= 120)) out.push('blood pressure');
  if (sugar !== null && (sugar < 54 || sugar > 400)) out.push('blood sugar');
  if (spo2 !== null && spo2 < 90) out.push('oxygen saturation');
  if (pulse !== null && (pulse < 40 || pulse > 140)) out.push('pulse');
  if (temp !== null && temp >= 40) out.push('temperature');
  return out;
}

/**
 * Tells a person's caregivers what matters, once: emergency alerts the owner raises, missed doses (found by
 * the reminder scheduler in the owner's zone), dangerous vitals readings and chat red flags. Each goes only to
 * accepted caregivers who asked for that kind and hold the scope it reveals (CareCircleService.recipients),
 * as a notification in the member's account (list, WebSocket, webhook — NotificationsService). Its id derives
 * from (event, member) and is created with create-only semantics, so a replay, a retry or a second replica
 * meets the existing record instead of notifying twice.
 *
 * The work runs outside the request that caused it: it is the service acting, not the owner reading.
 */
@Injectable()
export class CareNotifier implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = new Logger('CareNotifier');
  private summaryTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly care: CareCircleService,
    private readonly notifications: NotificationsService,
    private readonly scheduler: ReminderScheduler,
    private readonly alerts: EmergencyAlertChannel,
    private readonly events: RecordEvents,
    private readonly gateway: LocusGraphGateway,
    private readonly clock: Clock,
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly zones: RecordStore,
    private readonly meds: MedicationService,
  ) {}

  onModuleInit(): void {
    this.alerts.subscribe((alert) => outsideRequest(() => this.onEmergency(alert)));
    this.scheduler.onMissedDose((e) => this.onMissedDose(e));
    this.events.on(['vitals'], (change) => outsideRequest(() => this.onVitals(change)));
    // Account erasure (gateway.deleteAllForUser, awaited before the account row goes): links end with it.
    this.events.on(['user'], async (change) => {
      if (change.op === 'delete' && change.userId) await this.care.forgetUser(change.userId);
    });
  }

  onApplicationBootstrap(): void {
    // Each minute: summaries whose time has come in the member's zone (ids keep them once a day, on any replica).
    this.summaryTimer = setInterval(() => {
      outsideRequest(() => this.sendDailySummaries()).catch((e: unknown) =>
        this.log.warn(`daily summaries failed: ${(e as Error).message}`),
      );
    }, SUMMARY_TICK_MS);
    this.summaryTimer.unref();
  }

  beforeApplicationShutdown(): void {
    if (this.summaryTimer) clearInterval(this.summaryTimer);
  }

  /**
   * Sends each daily summary that is due: the member's chosen HH:MM has passed today in the member's zone and
   * today's summary does not exist yet. Counts only, of the granted categories (doses of the owner's day,
   * vitals readings of the last 24 hours). Returns how many were sent.
   */
  async sendDailySummaries(): Promise<number> {
    let created = 0;
    for (const g of await this.care.summaryGrants()) {
      const now = this.clock.now();
      const zone = await this.zones.zoneOf(g.memberId);
      if (!g.summaryTime || zonedIso(now, zone).slice(11, 16) < g.summaryTime) continue;
      const date = localDate(now, zone);
      const key = `${g.ownerId}@${date}`;
      const id = notificationIdForKey(careKey('daily_summary', key, g.memberId));
      if (await this.gateway.get(`${NOTIFICATION}:${id}`)) continue;
      const parts = await this.summaryOf(g, now);
      created += await this.notify(
        g.ownerId,
        {
          kind: 'daily_summary',
          key,
          title: (o) => `Today for ${o}`,
          message: (o) => (parts.length ? `${o}: ${parts.join('; ')}.` : `Nothing logged by ${o} today.`),
          dueAt: now,
          data: { date },
        },
        [g],
      );
    }
    return created;
  }

  private async summaryOf(g: Grant, now: Date): Promise<string[]> {
    const parts: string[] = [];
    if (g.scopes.includes('medication')) {
      const today = localDate(now, await this.zones.zoneOf(g.ownerId));
      const q = { date_from: today, date_to: today } as AdherenceQuery;
      const { overall } = await this.meds.adherence({ id: g.ownerId, email: '', name: '', jti: '' }, q);
      if (overall.scheduled)
        parts.push(
          `doses ${overall.taken + overall.late} taken, ${overall.missed} missed of ${overall.scheduled}`,
        );
    }
    if (g.scopes.includes('vitals')) {
      const readings = await this.gateway.list({
        userId: g.ownerId,
        type: 'vitals',
        from: new Date(now.getTime() - 86_400_000),
        limit: 500,
      });
      const dangerous = readings.items.filter((r) => dangerousVitals(r.payload).length).length;
      if (readings.items.length) parts.push(`${readings.items.length} readings, ${dangerous} dangerous`);
    }
    return parts;
  }

  /**
   * A chat triage alarm of the owner (the chat pipeline calls this after a red flag): caregivers who opted in
   * to `chat_red_flag` are told which categories were flagged — never the words of the conversation.
   * `eventKey` (e.g. the chat message id) makes repeats of the same event collapse; without one, repeats
   * within the same minute do.
   */
  async notifyRedFlag(ownerId: string, categories: string[], eventKey?: string): Promise<number> {
    const what = [...new Set(categories)].sort();
    const now = this.clock.now();
    const key = eventKey ?? `${what.join(',')}@${Math.floor(now.getTime() / 60_000)}`;
    return outsideRequest(() =>
      this.notify(ownerId, {
        kind: 'chat_red_flag',
        key: `chat:${key}`,
        title: (o) => `${o} may need help`,
        message: (o) =>
          `${o} described something that can be serious${what.length ? ` (${what.join(', ')})` : ''}. Please check on them.`,
        dueAt: now,
        data: { categories: what },
      }),
    );
  }

  private async onEmergency(alert: EmergencyAlertMessage): Promise<void> {
    await this.notify(alert.userId, {
      kind: 'emergency_alert',
      key: `emergency_alert:${alert.alertId}`,
      title: (o) => `Emergency alert from ${o}`,
      message: (o) =>
        [`${o} needs help: ${alert.type} (${alert.severity})`, alert.description?.trim()]
          .filter(Boolean)
          .join('. '),
      dueAt: alert.createdAt,
      data: alertNotificationData(alert),
    });
  }

  /** Awaited by the scheduler: a failure here makes the missed-dose check retry (ids keep it once). */
  private async onMissedDose(e: MissedDoseEvent): Promise<void> {
    await outsideRequest(() =>
      this.notify(e.userId, {
        kind: 'missed_dose',
        key: `${e.occurrenceKey}#missed`,
        title: (o) => `${o} missed a dose: ${e.medicationName}`,
        message: (o) => `${o} has not logged ${e.medicationName} due at ${e.localTime} (their time).`,
        dueAt: e.dueAt,
        status: e.onTime ? 'sent' : 'missed',
        data: { medication_name: e.medicationName, local_time: e.localTime },
      }),
    );
  }

  private async onVitals(change: RecordChange): Promise<void> {
    if (change.op !== 'store' || !change.userId || !change.payload) return;
    const flags = dangerousVitals(change.payload);
    if (!flags.length) return;
    await this.notify(change.userId, {
      kind: 'dangerous_reading',
      key: change.contextId,
      title: (o) => `${o}: a dangerous reading`,
      message: (o) => `${o} logged a reading that needs attention now: ${flags.join(', ')}.`,
      dueAt: this.clock.now(),
      data: { vitals_id: splitContextId(change.contextId).id, flags },
    });
  }

  /** Creates the member copies that do not exist yet and pushes them; returns how many were new. */
  private async notify(ownerId: string, ev: CareEvent, only?: Grant[]): Promise<number> {
    const members = only ?? (await this.care.recipients(ownerId, ev.kind));
    if (!members.length) return 0;
    try {
      const owner = (await this.users.findOneBy({ id: ownerId }))?.name?.trim() || 'Someone you care for';
      const created = await this.notifications.createAndDeliver(
        members.map((m) => ({
          userId: m.memberId,
          occurrenceKey: careKey(ev.kind, ev.key, m.memberId),
          source: `care:${ownerId}`,
          alarmId: null,
          title: ev.title(owner),
          message: ev.message(owner),
          type: 'care',
          kind: ev.kind,
          status: ev.status ?? 'sent',
          dueAt: ev.dueAt,
          data: { owner_id: ownerId, owner_name: owner, ...ev.data },
        })),
      );
      sent.inc({ kind: ev.kind, outcome: 'sent' }, created.length);
      sent.inc({ kind: ev.kind, outcome: 'duplicate' }, members.length - created.length);
      return created.length;
    } catch (e) {
      sent.inc({ kind: ev.kind, outcome: 'failed' }, members.length);
      this.log.error(`care ${ev.kind} for ${members.length} members failed: ${(e as Error).message}`);
      throw e;
    }
  }
}
