import { close as fsClose, fdatasync, openSync } from 'node:fs';
import Database from 'better-sqlite3';
import { AppError } from '../../common/errors.js';
import { timeOrderedIds } from '../../common/ids.js';
import { ensurePrivateSqliteFile } from '../../common/private-files.js';
import { StoreUnavailableError, UserErasedError } from '../locusgraph.errors.js';
import type {
  GatewayHealth,
  ListQuery,
  ListResult,
  Payload,
  RecordRendering,
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
  linksToJson,
  OUTBOX_COLUMNS,
  planWrite,
  PREFIX_MIN,
  RECORD_COLUMNS,
  searchTerms,
  searchText,
  toDeadLetter,
  toOutboxEntry,
  toStoredRecord,
  userSearchToken,
  type CheckedStore,
  type OutboxRowBase,
  type RecordRowBase,
} from './record-model.js';
import { WalCheckpointer, type CheckpointStats } from './sqlite-checkpointer.js';

/**
 * How a write is made durable before its promise resolves.
 * - `wal-fdatasync` (default): synchronous=NORMAL, then an fdatasync of the WAL file on the libuv thread
 *   pool; the promise resolves when it returns. Same guarantee as synchronous=FULL (the commit's WAL
 *   frames are on disk) without blocking the event loop, and one fdatasync covers every commit made while
 *   the previous one was running (group commit across transactions).
 * - `full`: synchronous=FULL; SQLite syncs the WAL inside COMMIT, on the event loop.
 * - `normal`: synchronous=NORMAL and nothing else. NOT durable on power loss; benchmarks only.
 */
export type SqliteDurability = 'wal-fdatasync' | 'full' | 'normal';

export interface SqliteEventStoreOptions {
  file: string;
  replicate?: boolean;
  durability?: SqliteDurability;
  /** Background WAL checkpoints in a worker thread (default on; interval 500 ms). */
  checkpointer?: boolean | { intervalMs?: number };
  /** Page cache of the main connection in KiB (default 64 MiB). */
  cacheKiB?: number;
  /**
   * Memory-mapped reads (PRAGMA mmap_size; default 8 GiB, capped by SQLite's build limit; 0 = off).
   * Halves the latency of list queries on large files (no pread per page). An I/O error while reading a
   * mapped page raises SIGBUS instead of an error code: the process dies and restarts.
   */
  mmapBytes?: number;
}

/** Schema migrations of locusgraph.db, applied in order at open (and by `podd migrate`). */
const MIGRATIONS: { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'records, full-text index, outbox',
    sql: `
      CREATE TABLE records (
        id         INTEGER PRIMARY KEY,
        context_id TEXT    NOT NULL UNIQUE,
        type       TEXT    NOT NULL,
        user_id    TEXT,
        kind       TEXT    NOT NULL,
        source     TEXT    NOT NULL,
        ts         INTEGER NOT NULL,   -- occurredAt, epoch ms
        created    INTEGER NOT NULL,
        updated    INTEGER NOT NULL,
        version    INTEGER NOT NULL,
        payload    TEXT    NOT NULL,   -- JSON object
        links      TEXT                -- JSON {related_to, extends}; NULL when both are empty
      );
      -- "newest N of one type for one user in a time range": a range scan of N index entries.
      CREATE INDEX records_user_type_ts ON records (user_id, type, ts);
      -- u: a per-user token (so the user restriction is part of the match), t: the payload text.
      CREATE VIRTUAL TABLE records_fts USING fts5 (
        u, t, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2'
      );
      CREATE TABLE outbox (
        seq             INTEGER PRIMARY KEY AUTOINCREMENT,
        context_id      TEXT    NOT NULL,
        op              TEXT    NOT NULL CHECK (op IN ('store', 'delete')),
        record          TEXT,             -- NDJSON form of the record for 'store'
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        last_error      TEXT,
        created_at      INTEGER NOT NULL,
        claimed_until   INTEGER
      );
      CREATE INDEX outbox_context ON outbox (context_id, seq);
      CREATE TABLE outbox_dead (
        seq             INTEGER PRIMARY KEY,
        context_id      TEXT    NOT NULL,
        op              TEXT    NOT NULL,
        record          TEXT,
        attempts        INTEGER NOT NULL,
        next_attempt_at INTEGER NOT NULL,
        last_error      TEXT,
        created_at      INTEGER NOT NULL,
        failed_at       INTEGER NOT NULL
      );
      CREATE INDEX outbox_dead_context ON outbox_dead (context_id);
    `,
  },
  {
    version: 2,
    name: 'erased users',
    // Opaque tombstones of erased accounts (the id only): every write checks them in its own transaction.
    sql: 'CREATE TABLE erased_users (user_id TEXT PRIMARY KEY, erased_at INTEGER NOT NULL) WITHOUT ROWID;',
  },
  {
    version: 3,
    name: 'rendered records',
    // The record as the API last showed it (see listRendered): a cache of the row, cleared by every write of it.
    sql: 'ALTER TABLE records ADD COLUMN view_key TEXT; ALTER TABLE records ADD COLUMN view TEXT;',
  },
];

