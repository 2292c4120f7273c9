/**
 * LocusGraph v1 wire shapes (snake_case, exactly as on the wire; see docs/locusgraph-cloud.md)
 * and the local checks a client runs before any I/O (§10.5). Only fields the engine reads appear here:
 * the engine refuses unknown body fields with 400.
 */
import {
  EVENT_KINDS,
  EVENT_SOURCES,
  MAX_PAYLOAD_BYTES,
  type EventKind,
  type EventSource,
} from '../locusgraph.types.js';

/** Source aliases the engine maps to canonical names (§7.3). */
export const SOURCE_ALIASES: Readonly<Record<string, EventSource>> = {
  validator: 'verified',
  executor: 'tool',
  agent: 'assistant',
  model: 'assistant',
};

export const MAX_BATCH_EVENTS = 1000;
export const MAX_SEARCH_LIMIT = 100;
export const MAX_SEARCH_OFFSET = 1000;

/** The four link types of the engine (Podd writes `related_to` and `extends`). */
export interface WireLinks {
  extends?: string[];
  related_to?: string[];
  reinforces?: string[];
  contradicts?: string[];
}

/** A batch item: a store request without `graph_id`. */
export interface WireEvent extends WireLinks {
  event_kind: string;
  payload: Record<string, unknown>;
  context_id?: string;
  source?: string;
  /** Unix seconds, as a string. */
  timestamp?: string;
  replace?: boolean;
}

export interface WireStoreRequest extends WireEvent {
  graph_id: string;
}

export type StoreStatus = 'created' | 'unchanged' | 'replaced' | 'filtered';

export interface StoreEventResponse {
  locus_id: string | null;
  status: StoreStatus;
  confidence: number;
  context_id: string;
  links_replaced?: string[];
}

export interface BatchItemResult {
  locus_id?: string | null;
  status: StoreStatus | 'error';
  confidence?: number;
  context_id?: string;
  /** Present when status is "error". */
  error?: string;
}

export interface BatchResponse {
  stored: number;
  filtered: number;
  failed: number;
  results: BatchItemResult[];
}

export interface ForgetContextResponse {
  context_id: string;
  deleted_locus_ids: string[];
  unlinked_locus_ids: string[];
  /** Set by the client (not the engine) when the context was already gone (404). */
  already_gone?: boolean;
}

export interface SearchRequest {
  query: string;
  limit?: number;
  offset?: number;
  context_ids?: string[];
  boost_context_ids?: string[];
  /** `{ "<type>": ["<name>", …] }`. */
  context_types?: Record<string, string[]>;
  sources?: string[];
  expand_depth?: number;
}

export interface SearchItem {
  locus_id: string;
  context_ids: string[];
  text: string;
  match_score: number;
  confidence: number;
  value: 'high' | 'medium' | 'low' | 'permanent';
  event_kind: string;
  source: string | null;
  created: number;
}

export interface SearchResponse {
  items: SearchItem[];
  items_found: number;
  offset: number;
  has_more: boolean;
}

/** GET /v1/locus/:g/:id with `payload` parsed and the engine envelope unwrapped. */
export interface LocusResponse {
  locus: { locus_id: string; value: string; source: string | null; created: number };
  /** The payload as written (the engine adds `kind` to it). */
  payload: Record<string, unknown>;
  /** The engine envelope around it: `{context_id, data, kind, source}`. */
  envelope: Record<string, unknown>;
  links: { outgoing: unknown[]; incoming: unknown[] };
  metadata: Record<string, unknown>;
  contexts: string[];
}

/** GET /v1/context/:g?context_id=… */
export interface ContextResponse {
  context_id: string;
  context: {
    context_id: string;
    context_type: string;
    context_name: string;
    created_at: number;
    updated_at: number;
    reference_count?: number;
  };
  locus_id: string | null;
  payload: { context_id: string; data: Record<string, unknown>; kind: string; source: string | null };
}

export interface EventKindInfo {
  type: string;
  kind: string;
  source: string;
  admitted: boolean;
}

/** Thrown before any I/O when a request would be refused by the engine (never retryable). */
export class LocusGraphValidationError extends Error {
  override readonly name = 'LocusGraphValidationError';
}

/** Maps a source (canonical or alias) to its canonical name; throws on anything else. */
export function canonicalSource(source: string): EventSource {
  if ((EVENT_SOURCES as readonly string[]).includes(source)) return source as EventSource;
  const alias = SOURCE_ALIASES[source];
  if (alias) return alias;
  throw new LocusGraphValidationError(
    `unknown source '${source}'; valid sources: ${[...EVENT_SOURCES, ...Object.keys(SOURCE_ALIASES)].join(', ')}`,
  );
}

export function isEventKind(kind: string): kind is EventKind {
  return (EVENT_KINDS as readonly string[]).includes(kind);
}

/** `type:name`: a colon that is not the first character and something after it (§7.1). */
export function isContextId(id: string): boolean {
  const i = id.indexOf(':');
  return i > 0 && i < id.length - 1;
}

export const utf8Bytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value), 'utf8');

/**
 * Checks an event the way the engine does and returns it with the source made canonical.
 * Builds a fresh object holding only the fields the engine reads.
 */
export function validateEvent(ev: WireEvent, where = 'event'): WireEvent {
  if (!isEventKind(ev.event_kind)) {
    throw new LocusGraphValidationError(
      `${where}: unknown event_kind '${ev.event_kind}'; valid kinds: ${EVENT_KINDS.join(', ')}`,
    );
  }
  if (ev.payload === null || typeof ev.payload !== 'object' || Array.isArray(ev.payload)) {
    throw new LocusGraphValidationError(`${where}: payload must be a JSON object`);
  }
  const bytes = utf8Bytes(ev.payload);
  if (bytes > MAX_PAYLOAD_BYTES) {
    throw new LocusGraphValidationError(
      `${where}: payload is ${bytes} bytes; the limit is ${MAX_PAYLOAD_BYTES}`,
    );
  }
  if (ev.context_id !== undefined && !isContextId(ev.context_id)) {
    throw new LocusGraphValidationError(
      `${where}: context_id '${ev.context_id}' is not of the form type:name`,
    );
  }
  if (ev.timestamp !== undefined && !/^\d+$/.test(ev.timestamp)) {
    throw new LocusGraphValidationError(`${where}: timestamp must be unix seconds as a string`);
  }
  const out: WireEvent = { event_kind: ev.event_kind, payload: ev.payload };
  if (ev.context_id !== undefined) out.context_id = ev.context_id;
  if (ev.source !== undefined) out.source = canonicalSource(ev.source);
  for (const link of ['extends', 'related_to', 'reinforces', 'contradicts'] as const) {
    const v = ev[link];
    if (v === undefined) continue;
    if (!Array.isArray(v) || !v.every((s) => typeof s === 'string' && isContextId(s))) {
      throw new LocusGraphValidationError(`${where}: ${link} must be an array of context ids`);
    }
    if (link === 'contradicts' && ev.context_id !== undefined && v.includes(ev.context_id)) {
      throw new LocusGraphValidationError(`${where}: contradicts cannot name the context being written`);
    }
    out[link] = [...v];
  }
  if (ev.timestamp !== undefined) out.timestamp = ev.timestamp;
  if (ev.replace !== undefined) out.replace = ev.replace;
  return out;
}
