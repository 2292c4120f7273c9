import type {
  GatewayHealth,
  ListQuery,
  ListResult,
  Payload,
  RecordRendering,
  SearchQuery,
  StoredRecord,
  StoreRequest,
} from './locusgraph.types.js';
import { newId } from '../common/ids.js';

/**
 * The one port through which all health and personal data flows (docs/product-decisions.md §2).
 * Modules inject `LocusGraphGateway` (the abstract class is the DI token) and never see a driver.
 *
 * Drivers: the embedded event store (default, system of record; SQLite file or PostgreSQL) and, when
 * LOCUSGRAPH_API_KEY is set, the same store plus write-behind replication to LocusGraph cloud.
 *
 * Guarantees every driver keeps (the contract tests check them):
 * - one current record per context id; `store` with an expected version is compare-and-swap;
 * - a write has committed durably when the promise resolves;
 * - `list` filters by owner and type before ordering and limiting;
 * - `delete` / `deleteAllForUser` erase (no tombstones of records), replicas included; after
 *   `deleteAllForUser` every write for that user is refused (UserErasedError), so none outlives the erasure.
 */
export abstract class LocusGraphGateway {
  /** Creates or replaces (see StoreRequest.expectedVersion). Returns the record as stored. */
  abstract store<P extends Payload>(req: StoreRequest<P>): Promise<StoredRecord<P>>;

  /** Several writes in one transaction: all commit or none. */
  abstract storeMany(reqs: StoreRequest[]): Promise<StoredRecord[]>;

  /** The current record of a context, or null. Callers check ownership. */
  abstract get<P extends Payload>(contextId: string): Promise<StoredRecord<P> | null>;

  abstract list<P extends Payload>(query: ListQuery): Promise<ListResult<P>>;

  /**
   * The page `list` would give (no total), each record as `rendering` renders it. Here: list, then render; the
   * embedded SQLite store keeps rendered texts beside the records and renders only what changed.
   */
  async listRendered<P extends Payload>(query: ListQuery, rendering: RecordRendering<P>): Promise<string[]> {
    const { items } = await this.list<P>({ ...query, countTotal: false });
    return items.map((r) => rendering.render(r));
  }

  /** Erases one record. Returns false when there was nothing to erase. */
  abstract delete(contextId: string): Promise<boolean>;

  /**
   * Erases every record owned by a user (account deletion) and refuses their writes from then on (an opaque
   * tombstone, the user id only, is kept). Returns how many records were erased.
   */
  abstract deleteAllForUser(userId: string): Promise<number>;

  /** Full-text search over one user's records (payload text), best match first. */
  abstract search<P extends Payload>(query: SearchQuery): Promise<StoredRecord<P>[]>;

  /**
   * Every record in insertion order, as a stream (constant memory). Optionally one user's only.
   * Paged, not a snapshot: records written during a long export may or may not appear.
   */
  abstract exportRecords(options?: { userId?: string }): AsyncIterable<StoredRecord>;

  /**
   * Upserts records from a stream (as produced by exportRecords), skipping records of erased users.
   * Returns how many were written.
   */
  abstract importRecords(records: AsyncIterable<StoredRecord>): Promise<number>;

  abstract health(): Promise<GatewayHealth>;

  /**
   * An id for a new record (12 lowercase hex characters), in the order the store indexes best. Random unless
   * the store says otherwise: the embedded SQLite store, written by one process, hands out time-ordered ids.
   */
  newRecordId(): string {
    return newId();
  }
}