/** The schema version this build creates (restore refuses a backup from a newer build). */
export const SQLITE_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

interface RecordRow extends RecordRowBase {
  payload: string;
  links: string | null;
}

interface OutboxRow extends OutboxRowBase {
  record: string | null;
}

const COLS = RECORD_COLUMNS;
const TRANSIENT = /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN|READONLY|CORRUPT|NOTADB)/;

/** The outcome of one queued write inside a committed batch. */
interface BatchResult {
  ok: boolean;
  value: unknown;
}

interface PendingWrite {
  run: () => unknown;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  /** A cache write (kept renderings): never waits for the lock or the disk, dropped when it cannot run. */
  optional?: boolean;
}

/** How long a write waits for another connection's write lock (an import, a restore) before SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5000;

const rowToRecord = <P extends Payload = Payload>(r: RecordRow): StoredRecord<P> =>
  toStoredRecord(r, JSON.parse(r.payload) as P);

/**
 * Columns of the record-returning reads in raw mode (rows as arrays: half the cost of a row object). A list
 * reads only the first nine: its owner and type are those of the query, and each column read costs about as
 * much as parsing the payload (better-sqlite3 builds a JS value per column and row).
 */
const LIST_COLS = 'context_id, kind, source, ts, created, updated, version, payload, links';
const RAW_COLS = `${LIST_COLS}, id, type, user_id`;
type RawRow = [
  string,
  string,
  string,
  number,
  number,
  number,
  number,
  string,
  string | null,
  number,
  string,
  string | null,
];
const rawToRecord = <P extends Payload = Payload>(
  a: RawRow,
  type: string = a[10],
  userId: string | null = a[11],
): StoredRecord<P> => ({
  contextId: a[0],
  type,
  id: a[0].slice(type.length + 1),
  userId,
  kind: a[1] as StoredRecord['kind'],
  source: a[2] as StoredRecord['source'],
  payload: JSON.parse(a[7]) as P,
  links: linksFromJson(a[8]),
  occurredAt: new Date(a[3]),
  createdAt: new Date(a[4]),
  updatedAt: new Date(a[5]),
  version: a[6],
});
const outboxRowToEntry = (r: OutboxRow): OutboxEntry =>
  toOutboxEntry(r, r.record === null ? null : JSON.parse(r.record));

/** Wraps driver failures that mean "the store cannot serve now" into a 503; lets app errors through. */
function translate(e: unknown): unknown {
  if (e instanceof AppError) return e;
  const code = (e as { code?: unknown })?.code;
  if (typeof code === 'string' && TRANSIENT.test(code))
    return new StoreUnavailableError(`${code}: ${(e as Error).message}`);
  return e;
}

/**
 * The embedded event store on a SQLite file (better-sqlite3, WAL). The system of record when no
 * PostgreSQL is configured. All writes go through one queue: the writes issued in one event-loop turn are
 * committed in ONE transaction on setImmediate, each in its own savepoint (a failing write, e.g. a version
 * conflict, does not affect the others), then made durable (see SqliteDurability) before any resolves.
 */
export class SqliteEventStore extends EmbeddedEventStore {
  readonly driver = 'sqlite' as const;
  readonly replicate: boolean;
  readonly durability: SqliteDurability;
  readonly file: string;

  private readonly db: Database.Database;
  private readonly stmts = new Map<string, Database.Statement>();
  private queue: PendingWrite[] = [];
  private flushScheduled = false;
  private closed = false;
  private closing: Promise<void> | null = null;
  private checkpointer: WalCheckpointer | null = null;
  private inFlight = new Set<Promise<unknown>>();

