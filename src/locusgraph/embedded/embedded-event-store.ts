import { LocusGraphGateway } from '../locusgraph.gateway.js';
import type { StoredRecord } from '../locusgraph.types.js';
import type { DeadLetter, OutboxEntry, OutboxStore } from '../outbox.types.js';
import { checkImportedRecord } from './record-model.js';

/**
 * What both embedded drivers (SQLite file, PostgreSQL) offer beyond the port: the outbox for the cloud
 * replica, schema migrations, counting for export/restore checks, and an orderly close.
 */
export abstract class EmbeddedEventStore extends LocusGraphGateway implements OutboxStore {
  abstract readonly driver: 'sqlite' | 'postgres';
  /** When true every write also enqueues an outbox entry in the same transaction. */
  abstract readonly replicate: boolean;

  /** Schema versions applied when this instance opened the store. */
  migrationsApplied: number[] = [];

  /** Applies pending schema migrations (also done at open). Returns the versions applied. */
  abstract migrate(): Promise<number[]>;
  /** Current schema version. */
  abstract schemaVersion(): Promise<number>;
  /** Ids of the erased users (their tombstones), for restore to erase them again from an older backup. */
  abstract erasedUsers(): Promise<string[]>;
  /** Number of records (all, or one user's). */
  abstract count(options?: { userId?: string }): Promise<number>;
  /** Finishes pending writes, stops background work and releases the database. Idempotent. */
  abstract close(): Promise<void>;

  /** One page of the export: records with id > afterId in id order, and the last id of the page. */
  protected abstract exportPage(
    afterId: number,
    userId: string | undefined,
  ): Promise<{ records: StoredRecord[]; lastId: number }>;

  /**
   * Writes one validated chunk of imported records (as is, upserting by context id) in one transaction,
   * skipping records of erased users. Returns how many were written.
   */
  protected abstract importChunk(items: { rec: StoredRecord; payloadJson: string }[]): Promise<number>;

  /**
   * Pages by id (insertion order), each page one short query, so writers are never blocked and memory
   * stays at one page whatever the size. Not a snapshot of a live store (for that: `podd backup`).
   */
  override async *exportRecords(options?: { userId?: string }): AsyncIterable<StoredRecord> {
    let after = 0;
    for (;;) {
      const { records, lastId } = await this.exportPage(after, options?.userId);
      yield* records;
      if (records.length < CHUNK) return;
      after = lastId;
    }
  }

  /** Validates and writes in chunks of CHUNK records, one transaction each (re-running is idempotent). */
  override async importRecords(records: AsyncIterable<StoredRecord>): Promise<number> {
    let n = 0;
    let chunk: { rec: StoredRecord; payloadJson: string }[] = [];
    for await (const rec of records) {
      chunk.push({ rec, payloadJson: checkImportedRecord(rec) });
      if (chunk.length >= CHUNK) {
        n += await this.importChunk(chunk);
        chunk = [];
      }
    }
    if (chunk.length) n += await this.importChunk(chunk);
    return n;
  }

  abstract claimDue(now: number, limit: number, leaseMs?: number): Promise<OutboxEntry[]>;
  abstract complete(seq: number): Promise<void>;
  abstract retryLater(seq: number, nextAttemptAt: number, error: string): Promise<void>;
  abstract deadLetter(seq: number, error: string): Promise<void>;
  abstract depth(): Promise<number>;
  abstract deadLetters(limit: number): Promise<DeadLetter[]>;
  abstract requeueDeadLetters(): Promise<number>;
}

export const DEFAULT_LEASE_MS = 60_000;
/** Records per transaction on import and per page on export. */
export const CHUNK = 1000;
/** Longest error text kept in the outbox. */
export const MAX_ERROR_CHARS = 1000;
