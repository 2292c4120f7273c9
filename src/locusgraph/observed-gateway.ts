import type { RecordEvents } from '../common/record-events.js';
import { inSpan } from '../ops/trace.js';
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
import { splitContextId } from './locusgraph.types.js';

/**
 * The gateway every module injects: the store, plus a RecordEvents announcement after each committed
 * change (store, storeMany, delete; `deleteAllForUser` announces `{ type: 'user', op: 'delete' }`), so a
 * module can react to another module's writes without either importing the other — the ReminderModule
 * reschedules when a medication schedule, medication, appointment or profile changes, whoever wrote it
 * (a route, the chat assistant, a batch).
 *
 * Listeners are awaited before the write's promise resolves (read-your-writes: when POST /api/appointments
 * answers, its reminder is scheduled); their errors are logged by RecordEvents, never thrown to the writer.
 * Only types somebody listens to cost anything. Imports announce nothing (the listeners' own reconcile
 * covers bulk loads).
 *
 * It also traces: each write is a `locusgraph.<op>` span (the gateway call, listeners included) with an
 * `eventstore.<op>` child around the store's own transaction; reads are one `locusgraph.<op>` span. Span
 * attributes carry the record type and operation only, never ids or payloads.
 */
export class ObservedGateway extends LocusGraphGateway {
  constructor(
    private readonly inner: LocusGraphGateway,
    private readonly events: RecordEvents,
  ) {
    super();
  }

  /** A gateway span around `fn`; `tx` runs the store's own work in an `eventstore.<op>` child span. */
  private traced<T>(
    op: string,
    type: string | undefined,
    fn: (tx: <R>(work: () => Promise<R>) => Promise<R>) => Promise<T>,
  ): Promise<T> {
    const attrs = type ? { 'podd.record_type': type } : {};
    return inSpan(`locusgraph.${op}`, attrs, () =>
      fn((work) => inSpan(`eventstore.${op}`, { 'podd.store': this.inner.constructor.name, ...attrs }, work)),
    );
  }

  /** Tells the listeners of this record type (reminders, care circle) that a record was stored. */
  private async emitStored(rec: StoredRecord): Promise<void> {
    if (this.events.has(rec.type))
      await this.events.emitAndWait({
        contextId: rec.contextId,
        type: rec.type,
        userId: rec.userId,
        op: 'store',
        payload: rec.payload,
      });
  }

  override store<P extends Payload>(req: StoreRequest<P>): Promise<StoredRecord<P>> {
    return this.traced('store', splitContextId(req.contextId).type, async (tx) => {
      const rec = await tx(() => this.inner.store(req));
      await this.emitStored(rec);
      return rec;
    });
  }

  override storeMany(reqs: StoreRequest[]): Promise<StoredRecord[]> {
    return this.traced('store_many', undefined, async (tx) => {
      const recs = await tx(() => this.inner.storeMany(reqs));
      for (const rec of recs) await this.emitStored(rec);
      return recs;
    });
  }

  override delete(contextId: string): Promise<boolean> {
    const { type } = splitContextId(contextId);
    return this.traced('delete', type, async (tx) => {
      const watched = this.events.has(type);
      const owner = watched ? ((await this.inner.get(contextId))?.userId ?? null) : null;
      const deleted = await tx(() => this.inner.delete(contextId));
      if (deleted && watched) await this.events.emitAndWait({ contextId, type, userId: owner, op: 'delete' });
      return deleted;
    });
  }

  override deleteAllForUser(userId: string): Promise<number> {
    return this.traced('delete_user', 'user', async (tx) => {
      const n = await tx(() => this.inner.deleteAllForUser(userId));
      if (this.events.has('user'))
        await this.events.emitAndWait({ contextId: `user:${userId}`, type: 'user', userId, op: 'delete' });
      return n;
    });
  }

  override get<P extends Payload>(contextId: string): Promise<StoredRecord<P> | null> {
    return this.traced('get', splitContextId(contextId).type, () => this.inner.get(contextId));
  }

  override list<P extends Payload>(query: ListQuery): Promise<ListResult<P>> {
    return this.traced('list', query.type, () => this.inner.list(query));
  }

  override listRendered<P extends Payload>(
    query: ListQuery,
    rendering: RecordRendering<P>,
  ): Promise<string[]> {
    return this.traced('list', query.type, () => this.inner.listRendered(query, rendering));
  }

  override search<P extends Payload>(query: SearchQuery): Promise<StoredRecord<P>[]> {
    return this.traced('search', undefined, () => this.inner.search(query));
  }

  override exportRecords(options?: { userId?: string }): AsyncIterable<StoredRecord> {
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
