import { formatClockTime } from '../schedule/local-time.js';

export const ALARM_TYPES = ['medication', 'water', 'meal', 'meditation', 'appointment'] as const;
export type AlarmType = (typeof ALARM_TYPES)[number];

/** The original scheduler's default texts (services/alarms/scheduler.py), used when an alarm has no message. */
export function defaultAlarmMessage(type: string, title: string): string {
  switch (type) {
    case 'medication':
      return `Time to take ${title}`;
    case 'water':
      return 'Time to drink water';
    case 'meal':
      return `Time for ${title}`;
    case 'meditation':
      return 'Time for your meditation session';
    case 'appointment':
      return `Upcoming appointment: ${title}`;
    default:
      return title;
  }
}

/** Reminder of a medication schedule: "Time to take Metformin (500mg)". */
export function medicationMessage(name: string, dosage?: string | null): string {
  return dosage ? `Time to take ${name} (${dosage})` : `Time to take ${name}`;
}

export function missedDoseMessage(name: string, localTime: string): string {
  return `Missed dose: ${name} was due at ${localTime} and no dose has been logged`;
}

/**
 * Appointment reminder, as the original worded it, with the clock time in the user's zone:
 * "You have an appointment with Dr. Rao at 4:30 PM" (+ " (in 30 minutes)" when the lead time is known).
 */
export function appointmentMessage(
  doctorName: string | null | undefined,
  at: Date,
  zone: string,
  minutesBefore?: number,
): string {
  const base = `You have an appointment with ${doctorName || 'doctor'} at ${formatClockTime(at, zone)}`;
  if (!minutesBefore || minutesBefore <= 0) return base;
  return `${base} (${inMinutes(minutesBefore)})`;
}

/** "in 30 minutes", "in 1 hour", "in 2 hours 15 minutes", "in 1 day". */
export function inMinutes(minutes: number): string {
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  const parts: string[] = [];
  if (d) parts.push(`${d} day${d === 1 ? '' : 's'}`);
  if (h) parts.push(`${h} hour${h === 1 ? '' : 's'}`);
  if (m || parts.length === 0) parts.push(`${m} minute${m === 1 ? '' : 's'}`);
  return `in ${parts.join(' ')}`;
}
