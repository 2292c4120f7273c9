import { DateTime, IANAZone } from 'luxon';

/**
 * Wall-clock → instant resolution in an IANA zone, with the two DST edge cases handled explicitly
 * (luxon's own defaults are not what a reminder needs: it shifts a nonexistent 02:30 to 03:30 and
 * resolves a repeated 01:30 to the *second* occurrence).
 *
 * Policy (documented in docs/reminders.md):
 * - Nonexistent local time (spring forward, e.g. 02:30 on the night clocks jump 02:00 → 03:00): the
 *   reminder fires at the first valid instant after the gap — the transition instant itself, which
 *   reads 03:00 on the wall. It fires on that day, never skipped, never pushed to 03:30.
 * - Repeated local time (fall back, e.g. 01:30 when clocks go 02:00 → 01:00): the reminder fires
 *   once, at the first occurrence (the earlier instant, still on summer time).
 */

export type LocalResolution = 'exact' | 'gap' | 'repeated';

export interface ResolvedLocalTime {
  /** The instant the reminder fires. */
  instant: Date;
  /** `exact`: the wall time exists once; `gap`: it does not exist (moved to the gap's end); `repeated`: it exists twice (first one chosen). */
  resolution: LocalResolution;
}

const MINUTE = 60_000;
const zoneCache = new Map<string, IANAZone>();

/** True for a valid IANA zone name (`Asia/Kolkata`, `UTC`, …). */
export function isValidZone(zone: string): boolean {
  return typeof zone === 'string' && zone.length > 0 && zone.length <= 64 && IANAZone.isValidZone(zone);
}

function zoneOf(name: string): IANAZone {
  let z = zoneCache.get(name);
  if (!z) {
    if (!IANAZone.isValidZone(name)) throw new RangeError(`unknown time zone "${name}"`);
    z = IANAZone.create(name);
    zoneCache.set(name, z);
  }
  return z;
}

/** Offset of the zone at an instant, in minutes east of UTC. */
export function offsetAt(zone: string, epochMs: number): number {
  // Offsets change only on whole minutes (every transition in use today), so one lookup per zone and minute
  // serves every instant of that minute; the Intl lookup behind it costs tens of microseconds.
  const minute = Math.floor(epochMs / MINUTE);
  const key = `${zone}|${minute}`;
  let off = offsets.get(key);
  if (off === undefined) {
    off = zoneOf(zone).offset(minute * MINUTE);
    if (offsets.size >= 100_000) offsets.clear();
    offsets.set(key, off);
  }
  return off;
}

const offsets = new Map<string, number>();

/** `YYYY-MM-DD` and `HH:MM` of an instant on the wall clock of a zone, and its ISO weekday (1 = Monday). */
export function wallClockOf(
  instant: Date | number,
  zone: string,
): { date: string; time: string; weekday: number } {
  const ms = typeof instant === 'number' ? instant : instant.getTime();
  const local = new Date(ms + offsetAt(zone, ms) * MINUTE);
  const iso = local.toISOString();
  const js = local.getUTCDay();
  return { date: iso.slice(0, 10), time: iso.slice(11, 16), weekday: js === 0 ? 7 : js };
}

/**
 * The instant at which the wall clock of `zone` shows `date` (`YYYY-MM-DD`) `hour:minute`,
 * with the DST policy above.
 */
export function resolveLocalTime(
  zone: string,
  date: string,
  hour: number,
  minute: number,
): ResolvedLocalTime {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new RangeError(`malformed local date "${date}"`);
  return resolveLocalDay(zone, Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY_MS, hour, minute);
}

const DAY_MS = 86_400_000;
/** zone → (day × 1440 + minute of day) → resolution; a pure function asked for the same few wall times by many users. */
const resolved = new Map<string, Map<number, { ms: number; resolution: LocalResolution }>>();
let resolvedCount = 0;

