import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import {
  splitContextId,
  type EventKind,
  type EventSource,
  type Payload,
  type StoredRecord,
} from './locusgraph.types.js';

/**
 * NDJSON export format of the event store: one record per line, snake_case keys, ISO-8601 UTC dates.
 * No header line, so the line count is the record count (restore checks it).
 *
 *   {"context_id":"vitals:0a1b2c3d4e5f","user_id":"u1","kind":"observation","source":"user","version":2,
 *    "occurred_at":"2026-11-25T08:00:00.000Z","created_at":"…","updated_at":"…",
 *    "links":{"related_to":[],"extends":[]},"payload":{…}}
 */
export interface RecordJson {
  context_id: string;
  user_id: string | null;
  kind: string;
  source: string;
  version: number;
  occurred_at: string;
  created_at: string;
  updated_at: string;
  links: { related_to: string[]; extends: string[] };
  payload: Payload;
}

export function recordToJson(r: StoredRecord): RecordJson {
  return {
    context_id: r.contextId,
    user_id: r.userId,
    kind: r.kind,
    source: r.source,
    version: r.version,
    occurred_at: r.occurredAt.toISOString(),
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
    links: { related_to: [...r.links.related_to], extends: [...r.links.extends] },
    payload: r.payload,
  };
}

function date(v: unknown, field: string): Date {
  const d = typeof v === 'string' ? new Date(v) : new Date(NaN);
  if (Number.isNaN(d.getTime())) throw new Error(`${field} must be an ISO-8601 date`);
  return d;
}

/** Parses one exported record (shape only; the store validates kinds, sources and sizes on import). */
export function recordFromJson(o: unknown): StoredRecord {
  if (!o || typeof o !== 'object' || Array.isArray(o)) throw new Error('a record must be a JSON object');
  const j = o as Partial<RecordJson>;
  if (typeof j.context_id !== 'string') throw new Error('context_id must be a string');
  const { type, id } = splitContextId(j.context_id);
  if (j.user_id !== null && typeof j.user_id !== 'string')
    throw new Error('user_id must be a string or null');
  if (!j.payload || typeof j.payload !== 'object' || Array.isArray(j.payload))
    throw new Error('payload must be an object');
  const links = j.links ?? { related_to: [], extends: [] };
  return {
    contextId: j.context_id,
    type,
    id,
    userId: j.user_id,
    kind: j.kind as EventKind,
    source: j.source as EventSource,
    payload: j.payload,
    links: { related_to: links.related_to ?? [], extends: links.extends ?? [] },
    occurredAt: date(j.occurred_at, 'occurred_at'),
    createdAt: date(j.created_at, 'created_at'),
    updatedAt: date(j.updated_at, 'updated_at'),
    version: j.version as number,
  };
}

/** Waits for 'drain' (or rejects on 'error'), leaving no listener behind either way. */
function drained(out: Writable): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onDrain = (): void => {
      out.off('error', onError);
      resolve();
    };
    const onError = (e: Error): void => {
      out.off('drain', onDrain);
      reject(e);
    };
    out.once('drain', onDrain);
    out.once('error', onError);
  });
}

/**
 * Writes records as NDJSON to a stream, honouring back-pressure (constant memory whatever the size).
 * Does not end the stream. Returns the number of records written.
 */
export async function writeNdjson(
  records: AsyncIterable<StoredRecord>,
  out: Writable,
  onProgress?: (written: number) => void,
): Promise<number> {
  let n = 0;
  let chunk = '';
  const flush = async (): Promise<void> => {
    if (!chunk) return;
    const ok = out.write(chunk);
    chunk = '';
    if (!ok) await drained(out);
  };
  for await (const r of records) {
    chunk += JSON.stringify(recordToJson(r)) + '\n';
    n++;
    if (chunk.length >= 64 * 1024) {
      await flush();
      onProgress?.(n);
    }
  }
  await flush();
  onProgress?.(n);
  return n;
}

/** A line that is not a valid record; carries the 1-based line number. */
export class NdjsonLineError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
  }
}

/** Reads NDJSON records from a stream, one line at a time (blank lines are skipped). */
export async function* readNdjson(input: Readable): AsyncGenerator<StoredRecord> {
  const rl = createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const text of rl) {
      line++;
      if (!text.trim()) continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new NdjsonLineError(line, 'not valid JSON');
      }
      let record: StoredRecord;
      try {
        record = recordFromJson(parsed);
      } catch (e) {
        throw new NdjsonLineError(line, (e as Error).message);
      }
      yield record;
    }
  } finally {
    rl.close();
  }
}

/** Counts the non-blank lines of an NDJSON stream (constant memory). */
export async function countNdjsonLines(input: Readable): Promise<number> {
  let n = 0;
  const rl = createInterface({ input, crlfDelay: Infinity });
  for await (const text of rl) if (text.trim()) n++;
  return n;
}