  // wal-fdatasync bookkeeping
  private walFd: number | null = null;
  private commitSeq = 0;
  private syncRunning = false;
  private syncWaiters: { seq: number; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private syncFailure: Error | null = null;
  private syncs = 0;

  /** One process writes this store (see timeOrderedIds): its new records get time-ordered ids. */
  private readonly nextRecordId = timeOrderedIds();

  override newRecordId(): string {
    return this.nextRecordId();
  }

  private constructor(opts: SqliteEventStoreOptions) {
    super();
    this.file = opts.file;
    this.replicate = opts.replicate ?? false;
    this.durability = opts.durability ?? 'wal-fdatasync';
    ensurePrivateSqliteFile(opts.file);
    this.db = new Database(opts.file);
    try {
      this.db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      // Deleted content is overwritten with zeros (erasure must not leave records in free pages).
      this.db.pragma('secure_delete = ON');
      const mode = this.db.pragma('journal_mode = WAL', { simple: true });
      if (String(mode).toLowerCase() !== 'wal')
        throw new Error(`cannot switch ${opts.file} to WAL (got ${mode})`);
      this.db.pragma(`synchronous = ${this.durability === 'full' ? 'FULL' : 'NORMAL'}`);
      this.db.pragma('foreign_keys = ON');
      this.db.pragma('wal_autocheckpoint = 0'); // checkpoints run in the checkpointer thread
      this.db.pragma('journal_size_limit = 67108864');
      this.db.pragma(`cache_size = -${opts.cacheKiB ?? 65536}`);
      this.db.pragma(`mmap_size = ${opts.mmapBytes ?? 8 * 2 ** 30}`);
      this.db.pragma('temp_store = MEMORY');
    } catch (e) {
      this.db.close();
      throw e;
    }
  }

  /** Opens (creating if needed) and migrates the store; starts the checkpointer. */
  static async open(opts: SqliteEventStoreOptions): Promise<SqliteEventStore> {
    const store = new SqliteEventStore(opts);
    try {
      store.migrationsApplied = await store.migrate();
    } catch (e) {
      store.db.close();
      throw e;
    }
    if (opts.checkpointer !== false) {
      const interval = typeof opts.checkpointer === 'object' ? opts.checkpointer.intervalMs : undefined;
      store.checkpointer = new WalCheckpointer(opts.file, interval);
    }
    return store;
  }

  // ------------------------------------------------------------------------------------------ migrations

  async schemaVersion(): Promise<number> {
    this.db.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
    );
    return (
      this.db.prepare('SELECT coalesce(max(version), 0) AS v FROM schema_migrations').get() as { v: number }
    ).v;
  }

  async migrate(): Promise<number[]> {
    this.assertOpen();
    const applied: number[] = [];
    // BEGIN IMMEDIATE serialises concurrent migrators (server start and `podd migrate` at once).
    const run = this.db.transaction(() => {
      this.db.exec(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
      );
      const current = (
        this.db.prepare('SELECT coalesce(max(version), 0) AS v FROM schema_migrations').get() as { v: number }
      ).v;
      const latest = MIGRATIONS[MIGRATIONS.length - 1].version;
      if (current > latest) {
        throw new Error(
          `${this.file} has schema version ${current}, newer than this build knows (${latest}); upgrade Podd`,
        );
      }
      for (const m of MIGRATIONS) {
        if (m.version <= current) continue;
        this.db.exec(m.sql);
        this.db
          .prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
          .run(m.version, m.name, Date.now());
        applied.push(m.version);
      }
    });
    run.immediate();
    return applied;
  }

  // ------------------------------------------------------------------------------------------ write path

