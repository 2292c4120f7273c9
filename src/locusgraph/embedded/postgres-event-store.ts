import pg from 'pg';
import { AppError } from '../../common/errors.js';
import { StoreUnavailableError, UserErasedError } from '../locusgraph.errors.js';
import type {
  GatewayHealth,
  ListQuery,
  ListResult,
  Payload,
  RecordLinks,
  SearchQuery,
  StoredRecord,
  StoreRequest,
} from '../locusgraph.types.js';
import { recordToJson } from '../ndjson.js';
import type { DeadLetter, OutboxEntry } from '../outbox.types.js';
import { CHUNK, DEFAULT_LEASE_MS, EmbeddedEventStore, MAX_ERROR_CHARS } from './embedded-event-store.js';
import {
  checkPaging,
  checkStoreRequest,
  checkWhere,
  linksFromJson,
  OUTBOX_COLUMNS,
  planWrite,
  PREFIX_MIN,
  RECORD_COLUMNS,
  searchTerms,
  searchText,
  toDeadLetter,
  toOutboxEntry,
  toStoredRecord,
  type CheckedStore,
  type OutboxRowBase,
  type RecordRowBase,
} from './record-model.js';

export interface PostgresEventStoreOptions {
  url: string;
  replicate?: boolean;
  /** Schema to use (created if missing); default: the connection's search_path (normally `public`). */
  schema?: string;
  poolSize?: number;
}

/**
 * Schema migrations of the PostgreSQL event store. Tables carry an `lg_` prefix because the event store
 * may share a database with the auth tables (EVENT_STORE_URL defaults to DATABASE_URL).
 */
const MIGRATIONS: { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'records, full-text index, outbox',
    sql: `
      CREATE TABLE lg_records (
        id         BIGSERIAL PRIMARY KEY,
        context_id TEXT     NOT NULL UNIQUE,
        type       TEXT     NOT NULL,
        user_id    TEXT,
        kind       TEXT     NOT NULL,
        source     TEXT     NOT NULL,
        ts         BIGINT   NOT NULL,
        created    BIGINT   NOT NULL,
        updated    BIGINT   NOT NULL,
        version    INTEGER  NOT NULL,
        payload    JSONB    NOT NULL,
        links      JSONB,
        search     TSVECTOR NOT NULL
      );
      CREATE INDEX lg_records_user_type_ts ON lg_records (user_id, type, ts, id);
      CREATE INDEX lg_records_search ON lg_records USING GIN (search);
      CREATE TABLE lg_outbox (
        seq             BIGSERIAL PRIMARY KEY,
        context_id      TEXT   NOT NULL,
        op              TEXT   NOT NULL CHECK (op IN ('store', 'delete')),
        record          JSONB,
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at BIGINT NOT NULL,
        last_error      TEXT,
        created_at      BIGINT NOT NULL,
        claimed_until   BIGINT
      );
      CREATE INDEX lg_outbox_context ON lg_outbox (context_id, seq);
      CREATE TABLE lg_outbox_dead (
        seq             BIGINT PRIMARY KEY,
        context_id      TEXT   NOT NULL,
        op              TEXT   NOT NULL,
        record          JSONB,
        attempts        INTEGER NOT NULL,
        next_attempt_at BIGINT NOT NULL,
        last_error      TEXT,
        created_at      BIGINT NOT NULL,
        failed_at       BIGINT NOT NULL
      );
      CREATE INDEX lg_outbox_dead_context ON lg_outbox_dead (context_id);
    `,
  },
  {
    version: 2,
    name: 'erased users',
    // Opaque tombstones of erased accounts (the id only): every write checks them in its own transaction.
    sql: 'CREATE TABLE lg_erased_users (user_id TEXT PRIMARY KEY, erased_at BIGINT NOT NULL)',
  },
];

/** Name of the advisory lock serialising migrations across replicas. */
const MIGRATION_LOCK = 'podd-locusgraph-migrations';

/**
 * First key of the per-user advisory locks (the second is hashtext(user_id)): writes of a user hold it
 * shared, the erasure of that user exclusive, so across every replica a write either commits before the
 * erasure starts deleting (and is erased) or waits and then finds the tombstone. A hash collision only
 * makes two users' writes and erasures wait for each other.
 */
