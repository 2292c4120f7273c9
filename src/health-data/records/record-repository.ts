import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { notFound, validationError } from '../../common/errors.js';
import { RECORD_ID_PATTERN, newId } from '../../common/ids.js';
import type { Clock } from '../../common/clock.js';
import { RecordConflictError, RecordNotFoundError } from '../../locusgraph/locusgraph.errors.js';
import type { LocusGraphGateway } from '../../locusgraph/locusgraph.gateway.js';
import type {
  FilterValue,
  ListQuery,
  Payload,
  RecordLinks,
  RecordRendering,
  StoredRecord,
  StoreRequest,
} from '../../locusgraph/locusgraph.types.js';
import type { Caller, PayloadField, RecordSpec, RecordView } from './record-spec.js';
import { parseInstant, zonedIso } from './time.js';

/** A list of one caller's records of one type (the store's query; owner and type come from the caller and spec). */
export type RecordListQuery = Pick<ListQuery, 'from' | 'to' | 'where' | 'order' | 'limit' | 'offset'>;

/** A request body (DTO or plain object) whose fields are read by name; only the spec's fields are taken. */
export type RecordInput<P> = { readonly [K in PayloadField<P>]?: unknown };

export interface WriteOptions {
  links?: Partial<RecordLinks>;
}

/** How far ahead of the clock a `past` instant may be (a device clock or zone a little off). */
const PAST_SLACK_MS = 24 * 3600_000;

/** How many times an update re-reads and re-merges when another request changed the record in between. */
const CAS_ATTEMPTS = 3;

/** Bump when what `render` writes changes in a way the text of its modules does not show (see RENDER_CODE). */
const RENDER_FORMAT = 1;

/**
 * The typed record layer: one generic mechanism over the LocusGraphGateway that every resource configures
 * with a RecordSpec. It owns the rules that are the same everywhere:
 * - ownership: every record carries its owner; another user's record is answered exactly like a missing one;
 * - ids: 12-hex record ids, context id `<type>:<id>`; a malformed id in a path is a plain 404;
 * - time: instants in the user's zone in, UTC in the store, the user's zone out; `past` instants not ahead of now;
 * - merge-on-update: only fields sent change; `null` clears only `clearable` fields; `immutable` fields stay;
 * - compare-and-swap: an update writes with the version it read and retries on a concurrent change;
 * - rendering: `{id, user_id, …fields, created_at[, updated_at]}` with absent fields as their defaults.
 */
export class RecordRepository<P extends Payload> {
  private readonly instants: ReadonlySet<string>;
  private readonly immutable: ReadonlySet<string>;
  private readonly clearable: ReadonlySet<string>;
  private readonly past: ReadonlySet<string>;
  /** What a rendered text depends on besides the record and the zone (see renderFormat). */
  private readonly format: string;

  constructor(
    readonly spec: RecordSpec<P>,
    private readonly gateway: LocusGraphGateway,
    private readonly clock: Clock,
  ) {
    this.instants = new Set(spec.instants ?? []);
    this.immutable = new Set(spec.immutable ?? []);
    this.clearable = new Set(spec.clearable ?? []);
    this.past = new Set(spec.past ?? []);
    this.format = renderFormat(spec);
  }

  contextId(id: string): string {
    return `${this.spec.type}:${id}`;
  }

  private owner(caller: Caller): string | null {
    return this.spec.shared ? null : caller.userId;
  }

  /** A stored instant from a client value (validated upstream; a bad one here is still a 422). */
  private instant(field: string, value: unknown, zone: string): string {
    const d = parseInstant(value, zone);
    if (!d) throw validationError(['body', field], 'Input should be a valid datetime', 'datetime_parsing');
    if (this.past.has(field) && d.getTime() > this.clock.now().getTime() + PAST_SLACK_MS)
      throw validationError(['body', field], 'Input should be in the past', 'datetime_past');
    return d.toISOString();
  }

  private defaultOf(field: string): unknown {
    const d = (this.spec.defaults as Record<string, unknown> | undefined)?.[field];
    return Array.isArray(d) ? [...d] : (d ?? null);
  }

