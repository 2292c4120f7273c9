import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { randomHex } from '../../common/ids.js';
import { Clock } from '../../common/clock.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.module.js';
import type { RecordAccess, RequestContext } from '../../common/request-context.js';
import { counter } from '../../ops/metrics.js';
import { AccessLogEntity } from '../entities/access-log.entity.js';
import type { AccessLogEntryDto } from './access-log.dto.js';
import { SqliteAccessLogWriter, type AccessLogRow } from './sqlite-access-log-writer.js';

const written = counter({
  name: 'podd_access_log_entries_total',
  help: 'Health-data access log entries written',
});
const failures = counter({
  name: 'podd_access_log_write_failures_total',
  help: 'Access log batches that could not be written',
});
const syncFailures = counter({
  name: 'podd_access_log_sync_failures_total',
  help: 'fdatasync failures of the access log WAL (SQLite auth DB): recent entries may not survive a power loss',
});

const SINGLE = new Set(['read', 'create', 'update', 'delete']);

/** Rows per INSERT statement (8 columns each, well under every driver's parameter limit). */
const CHUNK = 100;

/**
 * The health-data access log: who read, listed, created, updated, deleted, exported or erased
 * which kind of health record, when, from which request id.
 *
 * Fed by the gateway (src/locusgraph/audited-gateway.ts notes every access in the request context) and written
 * here before the response is sent, so every answered request that touched health data is logged. Only the
 * caller's own data is logged under the caller, another
 * person's data (care circle) under that person with the caller as actor; ids, types and counts only, never values.
 *
 * Writes are group-committed: requests finishing while a batch is being written wait for the next batch, so
 * under load one commit covers many requests. A write failure is logged and counted, never turned into an
 * error of the request that already happened. On a SQLite auth DB the hot path is SqliteAccessLogWriter
 * (prepared statement, commit before the response, fdatasync off the event loop); on PostgreSQL it is a
 * TypeORM transaction (the database's own commit makes it durable).
 */
@Injectable()
export class AccessLogService implements OnApplicationShutdown {
  private readonly log = new Logger('AccessLog');
  private readonly sqlite: SqliteAccessLogWriter | null;
  private queue: AccessLogRow[] = [];
  private waiters: (() => void)[] = [];
  private writing = false;
  private seq = 0;

  constructor(
    @InjectRepository(AccessLogEntity) private readonly repo: Repository<AccessLogEntity>,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.sqlite =
      config.authDb.kind === 'sqlite'
        ? new SqliteAccessLogWriter(config.authDb.file, (e) => {
            syncFailures.inc();
            this.log.error(`access log fdatasync failed: ${e.message}`);
          })
        : null;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.sqlite?.close();
  }

  /**
   * The request's accesses, one row per (owner, record type, operation): the caller's own data under the
   * caller; another person's data (a care-circle member reading within a grant) under that person, with the
   * caller as `actor_id`, so the owner sees who read what.
   */
  entriesOf(ctx: RequestContext): AccessLogRow[] {
    const userId = ctx.userId;
    if (!userId) return [];
    const at = this.clock.nowMs();
    const groups = new Map<string, { a: RecordAccess; ids: Set<string>; count: number }>();
    for (const a of ctx.accesses) {
      if (!a.ownerId || (a.ownerId !== userId && !ctx.grantedOwners.has(a.ownerId))) continue;
      const key = `${a.ownerId}\u0000${a.recordType}\u0000${a.operation}`;
      const g = groups.get(key) ?? { a, ids: new Set<string>(), count: 0 };
      if (a.recordId) g.ids.add(a.recordId);
      g.count += a.count;
      groups.set(key, g);
    }
    return [...groups.values()].map(({ a, ids, count }): AccessLogRow => ({
      id: this.nextId(at),
      userId: a.ownerId!,
      actorId: a.ownerId === userId ? null : userId,
      recordType: a.recordType,
      operation: a.operation,
      recordId: ids.size === 1 ? [...ids][0] : null,
      // Single-record operations count distinct records (a record read twice is one); lists count items.
      recordCount: SINGLE.has(a.operation) ? ids.size || count : count,
      requestId: ctx.requestId,
      at,
    }));
  }

  /** Writes the request's entries (resolves once they are committed, or the failure logged). */
  record(ctx: RequestContext): Promise<void> {
    const rows = this.entriesOf(ctx);
    if (!rows.length) return Promise.resolve();
    if (this.sqlite) {
      return this.sqlite.write(rows).then(
        () => void written.inc(rows.length),
        (e: Error) => {
          failures.inc();
          this.log.error(`could not write ${rows.length} access log entries: ${e.message}`);
        },
      );
    }
    return new Promise<void>((resolve) => {
      this.queue.push(...rows);
      this.waiters.push(resolve);
      void this.pump();
    });
  }

  /** The user's entries, newest first. */
  async page(userId: string, limit: number, offset: number): Promise<AccessLogEntryDto[]> {
    const rows = await this.repo.find({
      where: { userId },
      order: { id: 'DESC' },
      take: limit,
      skip: offset,
    });
    return rows.map((r) => ({
      id: r.id,
      actor_id: r.actorId ?? null,
      record_type: r.recordType,
      operation: r.operation as AccessLogEntryDto['operation'],
      record_id: r.recordId,
      count: r.recordCount,
      request_id: r.requestId,
      at: new Date(r.at).toISOString(),
    }));
  }

  private nextId(at: number): string {
    this.seq = (this.seq + 1) % 1_000_000;
    return `${String(at).padStart(13, '0')}-${String(this.seq).padStart(6, '0')}-${randomHex(3)}`;
  }

  private async pump(): Promise<void> {
    if (this.writing) return;
    this.writing = true;
    try {
      while (this.queue.length) {
        const rows = this.queue;
        const waiters = this.waiters;
        this.queue = [];
        this.waiters = [];
        try {
          await this.repo.manager.transaction(async (m) => {
            for (let i = 0; i < rows.length; i += CHUNK)
              await m.insert(AccessLogEntity, rows.slice(i, i + CHUNK));
          });
          written.inc(rows.length);
        } catch (e) {
          failures.inc();
          this.log.error(`could not write ${rows.length} access log entries: ${(e as Error).message}`);
        }
        for (const w of waiters) w();
      }
    } finally {
      this.writing = false;
    }
  }
}
