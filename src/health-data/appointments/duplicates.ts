/**
 * Appointment duplicate detection (the original's weighted similarity, §5.5), with its bug fixed: candidates
 * are the user's appointments within ±2 h of the NEW appointment's time, not of "now".
 */

export interface AppointmentLike {
  title: string;
  scheduled_at: string;
  doctor_name?: string | null;
  location?: string | null;
}

/** Candidates are looked up within this distance of the new time. */
export const DUPLICATE_WINDOW_MS = 2 * 3600_000;
/** A best score above this is a duplicate (409). */
export const DUPLICATE_THRESHOLD = 0.9;

function textSimilarity(a: string, b: string): number {
  const x = a.trim().toLowerCase();
  const y = b.trim().toLowerCase();
  if (x === y) return 1;
  if (x && y && (x.includes(y) || y.includes(x))) return 0.8;
  const tx = new Set(x.split(/\s+/).filter(Boolean));
  const ty = new Set(y.split(/\s+/).filter(Boolean));
  const inter = [...tx].filter((t) => ty.has(t)).length;
  const union = new Set([...tx, ...ty]).size;
  return union ? inter / union : 0;
}

function timeSimilarity(a: string, b: string): number {
  const minutes = Math.abs(Date.parse(a) - Date.parse(b)) / 60_000;
  if (minutes < 5) return 1;
  if (minutes < 15) return 0.9;
  if (minutes < 30) return 0.7;
  if (minutes < 60) return 0.5;
  if (minutes < 120) return 0.3;
  if (minutes < 1440) return 0.1;
  return 0;
}

/** Weighted mean over the fields the new appointment gives: title 2, time 3, doctor 2, location 1.5. */
export function similarity(candidate: AppointmentLike, existing: AppointmentLike): number {
  let sum =
    2 * textSimilarity(candidate.title, existing.title) +
    3 * timeSimilarity(candidate.scheduled_at, existing.scheduled_at);
  let weights = 5;
  if (candidate.doctor_name) {
    sum += 2 * textSimilarity(candidate.doctor_name, existing.doctor_name ?? '');
    weights += 2;
  }
  if (candidate.location) {
    sum += 1.5 * textSimilarity(candidate.location, existing.location ?? '');
    weights += 1.5;
  }
  return sum / weights;
}

export function isDuplicate(candidate: AppointmentLike, existing: AppointmentLike[]): boolean {
  return existing.some((e) => similarity(candidate, e) > DUPLICATE_THRESHOLD);
}
