import { closeSync, fdatasync, fdatasyncSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';
import { WalCheckpointer } from '../../locusgraph/embedded/sqlite-checkpointer.js';

/** One access-log row as stored (columns of access_log; the schema is TypeORM's migration). */
export interface AccessLogRow {
  id: string;
  userId: string;
  /** Who read it when that is not the owner (a care-circle member); null for the owner. */
  actorId: string | null;
  recordType: string;
  operation: string;
  recordId: string | null;
  recordCount: number;
  requestId: string;
  at: number;
}

export interface SyncStats {
  syncs: number;
  failures: number;
  lastError: string | null;
}

/** SQLITE_BUSY: TypeORM's connection holds the auth DB's write lock (a login's transaction); retry soon. */
const BUSY_RETRY_MS = 2;

/**
 * The access log's hot path on a SQLite auth DB: its own better-sqlite3 connection and one prepared INSERT,
 * outside TypeORM (which keeps the schema, the migrations and the reads).
 *
 * The entries of every request finishing in one event-loop turn are committed in ONE transaction on
 * setImmediate, with synchronous=NORMAL: the commit is a write into the WAL (no fsync on the event loop), and
 * `write` resolves when it is committed, i.e. before the response is sent — so a process crash (kill -9) never
 * loses an entry of an answered request. The WAL is then fdatasync'ed on the libuv thread pool, continuously
 * (one fdatasync covers every commit made while the previous one ran): a power loss can lose only the entries
 * committed since the last completed fdatasync (docs/SECURITY.md). busy_timeout is 0 so a write never sleeps
 * on the event loop waiting for TypeORM's connection; it retries a few ms later instead.
 */
export class SqliteAccessLogWriter {
  private readonly db: Database.Database;
  private readonly insertAll: (rows: AccessLogRow[]) => void;
  private readonly checkpointer: WalCheckpointer;
  private queue: AccessLogRow[] = [];
  private waiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  private scheduled = false;
  private walFd: number | null = null;
  private syncRunning = false;
  private dirty = false;
  private closed = false;
  private readonly sync: SyncStats = { syncs: 0, failures: 0, lastError: null };

  constructor(
    private readonly file: string,
    private readonly onSyncError: (e: Error) => void,
  ) {
    this.db = new Database(file);
    this.db.pragma('busy_timeout = 0');
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('wal_autocheckpoint = 0'); // the checkpointer thread copies the WAL back
    const insert = this.db.prepare(
      'INSERT INTO access_log (id, user_id, actor_id, record_type, operation, record_id, record_count, request_id, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.insertAll = this.db.transaction((rows: AccessLogRow[]) => {
      for (const r of rows)
        insert.run(
          r.id,
          r.userId,
          r.actorId,
          r.recordType,
          r.operation,
          r.recordId,
          r.recordCount,
          r.requestId,
          r.at,
        );
    });
    this.checkpointer = new WalCheckpointer(file);
  }

  /** Queues rows for the next group commit; resolves once committed (not yet fsync'ed). */
  write(rows: AccessLogRow[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error('access log is closed'));
    return new Promise<void>((resolve, reject) => {
      this.queue.push(...rows);
      this.waiters.push({ resolve, reject });
      this.schedule(0);
    });
  }

  syncStats(): SyncStats {
    return { ...this.sync };
  }

  /** Commits what is queued, waits for the last fdatasync, stops the checkpointer and closes the connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    while (this.queue.length || this.scheduled) await new Promise((r) => setTimeout(r, BUSY_RETRY_MS));
    this.closed = true;
    while (this.syncRunning) await new Promise((r) => setTimeout(r, 1));
    if (this.dirty && this.walFd !== null) fdatasyncSync(this.walFd); // shutting down: off the request path
    await this.checkpointer.stop();
    this.db.close();
    if (this.walFd !== null) closeSync(this.walFd);
  }

  private schedule(delayMs: number): void {
    if (this.scheduled) return;
    this.scheduled = true;
    if (delayMs) setTimeout(() => this.flush(), delayMs);
    else setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    if (!this.queue.length) return;
    try {
      this.insertAll(this.queue);
    } catch (e) {
      if ((e as { code?: string }).code === 'SQLITE_BUSY') return this.schedule(BUSY_RETRY_MS);
      const waiters = this.waiters;
      this.queue = [];
      this.waiters = [];
      for (const w of waiters) w.reject(e);
      return;
    }
    const waiters = this.waiters;
    this.queue = [];
    this.waiters = [];
    for (const w of waiters) w.resolve();
    this.dirty = true;
    this.kickSync();
  }

  private kickSync(): void {
    if (this.syncRunning || !this.dirty || this.closed) return;
    try {
      this.walFd ??= openSync(this.file + '-wal', 'r');
    } catch (e) {
      return this.syncFailed(e as Error);
    }
    this.dirty = false;
    this.syncRunning = true;
    fdatasync(this.walFd, (err) => {
      this.syncRunning = false;
      if (err) this.syncFailed(err);
      else this.sync.syncs++;
      this.kickSync();
    });
  }

  private syncFailed(err: Error): void {
    this.sync.failures++;
    this.sync.lastError = err.message;
    this.onSyncError(err);
  }
}
