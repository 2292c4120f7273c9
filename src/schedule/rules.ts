/**
 * Occurrence rules: what a reminder source (alarm, medication schedule, appointment, snooze) means in time.
 * Pure values, shared by the scheduler, the adherence classifier and the health-data module.
 */

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** A wall-clock time on some weekdays, in the user's zone. Empty `days` means every day. */
export interface WeeklyRule {
  kind: 'weekly';
  /** `HH:MM`, 24 h, zero-padded. */
  time: string;
  days: Weekday[];
  /** Occurrences before this instant do not exist (e.g. the schedule's creation). Optional. */
  notBefore?: Date;
}

/** One instant (e.g. an appointment) minus a lead time in minutes. */
export interface OnceRule {
  kind: 'once';
  at: Date;
  minutesBefore: number;
}

export type OccurrenceRule = WeeklyRule | OnceRule;

/** The original's messages (alarms.py) — kept word for word. */
export const INVALID_TIME_MESSAGE = 'Invalid time format. Use HH:MM (24-hour format)';
export const invalidDayMessage = (day: string): string =>
  `Invalid day: ${day}. Use 3-letter lowercase format (mon, tue, wed, thu, fri, sat, sun)`;

/**
 * Parses a 24-hour `HH:MM` time the way the original's `strptime("%H:%M")` did (one or two digits each,
 * nothing else), and returns it zero-padded. Null when invalid.
 */
/** The strings parseTimeOfDay accepts (`H:MM`/`HH:MM`, 24 hours), as a pattern for the API document. */
export const TIME_OF_DAY = /^(?:[01]?[0-9]|2[0-3]):[0-5]?[0-9]$/;
/** One day parseDays accepts (any case, surrounding spaces ignored), as a pattern for the API document. */
export const DAY_OF_WEEK =
  /^ *(?:[Mm][Oo][Nn]|[Tt][Uu][Ee]|[Ww][Ee][Dd]|[Tt][Hh][Uu]|[Ff][Rr][Ii]|[Ss][Aa][Tt]|[Ss][Uu][Nn]) *$/;

export function parseTimeOfDay(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const m = /^(\d{1,2}):(\d{1,2})$/.exec(value);
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (h > 23 || min > 59) return null;
  return `${String(h).padStart(2, '0')}:${String(min).padStart(2, '0')}`;
}

/** Lower-cases and checks 3-letter days. Returns the normalised list, or the first invalid value as sent. */
export function parseDays(values: unknown): { days: Weekday[] } | { invalid: string } {
  if (!Array.isArray(values)) return { invalid: String(values) };
  const out: Weekday[] = [];
  for (const v of values) {
    const d = typeof v === 'string' ? v.trim().toLowerCase() : '';
    if (!(WEEKDAYS as readonly string[]).includes(d))
      return { invalid: typeof v === 'string' ? v : JSON.stringify(v) };
    if (!out.includes(d as Weekday)) out.push(d as Weekday);
  }
  return { days: out };
}

/** A weekly rule from stored fields, or null when they cannot describe one (bad time or days). */
export function weeklyRule(time: unknown, days: unknown, notBefore?: Date): WeeklyRule | null {
  const t = parseTimeOfDay(time);
  if (!t) return null;
  const d = days === undefined || days === null ? { days: [] as Weekday[] } : parseDays(days);
  if ('invalid' in d) return null;
  return { kind: 'weekly', time: t, days: d.days, ...(notBefore ? { notBefore } : {}) };
}
