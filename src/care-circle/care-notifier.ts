import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { UserEntity } from '../auth/entities/user.entity.js';
import { Clock } from '../common/clock.js';
import { RecordEvents, type RecordChange } from '../common/record-events.js';
import { outsideRequest } from '../common/request-context.js';
import { EmergencyAlertChannel, type EmergencyAlertMessage } from '../health-data/emergency/alert-channel.js';
import { LocusGraphGateway } from '../locusgraph/locusgraph.gateway.js';
import { counter } from '../ops/metrics.js';
import { NotificationsService } from '../reminders/notifications/notifications.service.js';
import type { NotificationStatus } from '../reminders/reminder.records.js';
import { ReminderScheduler, type MissedDoseEvent } from '../reminders/scheduler/reminder-scheduler.js';
import { CareCircleService } from './care-circle.service.js';
import type { CareNotifyKind } from './care.model.js';

const sent = counter({
  name: 'podd_care_notifications_total',
  help: 'Care-circle notifications by kind and outcome (sent = created and pushed to a member; duplicate = already there, a replay or another replica; failed)',
  labelNames: ['kind', 'outcome'] as const,
});

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
export function dangerousVitals(p: Record<string, unknown>): string[] {
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
export class CareNotifier implements OnModuleInit {
  private readonly log = new Logger('CareNotifier');

  constructor(
    private readonly care: CareCircleService,
    private readonly notifications: NotificationsService,
    private readonly scheduler: ReminderScheduler,
    private readonly alerts: EmergencyAlertChannel,
    private readonly events: RecordEvents,
    private readonly gateway: LocusGraphGateway,
    private readonly clock: Clock,
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
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
      data: {
        alert_id: alert.alertId,
        type: alert.type,
        severity: alert.severity,
        description: alert.description,
        location: alert.location,
        latitude: alert.latitude,
        longitude: alert.longitude,
        created_at: alert.createdAt.toISOString(),
      },
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
    if (change.op !== 'store' || !change.userId) return;
    const rec = await this.gateway.get(change.contextId);
    if (!rec || rec.userId !== change.userId) return;
    const flags = dangerousVitals(rec.payload);
    if (!flags.length) return;
    await this.notify(change.userId, {
      kind: 'dangerous_reading',
      key: change.contextId,
      title: (o) => `${o}: a dangerous reading`,
      message: (o) => `${o} logged a reading that needs attention now: ${flags.join(', ')}.`,
      dueAt: this.clock.now(),
      data: { vitals_id: rec.id, flags },
    });
  }

  /** Creates the member copies that do not exist yet and pushes them; returns how many were new. */
  private async notify(ownerId: string, ev: CareEvent): Promise<number> {
    const members = await this.care.recipients(ownerId, ev.kind);
    if (!members.length) return 0;
    try {
      const owner = (await this.users.findOneBy({ id: ownerId }))?.name?.trim() || 'Someone you care for';
      const created = await this.notifications.createAndDeliver(
        members.map((m) => ({
          userId: m.memberId,
          occurrenceKey: `care:${ev.kind}:${ev.key}@member:${m.memberId}`,
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
