import { createHash } from 'node:crypto';
import { badRequest } from '../../common/errors.js';
import { recordFromJson } from '../ndjson.js';
import type { DeadLetter, OutboxEntry } from '../outbox.types.js';
import { PayloadTooLargeError, RecordConflictError, RecordNotFoundError } from '../locusgraph.errors.js';
import {
  EVENT_KINDS,
  EVENT_SOURCES,
  MAX_PAYLOAD_BYTES,
  splitContextId,
  type FilterValue,
  type Payload,
  type RecordLinks,
  type StoredRecord,
  type StoreRequest,
} from '../locusgraph.types.js';

/**
 * Driver-neutral rules of the embedded event store, shared by the SQLite and PostgreSQL drivers so both
 * behave identically: request validation, the create/replace/upsert decision, link merging, the text that
 * is indexed for search and the shape of a search query.
 */

const KINDS = new Set<string>(EVENT_KINDS);
const SOURCES = new Set<string>(EVENT_SOURCES);

/** A validated store request, with the payload serialised once (size check, storage). */
export interface CheckedStore {
  req: StoreRequest;
  type: string;
  id: string;
  payloadJson: string;
}

/** What the drivers read of the current record before deciding a write. */
export interface CurrentRow {
  userId: string | null;
  version: number;
  created: number;
  ts: number;
  links: RecordLinks;
}

/** Validates a store request (programming errors throw plain Errors; an oversized payload is a 413). */
export function checkStoreRequest(req: StoreRequest): CheckedStore {
  if (!req || typeof req !== 'object') throw new Error('store request must be an object');
  const { type, id } = splitContextId(String(req.contextId));
  if (req.userId !== null && (typeof req.userId !== 'string' || req.userId === '')) {
    throw new Error(`store ${req.contextId}: userId must be a non-empty string or null`);
  }
  if (!KINDS.has(req.kind)) throw new Error(`store ${req.contextId}: unknown event kind "${req.kind}"`);
  if (!SOURCES.has(req.source)) throw new Error(`store ${req.contextId}: unknown source "${req.source}"`);
  if (!isPlainObject(req.payload)) throw new Error(`store ${req.contextId}: payload must be a JSON object`);
  if (
    req.occurredAt !== undefined &&
    !(req.occurredAt instanceof Date && !Number.isNaN(req.occurredAt.getTime()))
  ) {
    throw new Error(`store ${req.contextId}: occurredAt must be a valid Date`);
  }
  const ev = req.expectedVersion;
  if (ev !== undefined && ev !== 'any' && !(Number.isInteger(ev) && ev >= 1)) {
    throw new Error(`store ${req.contextId}: expectedVersion must be a positive integer, 'any' or absent`);
  }
  if (req.links) {
    for (const k of ['related_to', 'extends'] as const) {
      const l = req.links[k];
      if (l !== undefined && !(Array.isArray(l) && l.every((s) => typeof s === 'string'))) {
        throw new Error(`store ${req.contextId}: links.${k} must be an array of context ids`);
      }
    }
  }
  const payloadJson = JSON.stringify(req.payload);
  const bytes = Buffer.byteLength(payloadJson, 'utf8');
  if (bytes > MAX_PAYLOAD_BYTES) throw new PayloadTooLargeError(bytes);
  // PostgreSQL jsonb cannot hold U+0000; refuse it everywhere so every driver accepts the same payloads.
  if (payloadJson.includes('\\u0000')) throw badRequest('Text fields must not contain NUL characters');
  return { req, type, id, payloadJson };
}

