import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { AuthService } from '../../auth/auth.service.js';
import {
  alertNotificationData,
  EmergencyAlertChannel,
  type EmergencyAlertMessage,
} from '../../health-data/emergency/alert-channel.js';
import { EmergencyService } from '../../health-data/emergency/emergency.service.js';
import { LocusGraphGateway } from '../../locusgraph/locusgraph.gateway.js';
import { reminderMetrics } from '../reminder.metrics.js';
import { WebhookService, type WebhookDelivery } from './webhook.service.js';

/** Per-contact outcome, in the alert record's vocabulary. */
export type ContactDeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface ContactDeliveryResult {
  contact_id: string;
  status: ContactDeliveryStatus;
  /** Channels that accepted the alert: `webhook`. */
  channels: string[];
  detail: string | null;
}

const EVENT = 'emergency.alert';
const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : null);
const counted = (channel: 'webhook' | 'none', ok: boolean): void =>
  reminderMetrics.emergencyAlerts.inc({ channel, outcome: ok ? 'sent' : 'failed' });

/**
 * Delivers the emergency alerts of the health-data module (POST /api/emergency/alert hands each alert to the
 * EmergencyAlertChannel; this class subscribes) to every emergency contact that the service can reach, and
 * records the outcome per contact on the alert (EmergencyService.recordDelivery):
 * - **a webhook**: a contact with `webhook_url` gets a POST (event `emergency.alert`), signed with the
 *   contact's `webhook_secret` when it has one; failures are retried with backoff and the final outcome
 *   updates the contact's status.
 * An emergency contact's `email` never creates an in-app notification in another account: anyone can type any
 * e-mail, so in-app delivery to another Podd account goes only through an accepted care-circle link (the
 * CareNotifier subscribes to the same channel). The outcome therefore never depends on whether an e-mail has an
 * account. Podd has no e-mail, SMS or telephony provider, so a contact without a webhook is recorded `failed`
 * (the alert response lists it; the client offers to call them, and 112).
 * Delivery is idempotent per alert and contact (webhook delivery ids derive from the alert and contact ids).
 */
@Injectable()
export class EmergencyDelivery implements OnModuleInit {
  private readonly log = new Logger('EmergencyDelivery');

  constructor(
    private readonly webhooks: WebhookService,
    private readonly gateway: LocusGraphGateway,
    private readonly channel: EmergencyAlertChannel,
    private readonly emergency: EmergencyService,
    private readonly auth: AuthService,
  ) {}

  onModuleInit(): void {
    this.channel.subscribe((alert) => this.handle(alert));
    this.webhooks.onOutcome(EVENT, (d, ok) => this.onRetryOutcome(d, ok));
  }

  private async handle(alert: EmergencyAlertMessage): Promise<void> {
    const results = await this.deliver(alert);
    for (const r of results) {
      if (r.status === 'pending') continue;
      await this.emergency.recordDelivery(alert.userId, alert.alertId, r.contact_id, r.status);
    }
  }

  private async onRetryOutcome(d: WebhookDelivery, ok: boolean): Promise<void> {
    const alert = d.body.alert as { alert_id?: string } | undefined;
    const contact = d.body.contact as { id?: string } | undefined;
    if (!alert?.alert_id || !contact?.id) return;
    counted('webhook', ok);
    await this.emergency.recordDelivery(d.userId, alert.alert_id, contact.id, ok ? 'delivered' : 'failed');
  }

  /** Delivers one alert to each of its contacts; returns the outcome per contact. */
  async deliver(alert: EmergencyAlertMessage): Promise<ContactDeliveryResult[]> {
    const sender = await this.auth.principal(alert.userId);
    const { alert_id, ...rest } = alertNotificationData(alert);
    // The original's order: the alert id, who sent it, then the alert's fields.
    const data = { alert_id, from_user_id: alert.userId, from_name: sender?.name ?? null, ...rest };
    const results: ContactDeliveryResult[] = [];
    for (const d of alert.deliveries) {
      const channels: string[] = [];
      const problems: string[] = [];
      let pending = false;
      /** The channel being tried, for the metric when it throws. */
      let trying: 'webhook' | 'none' = 'none';
      try {
        const contact = await this.gateway.get(`emergency_contact:${d.contact_id}`);
        const p = contact && contact.userId === alert.userId ? contact.payload : {};
        const url = str(p.webhook_url);
        if (url) {
          trying = 'webhook';
          const r = await this.webhooks.deliver(
            { url, secretRef: `emergency_contact:${d.contact_id}` },
            {
              id: `${alert.alertId}-${d.contact_id}`,
              userId: alert.userId,
              event: EVENT,
              body: { alert: data, contact: { id: d.contact_id, name: d.name } },
            },
          );
          if (!r.retryable) counted('webhook', r.ok);
          if (r.ok) channels.push('webhook');
          else if (r.retryable) pending = true;
          else problems.push(`webhook ${r.error ?? 'failed'}`);
        } else problems.push('no webhook for this contact (the service cannot send e-mail, SMS or calls)');
        if (!channels.length && !url) counted('none', false);
      } catch (e) {
        counted(trying, false);
        problems.push('delivery error');
        this.log.error(`emergency alert ${alert.alertId}, contact ${d.contact_id}: ${(e as Error).message}`);
      }
      const status: ContactDeliveryStatus = channels.length ? 'delivered' : pending ? 'pending' : 'failed';
      results.push({ contact_id: d.contact_id, status, channels, detail: problems.join('; ') || null });
    }
    this.log.log(
      `emergency alert ${alert.alertId}: ${results.filter((r) => r.status === 'delivered').length}/${results.length} contacts reached`,
    );
    return results;
  }
}