const USER_LOCK_CLASS = 0x4c477545; // 'LGuE'

const COLS = RECORD_COLUMNS;

interface RecordRow extends RecordRowBase {
  payload: Payload;
  links: RecordLinks | null;
}

interface OutboxRow extends OutboxRowBase {
  record: unknown;
}

// int8 (ids, epoch ms) as JS numbers: every value we store is < 2^53.
const INT8_OID = 20;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID
      ? (v: string) => Number(v)
      : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

const rowToRecord = <P extends Payload = Payload>(r: RecordRow): StoredRecord<P> =>
  toStoredRecord(r, r.payload as P);
const outboxRowToEntry = (r: OutboxRow): OutboxEntry => toOutboxEntry(r, r.record);

const TRANSIENT_CODES = /^(08|53|57P0[123]|40001|40P01)/; // connection, resources, shutdown, serialization/deadlock

function translate(e: unknown): unknown {
  if (e instanceof AppError) return e;
  const code = (e as { code?: unknown })?.code;
  if (typeof code === 'string' && TRANSIENT_CODES.test(code))
    return new StoreUnavailableError(`postgres ${code}: ${(e as Error).message}`);
  if (typeof code === 'string' && /^E(CONNREFUSED|CONNRESET|TIMEDOUT|PIPE|NOTFOUND|AI_AGAIN)$/.test(code)) {
    return new StoreUnavailableError(`postgres unreachable: ${code}`);
  }
  if (
    e instanceof Error &&
    /timeout exceeded when trying to connect|Connection terminated/i.test(e.message)
  ) {
    return new StoreUnavailableError(`postgres: ${e.message}`);
  }
  return e;
}

function quoteIdent(s: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(s)) throw new Error(`invalid schema name "${s}"`);
  return `"${s}"`;
}

/**
 * The embedded event store on PostgreSQL (several replicas share it). Same behaviour as the SQLite driver;
 * durability is PostgreSQL's (synchronous_commit), each write is its own transaction and concurrent
 * writers of one context are serialised by a row lock (SELECT … FOR UPDATE) or the unique context id.
 */
export class PostgresEventStore extends EmbeddedEventStore {
  readonly driver = 'postgres' as const;
  readonly replicate: boolean;
  private readonly pool: pg.Pool;
  private closing: Promise<void> | null = null;

  private constructor(
    opts: PostgresEventStoreOptions,
    readonly schema: string | null,
  ) {
    super();
    this.replicate = opts.replicate ?? false;
    this.pool = new pg.Pool({
      connectionString: opts.url,
      max: opts.poolSize ?? 10,
      types,
      connectionTimeoutMillis: 10_000,
      ...(schema ? { options: `-c search_path=${quoteIdent(schema)}` } : {}),
    });
    // An idle client losing its connection must not crash the process; the next query reports it.
    this.pool.on('error', () => undefined);
  }

