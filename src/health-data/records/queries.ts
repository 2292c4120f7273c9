/**
 * What services take for lists: plain objects, so the chat and the reminders call them as the REST routes do.
 * The HTTP query DTO classes (records/dto.ts and each resource's DTOs) satisfy these interfaces.
 */

/** `limit` (1–100) and `offset` (≥ 0), validated at the HTTP edge. */
export interface Page {
  limit: number;
  offset: number;
}

/** One calendar day in the user's zone (`YYYY-MM-DD`). */
export interface DayQuery extends Page {
  date?: string;
}

/** An inclusive range of calendar days in the user's zone. */
export interface DateRangeQuery extends Page {
  date_from?: string;
  date_to?: string;
}