/** resolveLocalTime for a local calendar day given as a day number (days since 1970-01-01). */
export function resolveLocalDay(zone: string, day: number, hour: number, minute: number): ResolvedLocalTime {
  let byZone = resolved.get(zone);
  if (!byZone) {
    byZone = new Map();
    resolved.set(zone, byZone);
  }
  const key = day * 1440 + hour * 60 + minute;
  const hit = byZone.get(key);
  if (hit) return { instant: new Date(hit.ms), resolution: hit.resolution };
  const r = resolveUncached(zone, day * DAY_MS + (hour * 60 + minute) * MINUTE);
  if (++resolvedCount > 50_000) {
    resolved.clear();
    resolvedCount = 0;
  }
  byZone.set(key, { ms: r.instant.getTime(), resolution: r.resolution });
  return r;
}

/** `wallAsUtc`: the wall time read as if it were UTC; the real instant is this minus the zone offset. */
function resolveUncached(zone: string, wallAsUtc: number): ResolvedLocalTime {
  // Every offset the zone could have around that time (a transition is at most one per ~day in practice).
  const offsets = new Set<number>();
  for (const probe of [-36, -12, 0, 12, 36]) offsets.add(offsetAt(zone, wallAsUtc + probe * 60 * MINUTE));
  const candidates: number[] = [];
  for (const off of offsets) {
    const t = wallAsUtc - off * MINUTE;
    if (offsetAt(zone, t) === off) candidates.push(t);
  }
  if (candidates.length > 0) {
    candidates.sort((a, b) => a - b);
    return { instant: new Date(candidates[0]), resolution: candidates.length > 1 ? 'repeated' : 'exact' };
  }
  // Nonexistent: the clocks jumped over this wall time. Find the transition instant (the gap's end)
  // between the wall time read with the largest offset (before it) and with the smallest (after it).
  const sorted = [...offsets].sort((a, b) => a - b);
  let lo = wallAsUtc - sorted[sorted.length - 1] * MINUTE; // reads earlier than the gap
  let hi = wallAsUtc - sorted[0] * MINUTE; // reads later than the gap
  const offLo = offsetAt(zone, lo);
  // Invariant: offset(lo) === offLo, offset(hi) !== offLo. Transitions fall on whole seconds.
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    if (offsetAt(zone, mid) === offLo) lo = mid;
    else hi = mid;
  }
  return { instant: new Date(hi), resolution: 'gap' };
}

/** Adds whole days to a `YYYY-MM-DD` calendar date (no zone involved). */
export function addDays(date: string, days: number): string {
  const [y, mo, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, mo - 1, d + days)).toISOString().slice(0, 10);
}

/** ISO weekday (1 = Monday … 7 = Sunday) of a calendar date. */
export function isoWeekday(date: string): number {
  const [y, mo, d] = date.split('-').map(Number);
  const js = new Date(Date.UTC(y, mo - 1, d)).getUTCDay(); // 0 = Sunday
  return js === 0 ? 7 : js;
}

/** Formats an instant as `h:mm AM/PM` on the wall clock of a zone (the appointment reminder text). */
export function formatClockTime(instant: Date, zone: string): string {
  return DateTime.fromMillis(instant.getTime(), { zone: zoneOf(zone) }).toFormat('h:mm a');
}

/** ISO-8601 with the zone's offset (e.g. `2026-03-08T08:00:00.000-04:00`). */
export function toZonedIso(instant: Date, zone: string): string {
  const ms = instant.getTime();
  const off = offsetAt(zone, ms);
  if (!Number.isInteger(off))
    return DateTime.fromMillis(ms, { zone: zoneOf(zone) }).toISO() ?? instant.toISOString();
  let suffix = suffixes.get(off);
  if (suffix === undefined) {
    const a = Math.abs(off);
    suffix = `${off < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
    suffixes.set(off, suffix);
  }
  return new Date(ms + off * MINUTE).toISOString().slice(0, 23) + suffix;
}

const suffixes = new Map<number, string>();
