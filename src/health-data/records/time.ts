import { DateTime } from 'luxon';
import { addDays, isValidZone, offsetAt, resolveLocalTime } from '../../schedule/local-time.js';

/**
 * Time at the HTTP edge of the health-data module (docs/health-data.md, "Time"):
 * - instants are stored as UTC ISO strings inside payloads and as `occurredAt` on records;
 * - a client value with an offset (`…+05:30`, `…Z`) is taken as is; a naive value (`2026-03-01T08:00`) is
 *   wall-clock time in the user's zone (profile `timezone`, else DEFAULT_TIMEZONE); a date alone is local midnight;
 * - every instant leaves rendered in the user's zone with its offset (`2026-03-01T08:00:00.000+05:30`);
 * - `date`, `date_from`, `date_to` filters are calendar days in the user's zone.
 */

/** ISO-8601 date-time (or date), optional seconds/fraction, optional `Z`/`±HH:MM`/`±HHMM`/`±HH`. */
export const ISO_DATETIME =
  /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;
export const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

// What clients may send: calendar dates of 1900–2100 that exist (leap years included), wall-clock times, and
// UTC offsets that exist (-12:00 … +14:00, minutes 00/30/45). Year 9999 rendered as `+010000-…` in a user's
// zone; `+99:00` was read as a real offset. `[0-9]` rather than `\d`: the patterns are published in the OpenAPI
// document, where generators read `\d` as any Unicode digit.
const YEAR = '(?:19[0-9]{2}|20[0-9]{2}|2100)';
const LEAP_YEAR = '(?:19(?:0[48]|[2468][048]|[13579][26])|20(?:[02468][048]|[13579][26]))';
const MONTH_DAY =
  '(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])|(?:0[13-9]|1[0-2])-(?:29|30)|(?:0[13578]|1[02])-31)';
const DATE = `(?:${YEAR}-${MONTH_DAY}|${LEAP_YEAR}-02-29)`;
const TIME = '(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\\.[0-9]{1,9})?)?';
const OFFSET =
  '(?:[Zz]|\\+(?:(?:0[0-9]|1[0-3])(?::?(?:00|30|45))?|14(?::?00)?)|-(?:(?:0[0-9]|1[01])(?::?(?:00|30|45))?|12(?::?00)?))';
/** A date accepted on input (`YYYY-MM-DD`, 1900–2100, a day that exists). */
export const INPUT_DATE = new RegExp(`^${DATE}$`);
/** A date-time accepted on input: INPUT_DATE, optionally `T`/space + time + optional offset. */
export const INPUT_DATETIME = new RegExp(`^${DATE}(?:[Tt ]${TIME}${OFFSET}?)?$`);

/** Parses a client date-time; naive values are read in `zone`. Null when it is not a valid ISO-8601 value. */
export function parseInstant(value: unknown, zone: string): Date | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  if (typeof value !== 'string' || !ISO_DATETIME.test(value)) return null;
  const dt = DateTime.fromISO(value.replace(' ', 'T'), { zone });
  if (!dt.isValid) return null;
  const ms = dt.toMillis();
  // Years outside 0001–9999 cannot be stored and rendered as ISO-8601 strings.
  return ms < -62135596800000 || ms > 253402300799999 ? null : new Date(ms);
}

/** True for a calendar date that exists (`2026-02-30` does not). */
export function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string' || !ISO_DATE.test(value)) return false;
  const [y, m, d] = value.split('-').map(Number);
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d && y >= 1;
}

// Offsets are constant within a 15-minute UTC slot for every zone in use today; caching per slot keeps
// rendering a 100-row list cheap (Intl lookups cost microseconds each).
const SLOT_MS = 15 * 60_000;
const offsetCache = new Map<string, Map<number, number>>();

function cachedOffset(zone: string, ms: number): number {
  let perZone = offsetCache.get(zone);
  if (!perZone) {
    perZone = new Map();
    offsetCache.set(zone, perZone);
  }
  const slot = Math.floor(ms / SLOT_MS);
  let off = perZone.get(slot);
  if (off === undefined) {
    off = Math.round(offsetAt(zone, ms));
    if (perZone.size > 20_000) perZone.clear();
    perZone.set(slot, off);
  }
  return off;
}

function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const a = Math.abs(minutes);
  const h = Math.floor(a / 60);
  const m = a % 60;
  return `${sign}${h < 10 ? '0' : ''}${h}:${m < 10 ? '0' : ''}${m}`;
}

// Rendered strings of recently shown instants, per zone: a list re-read shows the same times again, and
// parsing + formatting was ~9 % of the CPU of GET /api/vitals?limit=100 (profiled, bench/results/health-data.md).
const rendered = new Map<string, Map<string | number, string>>();
const RENDERED_MAX = 50_000;

/** An instant as ISO-8601 on the wall clock of `zone`, with its offset (`2026-03-01T13:30:00.000+05:30`). */
export function zonedIso(instant: Date | number | string, zone: string): string {
  const key = instant instanceof Date ? instant.getTime() : instant;
  let perZone = rendered.get(zone);
  if (!perZone) {
    perZone = new Map();
    rendered.set(zone, perZone);
  }
  const hit = perZone.get(key);
  if (hit !== undefined) return hit;
  const ms = typeof key === 'number' ? key : Date.parse(key);
  const off = cachedOffset(zone, ms);
  const out = new Date(ms + off * 60_000).toISOString().slice(0, -1) + formatOffset(off);
  if (perZone.size >= RENDERED_MAX) perZone.clear();
  perZone.set(key, out);
  return out;
}

/** Today's calendar date in a zone. */
export function localDate(instant: Date | number, zone: string): string {
  return zonedIso(typeof instant === 'number' ? instant : instant.getTime(), zone).slice(0, 10);
}

/** Local hour (0–23) of an instant in a zone. */
export function localHour(instant: Date | number | string, zone: string): number {
  return Number(zonedIso(instant, zone).slice(11, 13));
}

/** The instant at which a local calendar day starts in a zone (DST-safe). */
export function startOfLocalDay(date: string, zone: string): Date {
  return resolveLocalTime(zone, date, 0, 0).instant;
}

/**
 * The time range for `date` or `date_from`/`date_to` filters: [start of the first day, start of the day after
 * the last) in the user's zone. Undefined bounds stay open.
 */
export function localDayRange(
  zone: string,
  q: { date?: string; date_from?: string; date_to?: string },
): { from?: Date; to?: Date } {
  const first = q.date ?? q.date_from;
  const last = q.date ?? q.date_to;
  return {
    ...(first ? { from: startOfLocalDay(first, zone) } : {}),
    ...(last ? { to: startOfLocalDay(addDays(last, 1), zone) } : {}),
  };
}

export { addDays, isValidZone };
