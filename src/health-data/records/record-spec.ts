import type { EventKind, EventSource, Payload } from '../../locusgraph/locusgraph.types.js';

/**
 * How one resource lives in the event store: the one place a resource says what it is. The generic
 * RecordRepository reads it to store, load, list, merge and render records, so every resource gets the
 * same ownership, CAS, time and null rules (docs/health-data.md, "Record layer").
 */
export interface RecordSpec<P extends Payload = Payload> {
  /** Context type prefix, as in the original (`vitals` → context id `vitals:<id>`). */
  type: string;
  /** 404 text for a missing or foreign record, the original's (`Vitals entry not found`). */
  notFound: string;
  /** LocusGraph event kind (closed list): observation for measurements/logs, fact for stable facts, task for plans. */
  kind: EventKind;
  /** Source on the trust ladder; health data entered through the API is `user`. Default `user`. */
  source?: EventSource;
  /** Shared records (the meditation catalogue) have no owner and no `user_id` field. */
  shared?: boolean;
  /** Payload fields, in response order (after `id`, `user_id`). */
  fields: readonly (keyof P & string)[];
  /** Fields holding instants (stored UTC, read/written in the user's zone). */
  instants?: readonly (keyof P & string)[];
  /** The instant field that orders and time-filters the records (else the creation time). */
  occurredAt?: keyof P & string;
  /** Fields a PUT can never change (silently kept, as the original did with `logged_at`). */
  immutable?: readonly (keyof P & string)[];
  /**
   * Fields a PUT may clear with an explicit `null`. On any other field `null` means "keep" (the original's
   * "value or existing"), so required fields can never be emptied.
   */
  clearable?: readonly (keyof P & string)[];
  /** Instant fields that default to the time of the request on create (`logged_at`, `taken_at`). */
  defaultNow?: readonly (keyof P & string)[];
  /** Values used when a field is absent (on create, and when rendering older records). */
  defaults?: Partial<P>;
  /** Whether responses carry `updated_at` (the original's response models decide). */
  updatedAt: boolean;
}

/** The authenticated caller as the record layer needs it: owner id and IANA zone. */
export interface Caller {
  userId: string;
  zone: string;
}
