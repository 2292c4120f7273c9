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
  return zoneOf(zone).offset(epochMs);
}

/** `YYYY-MM-DD` and `HH:MM` of an instant on the wall clock of a zone. */
export function wallClockOf(
  instant: Date | number,
  zone: string,
): { date: string; time: string; weekday: number } {
  const dt = DateTime.fromMillis(typeof instant === 'number' ? instant : instant.getTime(), {
    zone: zoneOf(zone),
  });
  return { date: dt.toFormat('yyyy-MM-dd'), time: dt.toFormat('HH:mm'), weekday: dt.weekday };
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
  // The wall time read as if it were UTC; the real instant is this minus the zone offset.
  const wallAsUtc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), hour, minute);
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
  return DateTime.fromMillis(instant.getTime(), { zone: zoneOf(zone) }).toISO() ?? instant.toISOString();
}