  /** The payload of a new record: every field (sent, else its default), instants in UTC, the owner. */
  buildPayload(caller: Caller, input: RecordInput<P>): P {
    const payload: Record<string, unknown> = {};
    const src = input as Record<string, unknown>;
    const now = this.spec.defaultNow?.length ? this.clock.now().toISOString() : '';
    for (const f of this.spec.fields) {
      const v = src[f];
      if ((v === undefined || v === null) && this.spec.defaultNow?.includes(f)) payload[f] = now;
      else if (v === undefined || v === null) payload[f] = this.defaultOf(f);
      else payload[f] = this.instants.has(f) ? this.instant(f, v, caller.zone) : v;
    }
    if (!this.spec.shared) payload.user_id = caller.userId;
    return payload as P;
  }

  /** Applies a PUT body to a stored payload (see the class comment for the rules). */
  merge(current: P, patch: RecordInput<P>, zone: string): P {
    const next: Record<string, unknown> = { ...current };
    const src = patch as Record<string, unknown>;
    for (const f of this.spec.fields) {
      const v = src[f];
      if (v === undefined || this.immutable.has(f)) continue;
      if (v === null) {
        if (this.clearable.has(f)) next[f] = this.defaultOf(f);
        continue;
      }
      next[f] = this.instants.has(f) ? this.instant(f, v, zone) : v;
    }
    return next as P;
  }

  private occurredAt(payload: P): Date | undefined {
    const f = this.spec.occurredAt;
    const v = f ? payload[f] : undefined;
    return typeof v === 'string' ? new Date(v) : undefined;
  }

  /** A store request for a new record (for callers that write several records in one transaction). */
  createRequest(caller: Caller, payload: P, options: WriteOptions & { id?: string } = {}): StoreRequest<P> {
    return {
      contextId: this.contextId(options.id ?? this.gateway.newRecordId()),
      userId: this.owner(caller),
      kind: this.spec.kind,
      source: this.spec.source ?? 'user',
      payload,
      ...(options.links ? { links: options.links } : {}),
      occurredAt: this.occurredAt(payload) ?? this.clock.now(),
    };
  }

  /** A compare-and-swap replace of `current` with `payload`. */
  replaceRequest(current: StoredRecord<P>, payload: P, options: WriteOptions = {}): StoreRequest<P> {
    const occurredAt = this.occurredAt(payload);
    return {
      contextId: current.contextId,
      userId: current.userId,
      kind: this.spec.kind,
      source: this.spec.source ?? 'user',
      payload,
      ...(options.links ? { links: options.links } : {}),
      ...(occurredAt ? { occurredAt } : {}),
      expectedVersion: current.version,
    };
  }

  async create(
    caller: Caller,
    input: RecordInput<P>,
    options: WriteOptions & { id?: string } = {},
  ): Promise<StoredRecord<P>> {
    const payload = this.buildPayload(caller, input);
    try {
      return await this.gateway.store(this.createRequest(caller, payload, options));
    } catch (e) {
      // A generated id that is taken (the clock went back across a restart and a time-ordered id came round
      // again): once more with a random id, which the next time-ordered one would not be.
      if (options.id !== undefined || !(e instanceof RecordConflictError)) throw e;
      return this.gateway.store(this.createRequest(caller, payload, { ...options, id: newId() }));
    }
  }

  /** The caller's record, or null when it does not exist or belongs to someone else. */
  async find(caller: Caller, id: string): Promise<StoredRecord<P> | null> {
    if (typeof id !== 'string' || !RECORD_ID_PATTERN.test(id)) return null;
    const rec = await this.gateway.get<P>(this.contextId(id));
    if (!rec || rec.type !== this.spec.type || rec.userId !== this.owner(caller)) return null;
    return rec;
  }

  async get(caller: Caller, id: string): Promise<StoredRecord<P>> {
    const rec = await this.find(caller, id);
    if (!rec) throw notFound(this.spec.notFound);
    return rec;
  }

  async list(caller: Caller, q: RecordListQuery): Promise<StoredRecord<P>[]> {
    return (await this.gateway.list<P>(this.listQuery(caller, q))).items;
  }

  /**
   * The same page as `list`, each record as the JSON text of `render(rec, caller.zone)`. The store may keep
   * the texts and hand them out again while a record is unchanged (the embedded SQLite store does), so
   * the key names everything else a text depends on: the zone, the spec and the render code.
   */
  listRendered(caller: Caller, q: RecordListQuery): Promise<string[]> {
    const zone = caller.zone;
    const rendering: RecordRendering<P> = {
      key: `${this.format} ${zone}`,
      render: (rec) => JSON.stringify(this.render(rec, zone)),
    };
    return this.gateway.listRendered<P>(this.listQuery(caller, q), rendering);
  }

