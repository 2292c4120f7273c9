import { counter, gauge, histogram } from '../ops/metrics.js';

/** Prometheus metrics of the ReminderModule (served at GET /metrics). */
export const reminderMetrics = {
  fired: counter({
    name: 'podd_reminders_fired_total',
    help: 'Reminder occurrences handled, by source type and outcome (sent = pushed on time; missed = recorded, not pushed, after downtime)',
    labelNames: ['source', 'outcome'] as const,
  }),
  missedDoses: counter({
    name: 'podd_missed_doses_total',
    help: 'Medication occurrences with no dose log within MISSED_DOSE_WINDOW_MINUTES (one missed-dose notification each)',
  }),
  lateness: histogram({
    name: 'podd_reminder_lateness_seconds',
    help: 'Fire time minus due time of reminders that were sent',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900],
  }),
  duplicatesPrevented: counter({
    name: 'podd_reminder_duplicates_prevented_total',
    help: 'Occurrences whose notification already existed (a retry or another replica got there first)',
  }),
  pushed: counter({
    name: 'podd_notifications_pushed_total',
    help: 'Notifications handed to the real-time channel (once per notification, whatever the number of sockets)',
  }),
  wsConnections: gauge({
    name: 'podd_notification_ws_connections',
    help: 'Open notification WebSocket connections on this instance',
  }),
  webhooks: counter({
    name: 'podd_webhook_deliveries_total',
    help: 'Outgoing webhook delivery attempts by outcome',
    labelNames: ['outcome'] as const,
  }),
  emergencyAlerts: counter({
    name: 'podd_emergency_alerts_total',
    help: 'Emergency alert deliveries per contact and channel (podd_account, webhook, none = no channel could reach the contact), by outcome: sent | failed (webhook retries count once, at their final outcome)',
    labelNames: ['channel', 'outcome'] as const,
  }),
  dueErrors: counter({
    name: 'podd_reminder_processing_errors_total',
    help: 'Due-queue items whose processing failed (retried later)',
  }),
};