function isPlainObject(v: unknown): v is Payload {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

/**
 * The create / compare-and-swap / upsert decision (StoreRequest.expectedVersion), made against the current
 * row read inside the write transaction. Returns the record to write.
 *
 * A replace keeps `createdAt`, keeps `occurredAt` unless given, keeps each link list the request omits
 * (LocusGraph's replace semantics: an omitted link field is preserved, `[]` clears it) and may not move a
 * record to another owner (answered as not found, like any other user's record).
 */
export function planWrite(current: CurrentRow | null, c: CheckedStore, now: number): StoredRecord {
  const { req } = c;
  const ev = req.expectedVersion;
  if (current) {
    if (ev === undefined) throw new RecordConflictError(req.contextId, current.version);
    if (current.userId !== req.userId) throw new RecordNotFoundError(req.contextId);
    if (typeof ev === 'number' && ev !== current.version)
      throw new RecordConflictError(req.contextId, current.version);
  } else if (typeof ev === 'number') {
    throw new RecordNotFoundError(req.contextId);
  }
  const prevLinks = current?.links ?? EMPTY_LINKS;
  return {
    contextId: req.contextId,
    type: c.type,
    id: c.id,
    userId: req.userId,
    kind: req.kind,
    source: req.source,
    payload: JSON.parse(c.payloadJson) as Payload, // exactly what a later get() returns
    links: {
      related_to: [...(req.links?.related_to ?? prevLinks.related_to)],
      extends: [...(req.links?.extends ?? prevLinks.extends)],
    },
    occurredAt: new Date(req.occurredAt ? req.occurredAt.getTime() : (current?.ts ?? now)),
    createdAt: new Date(current?.created ?? now),
    updatedAt: new Date(current ? Math.max(now, current.created) : now),
    version: current ? current.version + 1 : 1,
  };
}

/** Validates a record coming from an import (or the outbox) before it is written as is. */
export function checkImportedRecord(r: StoredRecord): string {
  const checked = checkStoreRequest({
    contextId: r.contextId,
    userId: r.userId,
    kind: r.kind,
    source: r.source,
    payload: r.payload,
    links: r.links,
    occurredAt: r.occurredAt,
  });
  for (const d of [r.createdAt, r.updatedAt]) {
    if (!(d instanceof Date) || Number.isNaN(d.getTime()))
      throw new Error(`record ${r.contextId}: invalid date`);
  }
  if (!Number.isInteger(r.version) || r.version < 1)
    throw new Error(`record ${r.contextId}: invalid version`);
  return checked.payloadJson;
}

const EMPTY_LINKS: RecordLinks = { related_to: [], extends: [] };

/** Links are stored as JSON text, or NULL when both lists are empty (most records). */
export function linksToJson(l: RecordLinks): string | null {
  return l.related_to.length || l.extends.length
    ? JSON.stringify({ related_to: l.related_to, extends: l.extends })
    : null;
}

/** The links of a record without any (most records): one shared, frozen value instead of three objects per row. */
const NO_LINKS: RecordLinks = Object.freeze({
  related_to: Object.freeze([]),
  extends: Object.freeze([]),
});

export function linksFromJson(v: string | RecordLinks | null): RecordLinks {
  if (v === null || v === undefined) return NO_LINKS;
  const o = typeof v === 'string' ? (JSON.parse(v) as Partial<RecordLinks>) : v;
  return { related_to: o.related_to ?? [], extends: o.extends ?? [] };
}

// ---------------------------------------------------------------------------------------------- filters

const FIELD_RE = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** `where` keys are top-level payload field names chosen by services (never by clients). */
export function checkWhere(where: Record<string, FilterValue> | undefined): [string, FilterValue][] {
  if (!where) return [];
  return Object.entries(where).map(([k, v]) => {
    if (!FIELD_RE.test(k)) throw new Error(`list: invalid where field "${k}"`);
    if (v !== null && !['string', 'number', 'boolean'].includes(typeof v)) {
      throw new Error(`list: where.${k} must be a string, number, boolean or null`);
    }
    if (typeof v === 'number' && !Number.isFinite(v)) throw new Error(`list: where.${k} must be finite`);
    return [k, v];
  });
}

export function checkPaging(limit: number, offset: number | undefined): { limit: number; offset: number } {
  if (!Number.isInteger(limit) || limit < 0) throw new Error('list: limit must be a non-negative integer');
  const off = offset ?? 0;
  if (!Number.isInteger(off) || off < 0) throw new Error('list: offset must be a non-negative integer');
  return { limit, offset: off };
}

// ----------------------------------------------------------------------------------------------- search

/** The text indexed for search: every string value of the payload, depth first. */
export function searchText(payload: unknown): string {
  const parts: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') parts.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(payload);
  return parts.join(' \n ');
}

/**
 * Search terms of a free-text query: runs of letters, digits and combining marks (so Devanagari words
 * keep their vowel signs), lower-cased, deduplicated, at most 16.
 */
export function searchTerms(text: string): string[] {
  const tokens =
    (text ?? '')
      .normalize('NFKC')
      .toLowerCase()
      .match(/[\p{L}\p{N}\p{M}]+/gu) ?? [];
  return [...new Set(tokens)].slice(0, 16);
}

/** Terms of 3+ characters also match as prefixes ("medic" finds "medication"). */
export const PREFIX_MIN = 3;

/** An opaque per-user search token, so a user restriction is part of the full-text match itself. */
export function userSearchToken(userId: string): string {
  let t = tokenCache.get(userId);
  if (t === undefined) {
    t = 'u' + createHash('sha256').update(userId).digest('hex').slice(0, 24);
    if (tokenCache.size >= 10_000) tokenCache.clear();
    tokenCache.set(userId, t);
  }
  return t;
}
const tokenCache = new Map<string, string>();

// ------------------------------------------------------------------------------------------ row mapping

/** A records row as both drivers select it (payload already parsed, links as JSON text or object). */
export interface RecordRowBase {
  id: number;
  context_id: string;
  type: string;
  user_id: string | null;
  kind: string;
  source: string;
  ts: number;
  created: number;
  updated: number;
  version: number;
  links: string | RecordLinks | null;
}

export const RECORD_COLUMNS =
  'id, context_id, type, user_id, kind, source, ts, created, updated, version, payload, links';

export function toStoredRecord<P extends Payload = Payload>(r: RecordRowBase, payload: P): StoredRecord<P> {
  return {
    contextId: r.context_id,
    type: r.type,
    id: r.context_id.slice(r.type.length + 1),
    userId: r.user_id,
    kind: r.kind as StoredRecord['kind'],
    source: r.source as StoredRecord['source'],
    payload,
    links: linksFromJson(r.links),
    occurredAt: new Date(r.ts),
    createdAt: new Date(r.created),
    updatedAt: new Date(r.updated),
    version: r.version,
  };
}

/** An outbox row as both drivers select it; `record` is the NDJSON form (parsed) for stores. */
export interface OutboxRowBase {
  seq: number;
  context_id: string;
  op: 'store' | 'delete';
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  created_at: number;
  failed_at?: number;
}

export const OUTBOX_COLUMNS =
  'seq, context_id, op, record, attempts, next_attempt_at, last_error, created_at';

export function toOutboxEntry(r: OutboxRowBase, record: unknown): OutboxEntry {
  return {
    seq: r.seq,
    contextId: r.context_id,
    op:
      r.op === 'store'
        ? { op: 'store', record: recordFromJson(record) }
        : { op: 'delete', contextId: r.context_id },
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    lastError: r.last_error,
    createdAt: r.created_at,
  };
}

export function toDeadLetter(r: OutboxRowBase, record: unknown): DeadLetter {
  return { ...toOutboxEntry(r, record), failedAt: r.failed_at as number };
}