  private listQuery(caller: Caller, q: RecordListQuery): ListQuery {
    return {
      userId: this.owner(caller),
      type: this.spec.type,
      ...(q.from ? { from: q.from } : {}),
      ...(q.to ? { to: q.to } : {}),
      ...(q.where ? { where: q.where } : {}),
      order: q.order ?? 'desc',
      limit: q.limit,
      offset: q.offset ?? 0,
      // No health-data route shows a total; counting would scan every match (the cost of a 100k-record list).
      countTotal: false,
    };
  }

  /** Every record of the caller of this type (bounded lists only: contacts, schedules, medications). */
  async all(caller: Caller, where?: Record<string, FilterValue>, max = 1000): Promise<StoredRecord<P>[]> {
    return this.list(caller, { where, limit: max, order: 'desc' });
  }

  /**
   * Read, merge the fields sent, check, write with the version read; on a concurrent change start over
   * (up to three times, then 409). `check` sees the merged payload, may throw a 4xx or adjust it, and may
   * return more writes to commit in the same transaction (compare-and-swap on each).
   */
  async update(
    caller: Caller,
    id: string,
    patch: RecordInput<P>,
    options: WriteOptions & {
      check?: (next: P, current: StoredRecord<P>) => void | StoreRequest[] | Promise<void | StoreRequest[]>;
    } = {},
  ): Promise<StoredRecord<P>> {
    for (let attempt = 1; ; attempt++) {
      const current = await this.get(caller, id);
      const next = this.merge(current.payload, patch, caller.zone);
      const also = options.check ? await options.check(next, current) : undefined;
      try {
        const req = this.replaceRequest(current, next, options);
        if (!also?.length) return await this.gateway.store(req);
        // Other records changed by the same rule (e.g. the old primary contact demoted) commit with it.
        return (await this.gateway.storeMany([req, ...also]))[0] as StoredRecord<P>;
      } catch (e) {
        if (e instanceof RecordConflictError && attempt < CAS_ATTEMPTS) continue;
        if (e instanceof RecordNotFoundError) throw notFound(this.spec.notFound);
        throw e;
      }
    }
  }

  /** Erases the caller's record (a real delete); 404 when it is missing or foreign. */
  async delete(caller: Caller, id: string): Promise<StoredRecord<P>> {
    const rec = await this.get(caller, id);
    await this.gateway.delete(rec.contextId);
    return rec;
  }

  /** The response body of a record, times in `zone`. Works on records read back from the cache too. */
  render(rec: StoredRecord<P>, zone: string): RecordView<P> {
    const out: Record<string, unknown> = { id: rec.id };
    if (!this.spec.shared) out.user_id = rec.userId;
    const payload = rec.payload as Record<string, unknown>;
    for (const f of this.spec.fields) {
      const v = payload[f];
      if (v === undefined || v === null) out[f] = this.defaultOf(f);
      else out[f] = this.instants.has(f) && typeof v === 'string' ? zonedIso(v, zone) : v;
    }
    out.created_at = zonedIso(rec.createdAt, zone);
    if (this.spec.updatedAt) out.updated_at = zonedIso(rec.updatedAt, zone);
    // Built field by field from the spec, whose `fields` list every payload field (fieldsOf).
    return out as RecordView<P>;
  }
}

/**
 * The code a rendered record depends on: the text of the modules `render` runs (this one, the zone
 * formatting and the zone offsets), the luxon release and the time-zone database (offsets change with it).
 * Read once; a changed build renders afresh.
 */
const RENDER_CODE = ((): string => {
  const h = createHash('sha256');
  for (const rel of ['./record-repository.js', './time.js', '../../schedule/local-time.js']) {
    // Built: the .js files; under the test runner: the .ts sources next to this one.
    const js = fileURLToPath(new URL(rel, import.meta.url));
    const file = existsSync(js) ? js : js.replace(/\.js$/, '.ts');
    h.update(readFileSync(file));
  }
  const luxon = (createRequire(import.meta.url)('luxon/package.json') as { version: string }).version;
  return h.update(`${luxon} ${process.versions.tz ?? ''} ${RENDER_FORMAT}`).digest('hex');
})();

/**
 * A short fingerprint of everything a rendered record depends on besides the record and the zone: the spec
 * (fields, defaults, instants…) and the render code (RENDER_CODE).
 */
function renderFormat(spec: RecordSpec): string {
  return createHash('sha256')
    .update(`${RENDER_CODE}\n${JSON.stringify(spec)}`)
    .digest('hex')
    .slice(0, 12);
}
