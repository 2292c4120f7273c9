import { Injectable, Logger } from '@nestjs/common';
import type { AlertPayload } from './emergency.record.js';

/** What the notification channel receives for each alert (ids and contacts; the alert text is for the message). */
export type EmergencyAlertMessage = Pick<
  AlertPayload,
  'type' | 'severity' | 'description' | 'location' | 'latitude' | 'longitude' | 'deliveries'
> & { alertId: string; userId: string; createdAt: Date };

/** What a notification about an alert carries (to its contacts and to the care circle), in snake_case. */
export function alertNotificationData(alert: EmergencyAlertMessage): Record<string, unknown> {
  return {
    alert_id: alert.alertId,
    type: alert.type,
    severity: alert.severity,
    description: alert.description,
    location: alert.location,
    latitude: alert.latitude,
    longitude: alert.longitude,
    created_at: alert.createdAt.toISOString(),
  };
}

export type EmergencyAlertHandler = (alert: EmergencyAlertMessage) => void | Promise<void>;

/**
 * The port between emergency alerts and whatever delivers them (the ReminderModule's notification channel
 * subscribes: `channel.subscribe(handler)` in its onModuleInit, then reports each contact's outcome through
 * `EmergencyService.recordDelivery`). Without a subscriber an alert stays recorded as `pending` for every
 * contact — nothing is lost, the deliverer can pick pending alerts up when it starts.
 */
@Injectable()
export class EmergencyAlertChannel {
  private readonly log = new Logger('EmergencyAlertChannel');
  private readonly handlers: EmergencyAlertHandler[] = [];

  subscribe(handler: EmergencyAlertHandler): void {
    this.handlers.push(handler);
  }

  get subscribed(): boolean {
    return this.handlers.length > 0;
  }

  /** Hands an alert to every subscriber, asynchronously; a failing subscriber is logged (ids only). */
  publish(alert: EmergencyAlertMessage): void {
    if (!this.handlers.length) {
      this.log.warn(
        `emergency alert ${alert.alertId}: no delivery channel subscribed, ${alert.deliveries.length} deliveries pending`,
      );
      return;
    }
    for (const h of this.handlers) {
      Promise.resolve()
        .then(() => h(alert))
        .catch((e: unknown) =>
          this.log.error(`emergency alert ${alert.alertId}: channel failed: ${(e as Error).name}`),
        );
    }
  }
}