  static async open(opts: PostgresEventStoreOptions): Promise<PostgresEventStore> {
    if (opts.schema) {
      const admin = new pg.Client({ connectionString: opts.url });
      await admin.connect();
      try {
        await admin.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(opts.schema)}`);
      } catch (e) {
        if ((e as { code?: string }).code !== '23505') throw e; // concurrent CREATE SCHEMA
      } finally {
        await admin.end();
      }
    }
    const store = new PostgresEventStore(opts, opts.schema ?? null);
    try {
      store.migrationsApplied = await store.migrate();
    } catch (e) {
      await store.pool.end();
      throw translate(e);
    }
    return store;
  }

  // ------------------------------------------------------------------------------------------ helpers

  private assertOpen(): void {
    if (this.closing) throw new StoreUnavailableError('event store is closed');
  }

  private async q<R extends pg.QueryResultRow = pg.QueryResultRow>(
    sql: string,
    params: unknown[] = [],
    client?: pg.PoolClient,
  ): Promise<R[]> {
    this.assertOpen();
    try {
      return (await (client ?? this.pool).query<R>(sql, params)).rows;
    } catch (e) {
      throw translate(e);
    }
  }

  /** Runs fn in a transaction (committed durably when this resolves). */
  private async tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    this.assertOpen();
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (e) {
      throw translate(e);
    }
    try {
      // Explicit, whatever default_transaction_isolation says: the erasure check relies on each statement
      // seeing what committed before it started (erasedAmong).
      await client.query('BEGIN ISOLATION LEVEL READ COMMITTED');
      const out = await fn(client);
      await client.query('COMMIT');
      return out;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw translate(e);
    } finally {
      client.release();
    }
  }

  // ------------------------------------------------------------------------------------------ migrations

  async schemaVersion(): Promise<number> {
    const rows = await this.q<{ v: number }>(
      `SELECT CASE WHEN to_regclass('lg_schema_migrations') IS NULL THEN 0
              ELSE (SELECT coalesce(max(version), 0) FROM lg_schema_migrations) END AS v`,
    ).catch(() => [{ v: 0 }]);
    return Number(rows[0].v);
  }

  async migrate(): Promise<number[]> {
    return this.tx(async (c) => {
      // Replicas starting together wait here; the first applies, the others then find nothing to do.
      await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [MIGRATION_LOCK]);
      await c.query(
        'CREATE TABLE IF NOT EXISTS lg_schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
      );
      const current = Number(
        (await c.query('SELECT coalesce(max(version), 0) AS v FROM lg_schema_migrations')).rows[0].v,
      );
      const latest = MIGRATIONS[MIGRATIONS.length - 1].version;
      if (current > latest)
        throw new Error(
          `event store schema version ${current} is newer than this build knows (${latest}); upgrade Podd`,
        );
      const applied: number[] = [];
      for (const m of MIGRATIONS) {
        if (m.version <= current) continue;
        await c.query(m.sql);
        await c.query('INSERT INTO lg_schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
          m.version,
          m.name,
          Date.now(),
        ]);
        applied.push(m.version);
      }
      return applied;
    });
  }

  // ------------------------------------------------------------------------------------------ writes

  private async enqueueOutbox(
    c: pg.PoolClient,
    contextId: string,
    op: 'store' | 'delete',
    record: unknown,
  ): Promise<void> {
    const now = Date.now();
    await c.query(
      'INSERT INTO lg_outbox (context_id, op, record, next_attempt_at, created_at) VALUES ($1, $2, $3, $4, $4)',
      [contextId, op, record === null ? null : JSON.stringify(record), now],
    );
  }

  /** Inserts or overwrites a record exactly as given. */
  private async putRow(
    c: pg.PoolClient,
    existingId: number | null,
    rec: StoredRecord,
    payloadJson: string,
  ): Promise<void> {
    const values = [
      rec.type,
      rec.userId,
      rec.kind,
      rec.source,
      rec.occurredAt.getTime(),
      rec.createdAt.getTime(),
      rec.updatedAt.getTime(),
      rec.version,
      payloadJson,
      rec.links.related_to.length || rec.links.extends.length ? JSON.stringify(rec.links) : null,
      rec.type + ' \n ' + searchText(rec.payload),
    ];
    if (existingId !== null) {
      await c.query(
        `UPDATE lg_records SET type = $1, user_id = $2, kind = $3, source = $4, ts = $5, created = $6, updated = $7,
                version = $8, payload = $9::jsonb, links = $10::jsonb, search = to_tsvector('simple', $11) WHERE id = $12`,
        [...values, existingId],
      );
    } else {
      await c.query(
        `INSERT INTO lg_records (type, user_id, kind, source, ts, created, updated, version, payload, links, search, context_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10::jsonb, to_tsvector('simple', $11), $12)`,
        [...values, rec.contextId],
      );
    }
    if (this.replicate) await this.enqueueOutbox(c, rec.contextId, 'store', recordToJson(rec));
  }

  private async storeOp(c: pg.PoolClient, chk: CheckedStore, now: number): Promise<StoredRecord> {
    const ctx = chk.req.contextId;
    for (let attempt = 0; ; attempt++) {
      const cur = (
        await c.query<{
          id: number;
          user_id: string | null;
          version: number;
          created: number;
          ts: number;
          links: RecordRow['links'];
        }>(
          'SELECT id, user_id, version, created, ts, links FROM lg_records WHERE context_id = $1 FOR UPDATE',
          [ctx],
        )
      ).rows[0];
      const rec = planWrite(
        cur
          ? {
              userId: cur.user_id,
              version: cur.version,
              created: cur.created,
              ts: cur.ts,
              links: linksFromJson(cur.links),
            }
          : null,
        chk,
        now,
      );
      if (cur) {
        await this.putRow(c, cur.id, rec, chk.payloadJson);
        return rec;
      }
      // Nothing to lock yet: a concurrent creator may win the unique context id; then decide again.
      await c.query('SAVEPOINT ins');
      try {
        await this.putRow(c, null, rec, chk.payloadJson);
        await c.query('RELEASE SAVEPOINT ins');
        return rec;
      } catch (e) {
        await c.query('ROLLBACK TO SAVEPOINT ins');
        if ((e as { code?: string }).code !== '23505' || attempt > 0) throw e;
      }
    }
  }

  /**
   * The erased users among these owners. With `lock`, first takes their shared per-user locks for the rest of
   * the transaction; the tombstones are then read in a statement of their own, after the locks are granted,
   * so under READ COMMITTED it sees an erasure that committed while this transaction waited.
   */
  private async erasedAmong(
    c: pg.PoolClient,
    owners: (string | null)[],
    lock: boolean,
  ): Promise<Set<string>> {
    const ids = [...new Set(owners.filter((u): u is string => u !== null))].sort();
    if (!ids.length) return new Set();
    if (lock)
      await c.query(
        'SELECT pg_advisory_xact_lock_shared($1, hashtext(u)) FROM unnest($2::text[]) WITH ORDINALITY AS t(u, i) ORDER BY i',
        [USER_LOCK_CLASS, ids],
      );
    const rows = await c.query<{ user_id: string }>(
      'SELECT user_id FROM lg_erased_users WHERE user_id = ANY($1::text[])',
      [ids],
    );
    return new Set(rows.rows.map((r) => r.user_id));
  }

  /** Refuses a write transaction that would store a record of an erased user. */
  private async refuseErased(c: pg.PoolClient, owners: (string | null)[]): Promise<void> {
    if ((await this.erasedAmong(c, owners, true)).size) throw new UserErasedError();
  }

  override async store<P extends Payload>(req: StoreRequest<P>): Promise<StoredRecord<P>> {
    const chk = checkStoreRequest(req);
    return (await this.tx(async (c) => {
      await this.refuseErased(c, [req.userId]);
      return this.storeOp(c, chk, Date.now());
    })) as StoredRecord<P>;
  }

  override async storeMany(reqs: StoreRequest[]): Promise<StoredRecord[]> {
    const checked = reqs.map(checkStoreRequest);
    if (!checked.length) return [];
    return this.tx(async (c) => {
      await this.refuseErased(
        c,
        reqs.map((r) => r.userId),
      );
      const now = Date.now();
      const out: StoredRecord[] = [];
      for (const chk of checked) out.push(await this.storeOp(c, chk, now));
      return out;
    });
  }

  /** Erases rows (and not-yet-sent copies in the outbox) and enqueues the deletes for the replica. */
  private async eraseContexts(c: pg.PoolClient, contextIds: string[]): Promise<void> {
    if (!contextIds.length) return;
    await c.query(
      "DELETE FROM lg_outbox WHERE context_id = ANY($1::text[]) AND op = 'store' AND (claimed_until IS NULL OR claimed_until <= $2)",
      [contextIds, Date.now()],
    );
    await c.query('DELETE FROM lg_outbox_dead WHERE context_id = ANY($1::text[])', [contextIds]);
    if (this.replicate) {
      const now = Date.now();
      await c.query(
        `INSERT INTO lg_outbox (context_id, op, record, next_attempt_at, created_at)
         SELECT ctx, 'delete', NULL, $2, $2 FROM unnest($1::text[]) WITH ORDINALITY AS t(ctx, i) ORDER BY i`,
        [contextIds, now],
      );
    }
  }

  override async delete(contextId: string): Promise<boolean> {
    return this.tx(async (c) => {
      const rows = (
        await c.query<{ context_id: string }>(
          'DELETE FROM lg_records WHERE context_id = $1 RETURNING context_id',
          [contextId],
        )
      ).rows;
      await this.eraseContexts(
        c,
        rows.map((r) => r.context_id),
      );
      return rows.length > 0;
    });
  }

  /**
   * Erasure: waits for the user's writes in flight on any replica (exclusive per-user lock), records the
   * tombstone that refuses later ones, then deletes. PostgreSQL keeps the deleted tuples until VACUUM and
   * in its WAL until recycled (docs/SECURITY.md).
   */
  override async deleteAllForUser(userId: string): Promise<number> {
    return this.tx(async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [USER_LOCK_CLASS, userId]);
      await c.query(
        'INSERT INTO lg_erased_users (user_id, erased_at) VALUES ($1, $2) ON CONFLICT (user_id) DO NOTHING',
        [userId, Date.now()],
      );
      const rows = (
        await c.query<{ context_id: string }>(
          'DELETE FROM lg_records WHERE user_id = $1 RETURNING context_id',
          [userId],
        )
      ).rows;
      await this.eraseContexts(
        c,
        rows.map((r) => r.context_id),
      );
      return rows.length;
    });
  }

  protected override async importChunk(chunk: { rec: StoredRecord; payloadJson: string }[]): Promise<number> {
    return this.tx(async (c) => {
      // An old export must not bring an erased account back (an import is an operator's act: no locks).
      const erased = await this.erasedAmong(
        c,
        chunk.map((x) => x.rec.userId),
        false,
      );
      const items = chunk.filter((x) => x.rec.userId === null || !erased.has(x.rec.userId));
      await this.upsertImported(c, items);
      return items.length;
    });
  }

  private async upsertImported(
    c: pg.PoolClient,
    items: { rec: StoredRecord; payloadJson: string }[],
  ): Promise<void> {
    if (!items.length) return;
    const rows = items.map(({ rec, payloadJson }) => ({
      context_id: rec.contextId,
      type: rec.type,
      user_id: rec.userId,
      kind: rec.kind,
      source: rec.source,
      ts: rec.occurredAt.getTime(),
      created: rec.createdAt.getTime(),
      updated: rec.updatedAt.getTime(),
      version: rec.version,
      payload: payloadJson,
      links: rec.links.related_to.length || rec.links.extends.length ? JSON.stringify(rec.links) : null,
      text: rec.type + ' \n ' + searchText(rec.payload),
    }));
    await c.query(
      `INSERT INTO lg_records (context_id, type, user_id, kind, source, ts, created, updated, version, payload, links, search)
       SELECT x.context_id, x.type, x.user_id, x.kind, x.source, x.ts, x.created, x.updated, x.version,
              x.payload::jsonb, x.links::jsonb, to_tsvector('simple', x.text)
         FROM jsonb_to_recordset($1::jsonb) AS x(context_id text, type text, user_id text, kind text, source text,
              ts bigint, created bigint, updated bigint, version int, payload text, links text, text text)
       ON CONFLICT (context_id) DO UPDATE SET type = excluded.type, user_id = excluded.user_id, kind = excluded.kind,
              source = excluded.source, ts = excluded.ts, created = excluded.created, updated = excluded.updated,
              version = excluded.version, payload = excluded.payload, links = excluded.links, search = excluded.search`,
      [JSON.stringify(rows)],
    );
    if (this.replicate) {
      for (const { rec } of items) await this.enqueueOutbox(c, rec.contextId, 'store', recordToJson(rec));
    }
  }

  // ------------------------------------------------------------------------------------------ reads

  override async get<P extends Payload>(contextId: string): Promise<StoredRecord<P> | null> {
    const rows = await this.q<RecordRow>(`SELECT ${COLS} FROM lg_records WHERE context_id = $1`, [contextId]);
    return rows[0] ? rowToRecord<P>(rows[0]) : null;
  }

  override async list<P extends Payload>(q: ListQuery): Promise<ListResult<P>> {
    const { limit, offset } = checkPaging(q.limit, q.offset);
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (v: unknown): string => {
      params.push(v);
      return `$${params.length}`;
    };
    where.push(q.userId === null ? 'user_id IS NULL' : `user_id = ${p(q.userId)}`);
    where.push(`type = ${p(q.type)}`);
    if (q.from) where.push(`ts >= ${p(q.from.getTime())}`);
    if (q.to) where.push(`ts < ${p(q.to.getTime())}`);
    const equal: Record<string, unknown> = {};
    for (const [k, v] of checkWhere(q.where)) {
      if (v === null) where.push(`(payload -> ${p(k)} IS NULL OR payload -> ${p(k)} = 'null'::jsonb)`);
      else equal[k] = v;
    }
    if (Object.keys(equal).length) where.push(`payload @> ${p(JSON.stringify(equal))}::jsonb`);
    const cond = where.join(' AND ');
    const dir = q.order === 'asc' ? 'ASC' : 'DESC';
    const rows =
      limit === 0
        ? []
        : await this.q<RecordRow>(
            `SELECT ${COLS} FROM lg_records WHERE ${cond} ORDER BY ts ${dir}, id ${dir} LIMIT ${limit} OFFSET ${offset}`,
            params,
          );
    const total =
      q.countTotal === false || (offset === 0 && rows.length < limit)
        ? offset + rows.length
        : Number(
            (
              await this.q<{ n: number }>(`SELECT count(*)::int AS n FROM lg_records WHERE ${cond}`, params)
            )[0].n,
          );
    return { items: rows.map((r) => rowToRecord<P>(r)), total };
  }

  override async search<P extends Payload>(q: SearchQuery): Promise<StoredRecord<P>[]> {
    const terms = searchTerms(q.text);
    const limit = Math.min(Math.max(Math.trunc(q.limit) || 0, 0), 1000);
    if (!terms.length || !limit || !q.userId) return [];
    const tsquery = terms.map((t) => (t.length >= PREFIX_MIN ? `${t}:*` : t)).join(' | ');
    const params: unknown[] = [q.userId, tsquery];
    let typeCond = '';
    if (q.types?.length) {
      params.push(q.types);
      typeCond = ' AND type = ANY($3::text[])';
    }
    const rows = await this.q<RecordRow>(
      `SELECT ${COLS} FROM lg_records, to_tsquery('simple', $2) AS query
        WHERE user_id = $1 AND search @@ query${typeCond}
        ORDER BY ts_rank(search, query) DESC, ts DESC LIMIT ${limit}`,
      params,
    );
    return rows.map((r) => rowToRecord<P>(r));
  }

  protected override async exportPage(
    after: number,
    userId: string | undefined,
  ): Promise<{ records: StoredRecord[]; lastId: number }> {
    const rows =
      userId !== undefined
        ? await this.q<RecordRow>(
            `SELECT ${COLS} FROM lg_records WHERE user_id = $1 AND id > $2 ORDER BY id LIMIT ${CHUNK}`,
            [userId, after],
          )
        : await this.q<RecordRow>(`SELECT ${COLS} FROM lg_records WHERE id > $1 ORDER BY id LIMIT ${CHUNK}`, [
            after,
          ]);
    return {
      records: rows.map((r) => rowToRecord(r)),
      lastId: rows.length ? rows[rows.length - 1].id : after,
    };
  }

  override async erasedUsers(): Promise<string[]> {
    const rows = await this.q<{ user_id: string }>('SELECT user_id FROM lg_erased_users ORDER BY user_id');
    return rows.map((r) => r.user_id);
  }

  override async count(options?: { userId?: string }): Promise<number> {
    const rows =
      options?.userId !== undefined
        ? await this.q<{ n: number }>('SELECT count(*)::int AS n FROM lg_records WHERE user_id = $1', [
            options.userId,
          ])
        : await this.q<{ n: number }>('SELECT count(*)::int AS n FROM lg_records');
    return Number(rows[0].n);
  }

  override async health(): Promise<GatewayHealth> {
    const details: Record<string, unknown> = { driver: 'postgres', replicate: this.replicate };
    if (this.closing) return { status: 'down', details: { ...details, error: 'closed' } };
    try {
      await this.q('SELECT 1');
      details.pool = {
        total: this.pool.totalCount,
        idle: this.pool.idleCount,
        waiting: this.pool.waitingCount,
      };
      if (this.replicate) {
        details.outbox_depth = await this.depth();
        details.dead_letters = Number(
          (await this.q<{ n: number }>('SELECT count(*)::int AS n FROM lg_outbox_dead'))[0].n,
        );
      }
      return { status: 'up', details };
    } catch (e) {
      return { status: 'down', details: { ...details, error: (e as Error).message } };
    }
  }

  // ------------------------------------------------------------------------------------------ outbox

  override async claimDue(now: number, limit: number, leaseMs = DEFAULT_LEASE_MS): Promise<OutboxEntry[]> {
    // SKIP LOCKED + the lease let several replicas drain one outbox without handing out one context twice.
    const rows = await this.q<OutboxRow>(
      `UPDATE lg_outbox SET claimed_until = $3
        WHERE seq IN (
          SELECT o.seq FROM lg_outbox o
           WHERE o.next_attempt_at <= $1 AND (o.claimed_until IS NULL OR o.claimed_until <= $1)
             AND NOT EXISTS (SELECT 1 FROM lg_outbox p WHERE p.context_id = o.context_id AND p.seq < o.seq)
           ORDER BY o.seq LIMIT $2
           FOR UPDATE SKIP LOCKED)
        RETURNING ${OUTBOX_COLUMNS}`,
      [now, limit, now + leaseMs],
    );
    return rows.sort((a, b) => a.seq - b.seq).map(outboxRowToEntry);
  }

  override async complete(seq: number): Promise<void> {
    await this.q('DELETE FROM lg_outbox WHERE seq = $1', [seq]);
  }

  override async retryLater(seq: number, nextAttemptAt: number, error: string): Promise<void> {
    await this.q(
      'UPDATE lg_outbox SET attempts = attempts + 1, next_attempt_at = $2, last_error = $3, claimed_until = NULL WHERE seq = $1',
      [seq, nextAttemptAt, String(error).slice(0, MAX_ERROR_CHARS)],
    );
  }

  override async deadLetter(seq: number, error: string): Promise<void> {
    await this.q(
      `WITH moved AS (DELETE FROM lg_outbox WHERE seq = $1 RETURNING *)
       INSERT INTO lg_outbox_dead (seq, context_id, op, record, attempts, next_attempt_at, last_error, created_at, failed_at)
       SELECT seq, context_id, op, record, attempts + 1, next_attempt_at, $2, created_at, $3 FROM moved`,
      [seq, String(error).slice(0, MAX_ERROR_CHARS), Date.now()],
    );
  }

  override async depth(): Promise<number> {
    return Number((await this.q<{ n: number }>('SELECT count(*)::int AS n FROM lg_outbox'))[0].n);
  }

  override async deadLetters(limit: number): Promise<DeadLetter[]> {
    const rows = await this.q<OutboxRow>(
      `SELECT ${OUTBOX_COLUMNS}, failed_at FROM lg_outbox_dead ORDER BY failed_at DESC, seq DESC LIMIT $1`,
      [limit],
    );
    return rows.map((r) => toDeadLetter(r, r.record));
  }

  override async requeueDeadLetters(): Promise<number> {
    return this.tx(async (c) => {
      await c.query('SELECT seq FROM lg_outbox_dead FOR UPDATE'); // FOR UPDATE is not allowed with GROUP BY
      const dead = (
        await c.query<{ context_id: string; n: number }>(
          'SELECT context_id, count(*)::int AS n FROM lg_outbox_dead GROUP BY context_id ORDER BY min(seq)',
        )
      ).rows;
      let n = 0;
      for (const d of dead) {
        const cur = (
          await c.query<RecordRow>(`SELECT ${COLS} FROM lg_records WHERE context_id = $1`, [d.context_id])
        ).rows[0];
        if (cur) await this.enqueueOutbox(c, d.context_id, 'store', recordToJson(rowToRecord(cur)));
        else await this.enqueueOutbox(c, d.context_id, 'delete', null);
        n += d.n;
      }
      await c.query('DELETE FROM lg_outbox_dead WHERE context_id = ANY($1::text[])', [
        dead.map((d) => d.context_id),
      ]);
      return n;
    });
  }

  // ------------------------------------------------------------------------------------------ lifecycle

  override close(): Promise<void> {
    this.closing ??= this.pool.end();
    return this.closing;
  }
}
