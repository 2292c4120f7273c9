import { offsetAt, resolveLocalDay, wallClockOf, type LocalResolution } from './local-time.js';
import { WEEKDAYS, type OccurrenceRule, type WeeklyRule } from './rules.js';

/**
 * One occurrence of a rule: when it fires and the deterministic key every replica computes for it.
 *
 * Keys:
 * - weekly rules: `<sourceContextId>@<local date>T<HH:MM>` with the rule's *nominal* time (a 02:30 that
 *   falls into a DST gap keeps `T02:30` in its key while firing at 03:00), so the key never depends on
 *   which replica computed it or when. One occurrence per source, local date and time: a user who
 *   travels (changes zone) gets each day's reminder once, in the new zone.
 * - one-off rules: `<sourceContextId>@<due instant, UTC, seconds>Z`; moving the appointment or changing
 *   the lead time gives a new key (the old occurrence is no longer valid).
 */
export interface Occurrence {
  key: string;
  sourceContextId: string;
  /** When it fires. */
  dueAt: Date;
  /** Nominal local date and time in the zone (for weekly rules), or the due instant's wall clock (one-off). */
  localDate: string;
  localTime: string;
  zone: string;
  resolution: LocalResolution;
}

export function occurrenceKey(sourceContextId: string, localDate: string, localTime: string): string {
  return `${sourceContextId}@${localDate}T${localTime}`;
}

export function onceKey(sourceContextId: string, dueAt: Date): string {
  return `${sourceContextId}@${dueAt.toISOString().slice(0, 19)}Z`;
}

/** The source context id of an occurrence key (everything before the last `@`). */
export function sourceOfKey(key: string): string {
  return key.slice(0, key.lastIndexOf('@'));
}

const DAY_INDEX = new Map(WEEKDAYS.map((d, i) => [d, i + 1]));
const DAY_MS = 86_400_000;

/** ISO weekday (1 = Monday) of a day number (days since 1970-01-01, a Thursday). */
const weekdayOfDay = (day: number): number => ((((day + 3) % 7) + 7) % 7) + 1;
const dates = new Map<number, string>();
const dateOfDay = (day: number): string => {
  let d = dates.get(day);
  if (d === undefined) {
    d = new Date(day * DAY_MS).toISOString().slice(0, 10);
    if (dates.size >= 20_000) dates.clear();
    dates.set(day, d);
  }
  return d;
};
/** Day number of the local calendar date of an instant in a zone. */
const localDay = (ms: number, zone: string): number =>
  Math.floor((ms + offsetAt(zone, ms) * 60_000) / DAY_MS);

function dayAllowed(rule: WeeklyRule, weekday: number): boolean {
  return rule.days.length === 0 || rule.days.some((d) => DAY_INDEX.get(d) === weekday);
}

function weeklyOccurrence(source: string, rule: WeeklyRule, zone: string, day: number): Occurrence {
  const localDate = dateOfDay(day);
  const r = resolveLocalDay(zone, day, Number(rule.time.slice(0, 2)), Number(rule.time.slice(3, 5)));
  return {
    key: occurrenceKey(source, localDate, rule.time),
    sourceContextId: source,
    dueAt: r.instant,
    localDate,
    localTime: rule.time,
    zone,
    resolution: r.resolution,
  };
}

function onceOccurrence(
  source: string,
  rule: Extract<OccurrenceRule, { kind: 'once' }>,
  zone: string,
): Occurrence {
  const dueAt = new Date(rule.at.getTime() - Math.max(0, rule.minutesBefore) * 60_000);
  const wall = wallClockOf(dueAt, zone);
  return {
    key: onceKey(source, dueAt),
    sourceContextId: source,
    dueAt,
    localDate: wall.date,
    localTime: wall.time,
    zone,
    resolution: 'exact',
  };
}

/**
 * Occurrences with `from <= dueAt < to`, in due order. Weekly rules walk the local calendar day by day
 * (from the day before `from`, since a gap can move a late-evening time across midnight in no zone, but
 * offsets up to ±14 h make the local date differ from the UTC one).
 */
export function occurrencesBetween(
  source: string,
  rule: OccurrenceRule,
  zone: string,
  from: Date,
  to: Date,
  maxCount = 10_000,
): Occurrence[] {
  const out: Occurrence[] = [];
  if (to.getTime() <= from.getTime()) return out;
  if (rule.kind === 'once') {
    const o = onceOccurrence(source, rule, zone);
    if (o.dueAt >= from && o.dueAt < to) out.push(o);
    return out;
  }
  const start = rule.notBefore && rule.notBefore > from ? rule.notBefore : from;
  // Walk the local calendar (as day numbers) from the day before `start` to the day after `to`.
  const last = localDay(to.getTime(), zone) + 1;
  for (let day = localDay(start.getTime(), zone) - 1; day <= last && out.length < maxCount; day++) {
    if (!dayAllowed(rule, weekdayOfDay(day))) continue;
    const o = weeklyOccurrence(source, rule, zone, day);
    if (o.dueAt >= start && o.dueAt < to) out.push(o);
  }
  return out;
}

/**
 * The first occurrence strictly after `after` (or at it, with `inclusive`). Null when the rule has no
 * future occurrence (a past one-off, or a weekly rule on no valid day).
 */
export function nextOccurrence(
  source: string,
  rule: OccurrenceRule,
  zone: string,
  after: Date,
  inclusive = false,
): Occurrence | null {
  const from = new Date(after.getTime() + (inclusive ? 0 : 1));
  if (rule.kind === 'once') {
    const o = onceOccurrence(source, rule, zone);
    return o.dueAt >= from ? o : null;
  }
  // A weekly rule has an occurrence within any 8 local days (+1 for offset slack).
  const list = occurrencesBetween(source, rule, zone, from, new Date(from.getTime() + 9 * 86_400_000), 1);
  return list[0] ?? null;
}

/** The latest occurrence with `dueAt < before` (within `lookbackMs`), or null. */
export function previousOccurrence(
  source: string,
  rule: OccurrenceRule,
  zone: string,
  before: Date,
  lookbackMs = 9 * 86_400_000,
): Occurrence | null {
  const list = occurrencesBetween(source, rule, zone, new Date(before.getTime() - lookbackMs), before);
  return list[list.length - 1] ?? null;
}