  private stmt(sql: string): Database.Statement {
    let s = this.stmts.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      if (this.stmts.size > 500) this.stmts.clear();
      this.stmts.set(sql, s);
    }
    return s;
  }

  /** A cached statement returning rows as arrays (for the record-returning reads). */
  private rawStmt(sql: string): Database.Statement<unknown[], RawRow> {
    return this.stmt(`/*raw*/ ${sql}`).raw(true) as Database.Statement<unknown[], RawRow>;
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreUnavailableError('event store is closed');
  }

  /** Queues a write; it runs inside the next group transaction. Resolves once durable (see PendingWrite.optional). */
  private write<T>(run: () => T, optional = false): Promise<T> {
    if (this.closed || this.closing)
      return Promise.reject(new StoreUnavailableError('event store is closed'));
    if (this.syncFailure)
      return Promise.reject(
        new StoreUnavailableError(`WAL sync failed earlier: ${this.syncFailure.message}`),
      );
    const p = new Promise<T>((resolve, reject) => {
      this.queue.push({ run, resolve: resolve as (v: unknown) => void, reject, optional });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
    this.inFlight.add(p);
    const done = (): void => void this.inFlight.delete(p);
    p.then(done, done);
    return p;
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (!batch.length) return;
    if (batch.every((w) => w.optional)) return this.flushOptional(batch);
    // First the whole batch in one transaction with no savepoint per write: FTS5 writes its pending index data
    // out as a new segment at every savepoint, which doubled the cost of a write (measured 37 → 17 µs). When a
    // write throws, that attempt is rolled back and the batch runs again with a savepoint around that write and
    // each after it, so a failing write (a version conflict, an erased owner) fails alone. Queued writes are
    // functions of the database state and the clock only, so running one twice is safe.
    let settled: BatchResult[];
    try {
      // Each retry isolates from an earlier write than the last, so this ends (at 0 every write is isolated).
      let attempt = this.runBatch(batch, batch.length);
      while (typeof attempt === 'number') attempt = this.runBatch(batch, attempt);
      settled = attempt;
    } catch (e) {
      for (const w of batch) w.reject(translate(e));
      return;
    }
    const settle = (): void => {
      batch.forEach((w, i) => (settled[i].ok ? w.resolve(settled[i].value) : w.reject(settled[i].value)));
    };
    if (this.durability !== 'wal-fdatasync') return settle();
    this.afterCommitSync().then(settle, (e) => batch.forEach((w) => w.reject(e)));
  }

  /**
   * A batch of cache writes only: a read queued them, so it must not make the event loop wait for another
   * connection's write lock (busy_timeout blocks the thread) nor for the disk. They run only when the lock is
   * free at once, and are not synced (a later durable commit's fdatasync covers their frames; lost, they are
   * written again on the next read).
   */
  private flushOptional(batch: PendingWrite[]): void {
    this.db.pragma('busy_timeout = 0');
    try {
      let attempt = this.runBatch(batch, batch.length);
      while (typeof attempt === 'number') attempt = this.runBatch(batch, attempt);
    } catch {
      // SQLITE_BUSY (or any failure): dropped.
    } finally {
      this.db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    }
    for (const w of batch) w.resolve(undefined);
  }

  /**
   * Runs and commits a batch in one transaction, with a savepoint around each write from index `isolateFrom` on.
   * When a write before that index throws, the transaction is rolled back and the answer is that write's index
   * (run again isolating from there: the writes before it succeeded on the same state). Throws when the
   * transaction itself cannot begin or commit (then nothing of it is kept).
   */
  private runBatch(batch: PendingWrite[], isolateFrom: number): BatchResult[] | number {
    const results: BatchResult[] = [];
    this.stmt('BEGIN IMMEDIATE').run();
    let i = 0;
    try {
      for (; i < batch.length; i++) {
        const w = batch[i];
        if (i < isolateFrom) {
          results.push({ ok: true, value: w.run() });
          continue;
        }
        this.stmt('SAVEPOINT w').run();
        try {
          const value = w.run();
          this.stmt('RELEASE w').run();
          results.push({ ok: true, value });
        } catch (e) {
          this.stmt('ROLLBACK TO w').run();
          this.stmt('RELEASE w').run();
          results.push({ ok: false, value: translate(e) });
        }
      }
      this.stmt('COMMIT').run();
      return results;
    } catch (e) {
      if (this.db.inTransaction) this.stmt('ROLLBACK').run();
      if (i < isolateFrom) return i;
      throw e;
    }
  }

  /** Resolves when everything committed so far is on disk (one fdatasync may cover many commits). */
  private afterCommitSync(): Promise<void> {
    const seq = ++this.commitSeq;
    return new Promise<void>((resolve, reject) => {
      this.syncWaiters.push({ seq, resolve, reject });
      this.kickSync();
    });
  }

  private kickSync(): void {
    if (this.syncRunning || !this.syncWaiters.length) return;
    if (this.walFd === null) {
      try {
        this.walFd = openSync(this.file + '-wal', 'r');
      } catch (e) {
        return this.failSync(e as Error);
      }
    }
    const target = this.commitSeq;
    this.syncRunning = true;
    fdatasync(this.walFd, (err) => {
      this.syncRunning = false;
      this.syncs++;
      if (err) return this.failSync(err);
      const ready = this.syncWaiters.filter((w) => w.seq <= target);
      this.syncWaiters = this.syncWaiters.filter((w) => w.seq > target);
      ready.forEach((w) => w.resolve());
      this.kickSync();
    });
  }

  private failSync(err: Error): void {
    // After a failed fsync the kernel may have dropped the dirty pages: durability is unknown, so the store
    // refuses further writes and reports itself down until restarted (PostgreSQL's "fsyncgate" rule).
    this.syncFailure = err;
    const waiters = this.syncWaiters;
    this.syncWaiters = [];
    waiters.forEach((w) => w.reject(new StoreUnavailableError(`WAL sync failed: ${err.message}`)));
  }

  // ---------------------------------------------------------------------------------------- write ops

  private currentRow(contextId: string): RecordRow | undefined {
    return this.stmt(`SELECT ${COLS} FROM records WHERE context_id = ?`).get(contextId) as
      RecordRow | undefined;
  }

  private indexText(rowid: number, rec: StoredRecord, replacing: boolean): void {
    // A plain INSERT for new rows: INSERT OR REPLACE makes FTS5 look for an existing row first.
    if (replacing) this.stmt('DELETE FROM records_fts WHERE rowid = ?').run(rowid);
    this.stmt('INSERT INTO records_fts (rowid, u, t) VALUES (?, ?, ?)').run(
      rowid,
      rec.userId === null ? '' : userSearchToken(rec.userId),
      rec.type + ' \n ' + searchText(rec.payload),
    );
  }

  /** Writes a record exactly as given (insert or overwrite), with its search entry and outbox entry. */
  private putRow(existingId: number | null, rec: StoredRecord, payloadJson: string): void {
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
      linksToJson(rec.links),
    ];
    let rowid: number;
    if (existingId !== null) {
      this.stmt(
        'UPDATE records SET type = ?, user_id = ?, kind = ?, source = ?, ts = ?, created = ?, updated = ?, version = ?, payload = ?, links = ?, view_key = NULL, view = NULL WHERE id = ?',
      ).run(...values, existingId);
      rowid = existingId;
    } else {
      const info = this.stmt(
        'INSERT INTO records (context_id, type, user_id, kind, source, ts, created, updated, version, payload, links) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ).run(rec.contextId, ...values);
      rowid = Number(info.lastInsertRowid);
    }
    this.indexText(rowid, rec, existingId !== null);
    if (this.replicate) this.enqueueOutbox(rec.contextId, 'store', JSON.stringify(recordToJson(rec)));
  }

  private enqueueOutbox(contextId: string, op: 'store' | 'delete', record: string | null): void {
    const now = Date.now();
    this.stmt(
      'INSERT INTO outbox (context_id, op, record, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?)',
    ).run(contextId, op, record, now, now);
  }

  private isErased(userId: string | null): boolean {
    return (
      userId !== null && this.stmt('SELECT 1 FROM erased_users WHERE user_id = ?').get(userId) !== undefined
    );
  }

  private storeOp(c: CheckedStore, now: number): StoredRecord {
    // Inside the write transaction: SQLite serialises writers, so an erasure is either before (refused here)
    // or after this write (which it then erases).
    if (this.isErased(c.req.userId)) throw new UserErasedError();
    const cur = this.currentRow(c.req.contextId);
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
      c,
      now,
    );
    this.putRow(cur ? cur.id : null, rec, c.payloadJson);
    return rec;
  }

  /** Removes a record's row, search entry and (for erasure) any not-yet-sent copies of it in the outbox. */
  private eraseOp(id: number, contextId: string): void {
    this.stmt('DELETE FROM records WHERE id = ?').run(id);
    this.stmt('DELETE FROM records_fts WHERE rowid = ?').run(id);
    this.stmt(
      "DELETE FROM outbox WHERE context_id = ? AND op = 'store' AND (claimed_until IS NULL OR claimed_until <= ?)",
    ).run(contextId, Date.now());
    this.stmt('DELETE FROM outbox_dead WHERE context_id = ?').run(contextId);
    if (this.replicate) this.enqueueOutbox(contextId, 'delete', null);
  }

  override store<P extends Payload>(req: StoreRequest<P>): Promise<StoredRecord<P>> {
    let c: CheckedStore;
    try {
      c = checkStoreRequest(req);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.write(() => this.storeOp(c, Date.now()) as StoredRecord<P>);
  }

  override storeMany(reqs: StoreRequest[]): Promise<StoredRecord[]> {
    let checked: CheckedStore[];
    try {
      checked = reqs.map(checkStoreRequest);
    } catch (e) {
      return Promise.reject(e);
    }
    // One queued op = one savepoint: all of them commit or none.
    return this.write(() => {
      const now = Date.now();
      return checked.map((c) => this.storeOp(c, now));
    });
  }

  override delete(contextId: string): Promise<boolean> {
    return this.write(() => {
      const row = this.stmt('SELECT id FROM records WHERE context_id = ?').get(contextId) as
        { id: number } | undefined;
      if (!row) return false;
      this.eraseOp(row.id, contextId);
      return true;
    });
  }

  /**
   * Erasure: the tombstone, the rows, their search entries and outbox copies in one transaction; then the
   * full-text index is merged (a contentless FTS5 table keeps deleted terms in its segments until a merge)
   * and, once committed, the WAL is checkpointed and truncated so no old frame still holds the records.
   */
  override async deleteAllForUser(userId: string): Promise<number> {
    const n = await this.write(() => {
      this.stmt('INSERT OR IGNORE INTO erased_users (user_id, erased_at) VALUES (?, ?)').run(
        userId,
        Date.now(),
      );
      const rows = this.stmt('SELECT id, context_id FROM records WHERE user_id = ?').all(userId) as {
        id: number;
        context_id: string;
      }[];
      for (const r of rows) this.eraseOp(r.id, r.context_id);
      if (rows.length) this.stmt("INSERT INTO records_fts (records_fts) VALUES ('optimize')").run();
      return rows.length;
    });
    await this.truncateWal();
    return n;
  }

  /** Checkpoints and truncates the WAL (in the checkpointer's thread when there is one). */
  private async truncateWal(): Promise<boolean> {
    if (this.checkpointer) return this.checkpointer.truncate();
    try {
      return (this.db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[])[0].busy === 0;
    } catch {
      return false;
    }
  }

  protected override importChunk(items: { rec: StoredRecord; payloadJson: string }[]): Promise<number> {
    return this.write(() => {
      let n = 0;
      for (const { rec, payloadJson } of items) {
        if (this.isErased(rec.userId)) continue; // an old export must not bring an erased account back
        const cur = this.stmt('SELECT id, user_id FROM records WHERE context_id = ?').get(rec.contextId) as
          { id: number; user_id: string | null } | undefined;
        // An imported record never replaces someone else's record that happens to have the same id.
        if (cur && cur.user_id !== rec.userId) continue;
        n++;
        this.putRow(cur ? cur.id : null, rec, payloadJson);
      }
      return n;
    });
  }

  // ------------------------------------------------------------------------------------------ reads

  private read<T>(fn: () => T): Promise<T> {
    try {
      this.assertOpen();
      return Promise.resolve(fn());
    } catch (e) {
      return Promise.reject(translate(e));
    }
  }

  override get<P extends Payload>(contextId: string): Promise<StoredRecord<P> | null> {
    return this.read(() => {
      const row = this.currentRow(contextId);
      return row ? rowToRecord<P>(row) : null;
    });
  }

  /** The SQL of a list query (exposed for the query-plan test and the benchmark), reading `cols`. */
  listSql(q: ListQuery, cols = LIST_COLS): { sql: string; countSql: string; params: unknown[] } {
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.userId === null) where.push('user_id IS NULL');
    else {
      where.push('user_id = ?');
      params.push(q.userId);
    }
    where.push('type = ?');
    params.push(q.type);
    if (q.from) {
      where.push('ts >= ?');
      params.push(q.from.getTime());
    }
    if (q.to) {
      where.push('ts < ?');
      params.push(q.to.getTime());
    }
    for (const [k, v] of checkWhere(q.where)) {
      const path = `'$.${k}'`;
      if (v === null) where.push(`json_extract(payload, ${path}) IS NULL`);
      else if (typeof v === 'boolean') where.push(`json_type(payload, ${path}) = '${v ? 'true' : 'false'}'`);
      else if (typeof v === 'number') {
        where.push(
          `json_type(payload, ${path}) IN ('integer', 'real') AND json_extract(payload, ${path}) = ?`,
        );
        params.push(v);
      } else {
        where.push(`json_type(payload, ${path}) = 'text' AND json_extract(payload, ${path}) = ?`);
        params.push(v);
      }
    }
    const dir = q.order === 'asc' ? 'ASC' : 'DESC';
    const cond = where.join(' AND ');
    return {
      sql: `SELECT ${cols} FROM records WHERE ${cond} ORDER BY ts ${dir}, id ${dir} LIMIT ? OFFSET ?`,
      countSql: `SELECT count(*) AS n FROM records WHERE ${cond}`,
      params,
    };
  }

  override list<P extends Payload>(q: ListQuery): Promise<ListResult<P>> {
    return this.read(() => {
      const { limit, offset } = checkPaging(q.limit, q.offset);
      const { sql, countSql, params } = this.listSql(q);
      const rows = limit === 0 ? [] : this.rawStmt(sql).all(...params, limit, offset);
      // A short first page is the whole answer; otherwise count (a covering index range scan).
      const total =
        q.countTotal === false || (offset === 0 && rows.length < limit)
          ? offset + rows.length
          : (this.stmt(countSql).get(...params) as { n: number }).n;
      return { items: rows.map((r) => rawToRecord<P>(r, q.type, q.userId)), total };
    });
  }

  /**
   * A page of rendered records, the texts kept in the row (`view`, with the `view_key` it was rendered under).
   * Parsing each payload, building the record and serialising it again was most of the CPU of a list; reading
   * a kept text is one column. A row whose text is missing or of another key is read whole and rendered, and
   * its text is written back after the answer (in the next group commit, only if the row is still at the
   * version read). Every write of a row clears its text (putRow), so a text is always of the current version.
   */
  override listRendered<P extends Payload>(q: ListQuery, rendering: RecordRendering<P>): Promise<string[]> {
    return this.read(() =>
      this.snapshot(() => {
        const { limit, offset } = checkPaging(q.limit, q.offset);
        if (limit === 0) return [];
        // The key's placeholder comes first in the statement, so first among the parameters.
        const { sql, params } = this.listSql(q, 'id, iif(view_key = ?, view, NULL)');
        const rows = this.stmt(`/*raw*/ ${sql}`)
          .raw(true)
          .all(rendering.key, ...params, limit, offset) as [number, string | null][];
        const texts: string[] = [];
        const kept: { text: string; id: number; rec: StoredRecord }[] = [];
        for (const [id, view] of rows) {
          if (view !== null) {
            texts.push(view);
            continue;
          }
          const row = this.rawStmt(`SELECT ${RAW_COLS} FROM records WHERE id = ?`).get(id);
          if (!row) continue;
          const rec = rawToRecord<P>(row);
          const text = rendering.render(rec);
          texts.push(text);
          kept.push({ text, id, rec });
        }
        if (kept.length) this.keepRendered(rendering.key, kept);
        return texts;
      }),
    );
  }

  /**
   * Runs reads in one read transaction: the page and the rows read after it see the same commits, also
   * those of other processes (an import, a restore) writing the file meanwhile.
   */
  private snapshot<T>(fn: () => T): T {
    if (this.db.inTransaction) return fn();
    this.stmt('BEGIN').run();
    try {
      const out = fn();
      this.stmt('COMMIT').run();
      return out;
    } catch (e) {
      if (this.db.inTransaction) this.stmt('ROLLBACK').run();
      throw e;
    }
  }

  /**
   * Writes rendered texts back (a cache: a failure only means they are rendered again next time), each only
   * onto the row it was rendered from, unchanged: the same context, owner, version and update time. (A row id
   * alone is not enough: an erasure queued before the read may free it for another user's new record.)
   */
  private keepRendered(key: string, texts: { text: string; id: number; rec: StoredRecord }[]): void {
    this.write(() => {
      const update = this.stmt(
        'UPDATE records SET view_key = ?, view = ? WHERE id = ? AND context_id = ? AND user_id IS ? AND version = ? AND updated = ?',
      );
      for (const { text, id, rec } of texts)
        update.run(key, text, id, rec.contextId, rec.userId, rec.version, rec.updatedAt.getTime());
    }, true).catch(() => undefined);
  }

  override search<P extends Payload>(q: SearchQuery): Promise<StoredRecord<P>[]> {
    return this.read(() => {
      const terms = searchTerms(q.text);
      const limit = Math.min(Math.max(Math.trunc(q.limit) || 0, 0), 1000);
      if (!terms.length || !limit || !q.userId) return [];
      const match =
        `u : "${userSearchToken(q.userId)}" AND t : (` +
        terms.map((t) => `"${t}"` + (t.length >= PREFIX_MIN ? '*' : '')).join(' OR ') +
        ')';
      const params: unknown[] = [match, q.userId];
      let typeCond = '';
      if (q.types?.length) {
        typeCond = ` AND r.type IN (${q.types.map(() => '?').join(', ')})`;
        params.push(...q.types);
      }
      const rows = this.rawStmt(
        `SELECT ${RAW_COLS.replace(/\w+/g, 'r.$&')} FROM records_fts f JOIN records r ON r.id = f.rowid
          WHERE records_fts MATCH ? AND r.user_id = ?${typeCond}
          ORDER BY bm25(records_fts, 0.0, 1.0), r.ts DESC
          LIMIT ?`,
      ).all(...params, limit);
      return rows.map((r) => rawToRecord<P>(r));
    });
  }

  protected override exportPage(
    after: number,
    userId: string | undefined,
  ): Promise<{ records: StoredRecord[]; lastId: number }> {
    return this.read(() => {
      const rows =
        userId !== undefined
          ? this.rawStmt(
              `SELECT ${RAW_COLS} FROM records WHERE user_id = ? AND id > ? ORDER BY id LIMIT ${CHUNK}`,
            ).all(userId, after)
          : this.rawStmt(`SELECT ${RAW_COLS} FROM records WHERE id > ? ORDER BY id LIMIT ${CHUNK}`).all(
              after,
            );
      return {
        records: rows.map((r) => rawToRecord(r)),
        lastId: rows.length ? rows[rows.length - 1][9] : after,
      };
    });
  }

  override erasedUsers(): Promise<string[]> {
    return this.read(() =>
      (this.stmt('SELECT user_id FROM erased_users ORDER BY user_id').all() as { user_id: string }[]).map(
        (r) => r.user_id,
      ),
    );
  }

  override count(options?: { userId?: string }): Promise<number> {
    return this.read(() =>
      options?.userId !== undefined
        ? (
            this.stmt('SELECT count(*) AS n FROM records WHERE user_id = ?').get(options.userId) as {
              n: number;
            }
          ).n
        : (this.stmt('SELECT count(*) AS n FROM records').get() as { n: number }).n,
    );
  }

  override async health(): Promise<GatewayHealth> {
    const details: Record<string, unknown> = {
      driver: 'sqlite',
      durability: this.durability,
      replicate: this.replicate,
    };
    if (this.closed || this.closing) return { status: 'down', details: { ...details, error: 'closed' } };
    if (this.syncFailure)
      return { status: 'down', details: { ...details, error: 'WAL sync failed; restart required' } };
    try {
      this.stmt('SELECT 1').get();
      const cp: CheckpointStats | null = this.checkpointer?.stats() ?? null;
      if (cp)
        details.wal = {
          frames: cp.walFrames,
          checkpointed: cp.checkpointedFrames,
          checkpoints: cp.checkpoints,
          restarts: cp.restarts,
          errors: cp.errors,
        };
      if (this.replicate) {
        details.outbox_depth = await this.depth();
        details.dead_letters = (this.stmt('SELECT count(*) AS n FROM outbox_dead').get() as { n: number }).n;
      }
      return { status: 'up', details };
    } catch (e) {
      return { status: 'down', details: { ...details, error: (e as Error).message } };
    }
  }

  // ------------------------------------------------------------------------------------------ outbox

  override claimDue(now: number, limit: number, leaseMs = DEFAULT_LEASE_MS): Promise<OutboxEntry[]> {
    return this.write(() => {
      const rows = this.stmt(
        `SELECT ${OUTBOX_COLUMNS} FROM outbox o
          WHERE o.next_attempt_at <= ? AND (o.claimed_until IS NULL OR o.claimed_until <= ?)
            AND o.seq = (SELECT min(p.seq) FROM outbox p WHERE p.context_id = o.context_id)
          ORDER BY o.seq LIMIT ?`,
      ).all(now, now, limit) as OutboxRow[];
      const lease = this.stmt('UPDATE outbox SET claimed_until = ? WHERE seq = ?');
      for (const r of rows) lease.run(now + leaseMs, r.seq);
      return rows.map(outboxRowToEntry);
    });
  }

  override complete(seq: number): Promise<void> {
    return this.write(() => void this.stmt('DELETE FROM outbox WHERE seq = ?').run(seq));
  }

  override retryLater(seq: number, nextAttemptAt: number, error: string): Promise<void> {
    return this.write(
      () =>
        void this.stmt(
          'UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?, claimed_until = NULL WHERE seq = ?',
        ).run(nextAttemptAt, String(error).slice(0, MAX_ERROR_CHARS), seq),
    );
  }

  override deadLetter(seq: number, error: string): Promise<void> {
    return this.write(() => {
      this.stmt(
        `INSERT INTO outbox_dead (seq, context_id, op, record, attempts, next_attempt_at, last_error, created_at, failed_at)
         SELECT seq, context_id, op, record, attempts + 1, next_attempt_at, ?, created_at, ? FROM outbox WHERE seq = ?`,
      ).run(String(error).slice(0, MAX_ERROR_CHARS), Date.now(), seq);
      this.stmt('DELETE FROM outbox WHERE seq = ?').run(seq);
    });
  }

  override depth(): Promise<number> {
    return this.read(() => (this.stmt('SELECT count(*) AS n FROM outbox').get() as { n: number }).n);
  }

  override deadLetters(limit: number): Promise<DeadLetter[]> {
    return this.read(() =>
      (
        this.stmt(
          `SELECT ${OUTBOX_COLUMNS}, failed_at FROM outbox_dead ORDER BY failed_at DESC, seq DESC LIMIT ?`,
        ).all(limit) as OutboxRow[]
      ).map((r) => toDeadLetter(r, r.record === null ? null : JSON.parse(r.record))),
    );
  }

  override requeueDeadLetters(): Promise<number> {
    return this.write(() => {
      const dead = this.stmt(
        'SELECT context_id, count(*) AS n FROM outbox_dead GROUP BY context_id ORDER BY min(seq)',
      ).all() as {
        context_id: string;
        n: number;
      }[];
      let n = 0;
      for (const d of dead) {
        const cur = this.currentRow(d.context_id);
        if (cur) this.enqueueOutbox(d.context_id, 'store', JSON.stringify(recordToJson(rowToRecord(cur))));
        else this.enqueueOutbox(d.context_id, 'delete', null);
        n += d.n;
      }
      this.stmt('DELETE FROM outbox_dead').run();
      return n;
    });
  }

  // ------------------------------------------------------------------------------------------ lifecycle

  /** Online, consistent copy of the database file (better-sqlite3 backup API) for `podd backup`. */
  async backupTo(
    destination: string,
    onProgress?: (remaining: number, total: number) => void,
  ): Promise<void> {
    this.assertOpen();
    await this.db.backup(destination, {
      progress: ({ totalPages, remainingPages }) => {
        onProgress?.(remainingPages, totalPages);
        return 1000;
      },
    });
  }

  /** Direct access for tests and the benchmark (query plans). Not for application code. */
  get connection(): Database.Database {
    return this.db;
  }

  /** Runs a checkpoint soon (tests). */
  nudgeCheckpoint(): void {
    this.checkpointer?.nudge();
  }

  get syncCount(): number {
    return this.syncs;
  }

  override close(): Promise<void> {
    this.closing ??= (async () => {
      // Let queued writes commit and become durable, then stop background work and checkpoint.
      while (this.inFlight.size) await Promise.allSettled(this.inFlight);
      await this.checkpointer?.stop();
      this.closed = true;
      if (this.walFd !== null) {
        const fd = this.walFd;
        this.walFd = null;
        await new Promise<void>((r) => fsClose(fd, () => r()));
      }
      try {
        this.db.pragma('optimize');
      } catch {
        // best effort (another process may hold the write lock)
      }
      // The last connection to close checkpoints and removes the WAL itself; an explicit TRUNCATE here
      // would stall a server still writing to the file when a CLI command closes its connection.
      this.db.close();
    })();
    return this.closing;
  }
}
