import { currentRequest, noteRecordAccess, type AccessOperation } from '../common/request-context.js';
import { LocusGraphGateway } from './locusgraph.gateway.js';
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

/**
 * The gateway as modules see it, noting every access to health data in the current request's context
 * (src/common/request-context.ts) for the access log: record type, operation, record id, owner, count —
 * never a payload. This is the one seam every record access passes (routes, chat, reminders, export, erasure),
 * so no module has to remember to audit. Outside a request (scheduler, CLI) nothing is noted.
 *
 * Operations: get → read; list/search → list; store → create (version 1) or update; delete → delete;
 * deleteAllForUser → erase; exportRecords for a user → export. Imports (CLI) are not noted.
 */
export class AuditedGateway extends LocusGraphGateway {
  constructor(private readonly inner: LocusGraphGateway) {
    super();
  }

  private note(rec: StoredRecord, operation?: AccessOperation): void {
    noteRecordAccess({
      recordType: rec.type,
      operation: operation ?? (rec.version > 1 ? 'update' : 'create'),
      recordId: rec.id,
      ownerId: rec.userId,
      count: 1,
    });
  }

  override async store<P extends Payload>(req: StoreRequest<P>): Promise<StoredRecord<P>> {
    const rec = await this.inner.store(req);
    this.note(rec);
    return rec;
  }

  override async storeMany(reqs: StoreRequest[]): Promise<StoredRecord[]> {
    const recs = await this.inner.storeMany(reqs);
    for (const rec of recs) this.note(rec);
    return recs;
  }

  override async get<P extends Payload>(contextId: string): Promise<StoredRecord<P> | null> {
    const rec = await this.inner.get<P>(contextId);
    if (rec) this.note(rec, 'read');
    return rec;
  }

  override async list<P extends Payload>(query: ListQuery): Promise<ListResult<P>> {
    const res = await this.inner.list<P>(query);
    this.noteList(query, res.items.length);
    return res;
  }

  private noteList(query: ListQuery, count: number): void {
    noteRecordAccess({
      recordType: query.type,
      operation: 'list',
      recordId: null,
      ownerId: query.userId,
      count,
    });
  }

  override async listRendered<P extends Payload>(
    query: ListQuery,
    rendering: RecordRendering<P>,
  ): Promise<string[]> {
    const items = await this.inner.listRendered(query, rendering);
    this.noteList(query, items.length);
    return items;
  }

  override async search<P extends Payload>(query: SearchQuery): Promise<StoredRecord<P>[]> {
    const items = await this.inner.search<P>(query);
    const types = new Set(items.map((r) => r.type));
    for (const type of types.size ? types : new Set(query.types ?? ['*'])) {
      noteRecordAccess({
        recordType: type,
        operation: 'list',
        recordId: null,
        ownerId: query.userId,
        count: items.filter((r) => r.type === type).length,
      });
    }
    return items;
  }

  override async delete(contextId: string): Promise<boolean> {
    // The owner is read first only when serving a request (deletes are rare; the audit needs the owner).
    const rec = currentRequest() ? await this.inner.get(contextId) : null;
    const deleted = await this.inner.delete(contextId);
    if (deleted && rec) this.note(rec, 'delete');
    return deleted;
  }

  override async deleteAllForUser(userId: string): Promise<number> {
    const n = await this.inner.deleteAllForUser(userId);
    noteRecordAccess({ recordType: '*', operation: 'erase', recordId: null, ownerId: userId, count: n });
    return n;
  }

  override exportRecords(options?: { userId?: string }): AsyncIterable<StoredRecord> {
    if (options?.userId)
      noteRecordAccess({
        recordType: '*',
        operation: 'export',
        recordId: null,
        ownerId: options.userId,
        count: 0,
      });
    return this.inner.exportRecords(options);
  }

  override importRecords(records: AsyncIterable<StoredRecord>): Promise<number> {
    return this.inner.importRecords(records);
  }

  override health(): Promise<GatewayHealth> {
    return this.inner.health();
  }

  override newRecordId(): string {
    return this.inner.newRecordId();
  }
}
