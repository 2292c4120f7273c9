/**
 * LocusGraph vocabulary, shared by the port and its drivers (summarised in docs/locusgraph-cloud.md).
 */

/** The closed list of event kinds LocusGraph accepts (22 type strings). */
export const EVENT_KINDS = [
  'fact',
  'knowledge',
  'observation',
  'learned',
  'feedback',
  'constraint',
  'rule',
  'constraint_violation',
  'action',
  'task',
  'operation',
  'execution',
  'completed',
  'decision',
  'choice',
  'selection',
  'determination',
  'routine',
  'heartbeat',
  'status',
  'noise',
  'debug',
  'log',
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/** The trust ladder of sources (canonical names only; aliases are mapped before storing). */
export const EVENT_SOURCES = [
  'policy',
  'verified',
  'tool',
  'document',
  'user',
  'assistant',
  'derived',
  'system',
] as const;
export type EventSource = (typeof EVENT_SOURCES)[number];

export const LINK_TYPES = ['related_to', 'extends'] as const;
export type LinkType = (typeof LINK_TYPES)[number];

/** Links from a record to other contexts (context ids, forward references allowed). */
export interface RecordLinks {
  related_to: readonly string[];
  extends: readonly string[];
}

/** JSON payload of a record (≤ 64 KB serialised, UTF-8 bytes). */
export type Payload = Record<string, unknown>;

export const MAX_PAYLOAD_BYTES = 64 * 1024;

/** One current memory of a context, as stored. */
export interface StoredRecord<P extends Payload = Payload> {
  /** `<type>:<id>`. */
  contextId: string;
  /** Context type (the part before the first colon), e.g. `vitals`. */
  type: string;
  /** Record id (the part after the first colon). */
  id: string;
  /** Owner; null for shared records (the meditation catalogue). */
  userId: string | null;
  kind: EventKind;
  source: EventSource;
  payload: P;
  links: RecordLinks;
  /** When the thing happened (logged_at / scheduled_at …); the list order and time-range key. */
  occurredAt: Date;
  createdAt: Date;
  updatedAt: Date;
  /** 1 on create, +1 on each replace. */
  version: number;
}

export interface StoreRequest<P extends Payload = Payload> {
  contextId: string;
  userId: string | null;
  kind: EventKind;
  source: EventSource;
  payload: P;
  /** On a replace, an omitted list is kept and `[]` clears it (LocusGraph's replace semantics). */
  links?: Partial<RecordLinks>;
  /** Defaults to now on create; a replace without it keeps the record's occurredAt. */
  occurredAt?: Date;
  /**
   * Absent: create; the context must be empty (else ConflictError).
   * A number: replace; the current version must equal it (else ConflictError; NotFoundError if absent).
   * 'any': create or replace whatever is there (upsert).
   * A replace keeps createdAt and never changes the owner (another user's record answers NotFoundError).
   */
  expectedVersion?: number | 'any';
}

export type FilterValue = string | number | boolean | null;

export interface ListQuery {
  /** Owner to list for; null lists shared records. Required: lists are always per owner. */
  userId: string | null;
  type: string;
  /** Inclusive lower bound on occurredAt. */
  from?: Date;
  /** Exclusive upper bound on occurredAt. */
  to?: Date;
  /** Equality on top-level payload fields (e.g. `{ meal_type: 'lunch', active: true }`). */
  where?: Record<string, FilterValue>;
  /** By occurredAt; default 'desc' (newest first). */
  order?: 'asc' | 'desc';
  limit: number;
  offset?: number;
  /**
   * Default true. False: `total` is not counted (a count scans every match, e.g. ~10–20 ms for 100,000
   * records) and is reported as the lower bound `offset + items.length`. For routes that never show a total.
   */
  countTotal?: boolean;
}

/**
 * How a caller shows a record as text (a response body), for `listRendered`. `render` must be a pure function
 * of the record and of what `key` names: a store may keep the text beside the record and hand it out again
 * while the record is unchanged and the key is the same, without calling `render`.
 */
export interface RecordRendering<P extends Payload = Payload> {
  /** Names everything the text depends on besides the record (format version, time zone); short. */
  key: string;
  render(rec: StoredRecord<P>): string;
}

export interface ListResult<P extends Payload = Payload> {
  items: StoredRecord<P>[];
  /** Count of all matches, ignoring limit/offset. */
  total: number;
}

export interface SearchQuery {
  userId: string;
  text: string;
  /** Restrict to these context types. */
  types?: string[];
  limit: number;
}

export interface GatewayHealth {
  /** 'up' when the system of record can serve reads and writes. */
  status: 'up' | 'down';
  /** Driver-specific details (driver name, outbox depth, dead letters …). Never contains record contents. */
  details: Record<string, unknown>;
}

/** Splits `<type>:<id>`. Throws on a malformed context id. */
export function splitContextId(contextId: string): { type: string; id: string } {
  const i = contextId.indexOf(':');
  if (i <= 0 || i === contextId.length - 1) throw new Error(`malformed context id "${contextId}"`);
  return { type: contextId.slice(0, i), id: contextId.slice(i + 1) };
}

export const contextIdOf = (type: string, id: string): string => `${type}:${id}`;
