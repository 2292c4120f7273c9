/**
 * The consent vocabulary of the care circle: roles, record scopes and notification kinds, and which scope each
 * kind of notification needs (a notification says something about a record category, so it is only sent to a
 * member who may see that category). See docs/care-circle.md.
 */

export const CARE_ROLES = ['caregiver', 'viewer'] as const;
export type CareRole = (typeof CARE_ROLES)[number];

/** Record categories a member may read, plus `medication:write` (may mark a dose taken). */
export const CARE_SCOPES = [
  'vitals',
  'medication',
  'food_water',
  'sleep',
  'exercise_mood',
  'appointments',
  'lab_results',
  'emergency',
  'medication:write',
] as const;
export type CareScope = (typeof CARE_SCOPES)[number];

export const CARE_NOTIFY_KINDS = [
  'missed_dose',
  'emergency_alert',
  'chat_red_flag',
  'dangerous_reading',
  'daily_summary',
] as const;
export type CareNotifyKind = (typeof CARE_NOTIFY_KINDS)[number];

/**
 * The scope a notification kind reveals (and therefore needs). The daily summary needs none of its own: it only
 * ever summarises the categories granted (medication adherence, vitals readings).
 */
export const NOTIFY_NEEDS: Record<CareNotifyKind, CareScope | null> = {
  missed_dose: 'medication',
  emergency_alert: 'emergency',
  chat_red_flag: 'emergency',
  dangerous_reading: 'vitals',
  daily_summary: null,
};

export type InvitationStatus = 'pending' | 'accepted' | 'declined' | 'cancelled' | 'revoked' | 'expired';

export const INVITATION_TTL_MS = 7 * 86_400_000;
export const MAX_MEMBERS = 10;
export const MAX_PENDING = 20;
/** Invitations and requests a user may send per hour (CounterStore window). */
export const INVITES_PER_HOUR = 30;
