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
  /** Payload fields, in response order (after `id`, `user_id`); `fieldsOf<P>()` checks that none is missing. */
  fields: readonly PayloadField<P>[];
  /** Fields holding instants (stored UTC, read/written in the user's zone). */
  instants?: readonly PayloadField<P>[];
  /** The instant field that orders and time-filters the records (else the creation time). */
  occurredAt?: PayloadField<P>;
  /** Fields a PUT can never change (silently kept, as the original did with `logged_at`). */
  immutable?: readonly PayloadField<P>[];
  /**
   * Fields a PUT may clear with an explicit `null`. On any other field `null` means "keep" (the original's
   * "value or existing"), so required fields can never be emptied.
   */
  clearable?: readonly PayloadField<P>[];
  /** Instant fields that default to the time of the request on create (`logged_at`, `taken_at`). */
  defaultNow?: readonly PayloadField<P>[];
  /**
   * Instant fields that record something already happened (a sample taken): a value more than a day ahead of the
   * clock is a 422 `datetime_past` (the day allows for a device clock or zone a little off).
   */
  past?: readonly PayloadField<P>[];
  /** Values used when a field is absent (on create, and when rendering older records). */
  defaults?: Partial<P>;
  /** Whether responses carry `updated_at` (the original's response models decide). */
  updatedAt: boolean;
}

/** The declared fields of a payload type, its `[k: string]: unknown` index signature left out. */
export type Declared<P> = {
  [K in keyof P as string extends K ? never : number extends K ? never : K]: P[K];
};

/** A field a spec lists and a response shows: every declared payload field but the owner (`user_id`). */
export type PayloadField<P> = Exclude<keyof Declared<P>, 'user_id'> & string;

/** The payload's own fields, as insights and chat read them (no owner). */
export type RecordFields<P> = Pick<Declared<P>, PayloadField<P>>;

/**
 * The response body of a record (what `RecordRepository.render` returns): `id`, the owner, every payload
 * field (absent ones as their defaults), `created_at`, and `updated_at` when the spec says so. A resource's
 * Swagger response DTO `implements` it, so a payload field missing from the DTO fails typecheck.
 */
export type RecordView<P> = { id: string; user_id: string } & RecordFields<P> & {
    created_at: string;
    updated_at?: string;
  };

/**
 * The spec's `fields`, checked against the payload type: a payload field that is not listed fails typecheck
 * (`fieldsOf<VitalsPayload>()('blood_sugar', …)`). The order given is the response order.
 */
export const fieldsOf =
  <P>() =>
  <const F extends readonly PayloadField<P>[]>(
    ...fields: F &
      (Exclude<PayloadField<P>, F[number]> extends never
        ? unknown
        : { missing: Exclude<PayloadField<P>, F[number]> })
  ): F =>
    fields;

/** The authenticated caller as the record layer needs it: owner id and IANA zone. */
export interface Caller {
  userId: string;
  zone: string;
}
