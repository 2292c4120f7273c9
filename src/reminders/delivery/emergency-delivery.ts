import { Injectable, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { AuthService } from '../../auth/auth.service.js';
import { Clock } from '../../common/clock.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { WebhookService } from './webhook.service.js';

/** An emergency contact as the alert hands it over (the fields of `emergency_contact:{id}`). */
export interface AlertContact {
  /** Contact record id. */
  id: string;
  name: string;
  phone?: string | null;
  /** When it is the email of a Podd account, the alert lands in that account (notification + push). */
  email?: string | null;
  /** When set, the alert is POSTed there, signed with `webhook_secret` (HMAC-SHA256, like user webhooks). */
  webhook_url?: string | null;
  webhook_secret?: string | null;
}

export interface EmergencyAlert {
  /** Alert record id (`emergency_alert:{id}`). */
  id: string;
  userId: string;
  /** Display name of the person in need (the account name). */
  userName?: string | null;
  type: string;
  severity: string;
  description?: string | null;
  location?: unknown;
  createdAt: Date;
  contacts: AlertContact[];
}

export type ContactDeliveryStatus = 'delivered' | 'pending' | 'failed' | 'unreachable';

export interface ContactDeliveryResult {
  contact_id: string;
  status: ContactDeliveryStatus;
  /** Channels that took the alert: `podd_account`, `webhook`. */
  channels: string[];
  detail: string | null;
}

/**
 * Delivers an emergency alert to each emergency contact through every channel the contact can be reached on:
 * - a Podd account: a contact whose `email` is a registered account's email gets a notification
 *   (kind `emergency_alert`, type `emergency`) in that account, pushed to their app/device in real time;
 * - a webhook: a contact with `webhook_url` gets a signed POST (retried with backoff when it fails).
 * Phone numbers are kept for display: Podd sends no SMS and places no calls (no telephony provider is
 * configured), so a contact reachable by phone only is reported `unreachable` — the client should offer to
 * call them (and 112). Status per contact: `delivered` (at least one channel accepted it now), `pending` (a
 * webhook failed and is being retried), `failed` (every channel failed for good), `unreachable`.
 * Idempotent per alert and contact (notification ids derive from `emergency_alert:{id}` + contact id).
 */
@Injectable()
export class EmergencyDelivery {
  private readonly log = new Logger('EmergencyDelivery');

  constructor(
    private readonly notifications: NotificationsService,
    private readonly webhooks: WebhookService,
    private readonly clock: Clock,
    private readonly moduleRef: ModuleRef,
  ) {}

  async deliver(alert: EmergencyAlert): Promise<ContactDeliveryResult[]> {
    const auth = this.moduleRef.get(AuthService, { strict: false });
    const source = `emergency_alert:${alert.id}`;
    const who = alert.userName?.trim() || 'Someone who listed you as an emergency contact';
    const title = `Emergency alert from ${who}`;
    const message = [`${who} needs help: ${alert.type} (${alert.severity})`, alert.description?.trim()]
      .filter(Boolean)
      .join('. ');
    const data = {
      alert_id: alert.id,
      from_user_id: alert.userId,
      from_name: alert.userName ?? null,
      type: alert.type,
      severity: alert.severity,
      description: alert.description ?? null,
      location: alert.location ?? null,
      created_at: alert.createdAt.toISOString(),
    };
    const results: ContactDeliveryResult[] = [];
    for (const c of alert.contacts) {
      const channels: string[] = [];
      const problems: string[] = [];
      let pending = false;
      const email = c.email?.trim().toLowerCase();
      if (email) {
        const account = await auth.findByEmail(email);
        if (account && account.id !== alert.userId) {
          await this.notifications.createAndDeliver([
            {
              userId: account.id,
              occurrenceKey: `${source}@contact:${c.id}`,
              source,
              alarmId: null,
              title,
              message,
              type: 'emergency',
              kind: 'emergency_alert',
              status: 'sent',
              dueAt: this.clock.now(),
              data,
            },
          ]);
          channels.push('podd_account');
        }
      }
      if (c.webhook_url) {
        const r = await this.webhooks.deliver(
          { url: c.webhook_url, secretRef: `emergency_contact:${c.id}` },
          {
            id: `${alert.id}-${c.id}`,
            userId: alert.userId,
            event: 'emergency.alert',
            body: { alert: data, contact: { id: c.id, name: c.name } },
          },
        );
        if (r.ok) channels.push('webhook');
        else if (r.retryable) pending = true;
        else problems.push(`webhook ${r.error ?? 'failed'}`);
      }
      const status: ContactDeliveryStatus = channels.length
        ? 'delivered'
        : pending
          ? 'pending'
          : problems.length
            ? 'failed'
            : 'unreachable';
      results.push({
        contact_id: c.id,
        status,
        channels,
        detail:
          status === 'unreachable'
            ? 'No Podd account or webhook for this contact; call them by phone'
            : problems.join('; ') || null,
      });
    }
    this.log.log(
      `emergency alert ${alert.id}: ${results.filter((r) => r.status === 'delivered').length}/${results.length} contacts reached`,
    );
    return results;
  }
}
