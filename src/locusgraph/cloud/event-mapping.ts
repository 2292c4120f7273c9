/**
 * How a Podd record becomes a LocusGraph event (the cloud replica's one mapping; see docs/locusgraph-cloud.md).
 *
 * - `context_id`: the record's `<type>:<id>`, as is (already LocusGraph's `type:name`; Podd ids are lowercase
 *   hex, so the engine's normalisation leaves them alone).
 * - `event_kind` / `source`: the record's, already from the closed lists (`source` is canonical).
 * - `payload`:
 *   ```
 *   { "data": "<one plain statement>",   // what LocusGraph search matches (spec §3.1)
 *     "user_id": "…" | null, "record_type": "vitals", "record_id": "…",
 *     "version": 3, "occurred_at": "ISO-8601",
 *     "record": { …the record's payload, untouched… } }
 *   ```
 *   The record sits under `record` so that its own fields can never collide with `data` or with the `kind`
 *   the engine adds to every payload. `data` is a deterministic one-line summary built from the record's
 *   fields (values included: the full record is in the replica anyway, and recall over the hosted graph
 *   is only useful if "blood pressure 150/95" can be found). Turning the replica on (LOCUSGRAPH_API_KEY) is
 *   the operator's decision to keep a copy of health data in the hosted graph; logs still never see values.
 * - A record so close to the 64 KB limit that the envelope does not fit is sent with a shortened statement and
 *   its longest texts cut, flagged `truncated: true` (the replica serves recall; the embedded store keeps it whole).
 * - `version` makes every replace a different text, and a retried write of the same version byte-identical
 *   (the engine answers `unchanged`), so at-least-once delivery never duplicates and never loses an update.
 * - links: `related_to` / `extends` are always sent as arrays, so a replace that removed a link clears it.
 * - `timestamp`: the record's occurrence time in unix seconds, as a string.
 * - `replace`: true from version 2 on (a create that meets a foreign memory gets 409 and is resent with
 *   replace by the worker: the embedded store is the system of record).
 */
import type { StoredRecord } from '../locusgraph.types.js';
import { MAX_PAYLOAD_BYTES } from '../locusgraph.types.js';
import { utf8Bytes, type WireEvent } from './locusgraph-wire.js';

/** Longest summary statement (the engine's embedder silently truncates long text; 150–400 chars is advised). */
export const MAX_STATEMENT_CHARS = 600;
const MAX_VALUE_CHARS = 120;

export interface CloudPayload {
  data: string;
  user_id: string | null;
  record_type: string;
  record_id: string;
  version: number;
  occurred_at: string;
  record: Record<string, unknown>;
  [key: string]: unknown;
}

/** Outbox entries are serialised by the store: accept a Date or its JSON form. */
export function asDate(value: Date | string | number): Date {
  return value instanceof Date ? value : new Date(value);
}

const humanise = (key: string): string => key.replace(/[_\-.]+/g, ' ').trim();

function formatValue(v: unknown): string | null {
  if (v === null || v === undefined || v === '') return null;
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : null;
  if (typeof v === 'string') {
    const s = v.replace(/\s+/g, ' ').trim();
    if (!s) return null;
    return s.length > MAX_VALUE_CHARS ? `${s.slice(0, MAX_VALUE_CHARS - 1)}…` : s;
  }
  if (Array.isArray(v)) {
    const parts = v.map(formatValue).filter((s): s is string => s !== null);
    return parts.length ? parts.join(', ') : null;
  }
  return null; // nested objects: left to `record`
}

/**
 * One plain statement summarising a record, e.g.
 * `Vitals record 3f2a… on 2026-03-01T08:00:00.000Z: blood pressure systolic 150; heart rate 88; notes after a walk.`
 */
export function summarise(record: Pick<StoredRecord, 'type' | 'id' | 'payload' | 'occurredAt'>): string {
  const label = humanise(record.type);
  const head = `${label.charAt(0).toUpperCase()}${label.slice(1)} record ${record.id} on ${asDate(record.occurredAt).toISOString()}`;
  const facts: string[] = [];
  for (const [key, value] of Object.entries(record.payload)) {
    if (key === 'user_id') continue;
    const v = formatValue(value);
    if (v !== null) facts.push(`${humanise(key)} ${v}`);
  }
  let text = facts.length ? `${head}: ${facts.join('; ')}.` : `${head}.`;
  if (text.length > MAX_STATEMENT_CHARS) text = `${text.slice(0, MAX_STATEMENT_CHARS - 1)}…`;
  return text;
}

export function toCloudPayload(source: StoredRecord): CloudPayload {
  const payload: CloudPayload = {
    data: summarise(source),
    user_id: source.userId,
    record_type: source.type,
    record_id: source.id,
    version: source.version,
    occurred_at: asDate(source.occurredAt).toISOString(),
    record: source.payload,
  };
  if (utf8Bytes(payload) <= MAX_PAYLOAD_BYTES) return payload;
  // A record close to the 64 KB limit leaves no room for the envelope. The replica serves recall (the embedded
  // store keeps the whole record): shorten the statement, then the record's longest texts, and say so.
  payload.data = payload.data.slice(0, 80);
  payload.truncated = true;
  const record: Record<string, unknown> = { ...source.payload };
  payload.record = record;
  for (
    let excess = utf8Bytes(payload) - MAX_PAYLOAD_BYTES;
    excess > 0;
    excess = utf8Bytes(payload) - MAX_PAYLOAD_BYTES
  ) {
    const longest = Object.entries(record)
      .filter((e): e is [string, string] => typeof e[1] === 'string' && e[1].length > 1)
      .sort((a, b) => b[1].length - a[1].length)[0];
    if (!longest) {
      payload.record = {};
      break;
    }
    const keep = longest[1].length - excess - 16;
    record[longest[0]] = keep > 0 ? `${longest[1].slice(0, keep)}…` : '';
  }
  return payload;
}

/** Unix seconds as a string (the engine's timestamp format); omitted for dates before 1970. */
export function unixSeconds(date: Date): string | undefined {
  const s = Math.floor(date.getTime() / 1000);
  return Number.isFinite(s) && s >= 0 ? String(s) : undefined;
}

/** The LocusGraph event replicating one stored record. */
export function toWireEvent(record: StoredRecord, options: { replace?: boolean } = {}): WireEvent {
  const event: WireEvent = {
    event_kind: record.kind,
    context_id: record.contextId,
    source: record.source,
    payload: toCloudPayload(record),
    related_to: [...(record.links?.related_to ?? [])],
    extends: [...(record.links?.extends ?? [])],
  };
  const ts = unixSeconds(asDate(record.occurredAt));
  if (ts !== undefined) event.timestamp = ts;
  const replace = options.replace ?? record.version > 1;
  if (replace) event.replace = true;
  return event;
}
