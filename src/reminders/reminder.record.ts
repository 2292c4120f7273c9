import { createHash } from 'node:crypto';
import type { StoredRecord } from '../locusgraph/locusgraph.types.js';

/**
 * Record shapes of the ReminderModule in the event store (context ids as the original's §4.2 where it had
 * them): `alarm:{id}`, `notification:{id}`, plus the scheduler's own bookkeeping `reminder_due:{id}` and the
 * per-user webhook `notification_webhook:{user_id}`.
 */

export const ALARM = 'alarm';
export const NOTIFICATION = 'notification';
export const REMINDER_DUE = 'reminder_due';
export const WEBHOOK = 'notification_webhook';

/**
 * Owner of the scheduler's due records. They are listed across users by due time (a single time-ordered
 * queue), so they cannot belong to each user; erasure is explicit (ReminderScheduler.forgetUser and the
 * daily sweep of records whose user is gone). No user id can collide: user ids are UUIDs.
 */
export const SCHEDULER_OWNER = 'system:reminder-scheduler';

export interface AlarmPayload {
  [k: string]: unknown;
  user_id: string;
  type: string;
  title: string;
  message: string | null;
  time: string;
  days_of_week: string[];
  active: boolean;
  reference_id: string | null;
}

/**
 * What a notification is about. `reminder`: an alarm / medication / appointment occurrence. The care circle
 * (src/care-circle) sends `missed_dose`, `emergency_alert`, `dangerous_reading`, `chat_red_flag` and
 * `daily_summary` about
 * the person a member cares for (type `care`).
 */
export type NotificationKind =
  | 'reminder'
  | 'missed_dose'
  | 'snooze'
  | 'emergency_alert'
  | 'dangerous_reading'
  | 'chat_red_flag'
  | 'daily_summary';

/**
 * `sent`: created and pushed when due. `missed`: the service was down past the grace window when it was
 * due; recorded (visible in the list) but not pushed late.
 */
export type NotificationStatus = 'sent' | 'missed';

export interface NotificationPayload {
  [k: string]: unknown;
  user_id: string;
  /** The alarm that produced it (original field), else null. */
  alarm_id: string | null;
  title: string;
  message: string;
  type: string;
  read: boolean;
  /** When the record was written (ISO-8601 UTC). */
  created_at: string;
  kind: NotificationKind;
  status: NotificationStatus;
  /** Context id of what produced it: `alarm:…`, `med_schedule:…`, `appointment:…`, `notification:…`, `emergency_alert:…`. */
  source: string | null;
  /** Deterministic key of the occurrence (one notification per key). */
  occurrence_key: string | null;
  /** When it was due (ISO-8601 UTC) — the list order. */
  due_at: string;
  snoozed_until: string | null;
  /** Free-form extras (e.g. the emergency alert's fields). Never logged. */
  data?: Record<string, unknown> | null;
}

/** Kinds of work in the durable due queue. */
export type DueKind = 'occurrence' | 'missed_check' | 'snooze' | 'webhook';

export interface DuePayload {
  [k: string]: unknown;
  /** The user the work is for. */
  user_id: string;
  kind: DueKind;
  /** `scheduled`: waiting for due_at; `idle`: nothing left to do (a one-off that fired, an inactive source). */
  state: 'scheduled' | 'idle';
  /** Context id of the source (alarm, med_schedule, appointment, notification). */
  source: string;
  /** Occurrence key of the next occurrence (occurrence), of the fired occurrence (missed_check), or a delivery key. */
  key: string;
  due_at: string;
  /** The zone the occurrence was computed in (the key's local date/time are in it). */
  zone: string | null;
  /** Webhook retries: attempts made so far. */
  attempts?: number;
  /** Webhook retries: the notification to deliver. */
  notification_id?: string;
}

/** 24 hex characters of SHA-256: ids derived from keys (96 bits, so distinct keys never collide in practice). */
export function derivedId(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 24);
}

/** The one notification of an occurrence: its context id is a function of the occurrence key. */
export const notificationIdForKey = (occurrenceKey: string): string =>
  derivedId(`notification|${occurrenceKey}`);

/** The due record of a unit of work: `occ|<source>` (next occurrence), `miss|<key>`, `snooze|<id>`, `hook|<id>`. */
export const dueContextId = (identity: string): string => `${REMINDER_DUE}:${derivedId(identity)}`;

export const occurrenceIdentity = (source: string): string => `occ|${source}`;

export type DueRecord = StoredRecord<DuePayload>;
export type NotificationRecord = StoredRecord<NotificationPayload>;
export type AlarmRecord = StoredRecord<AlarmPayload>;
