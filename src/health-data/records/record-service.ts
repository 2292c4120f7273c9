import type { AuthUser } from '../../common/decorators.js';
import type { Payload, RecordLinks } from '../../locusgraph/locusgraph.types.js';
import type { DateRangeQuery, DayQuery } from './queries.js';
import type { RecordResource } from './record-controller.js';
import { RecordCrud } from './record-crud.js';
import type { RecordInput } from './record-repository.js';
import type { RecordSpec, RecordView } from './record-spec.js';
import type { RecordStore } from './record-store.js';
import { localDayRange } from './time.js';

/**
 * The service of one record type: list, get, create, update and remove as the record layer does them
 * (ownership, time, merge, CAS). A resource's service extends it and overrides what has rules of its own (a list filter,
 * a check across fields, a duplicate rule); chat and the generic controller call the same methods.
 */
export abstract class RecordService<P extends Payload> implements RecordResource {
  protected readonly crud: RecordCrud<P>;

  protected constructor(store: RecordStore, spec: RecordSpec<P>) {
    this.crud = new RecordCrud(store, spec);
  }

  /** Newest first, paged; `date` or `date_from`/`date_to` are calendar days in the user's zone. */
  list(user: AuthUser, q: DayQuery | DateRangeQuery): Promise<RecordView<P>[]> {
    return this.crud.list(user, (c) => ({ ...localDayRange(c.zone, q), limit: q.limit, offset: q.offset }));
  }

  get(user: AuthUser, id: string): Promise<RecordView<P>> {
    return this.crud.get(user, id);
  }

  create(user: AuthUser, dto: RecordInput<P>, links?: Partial<RecordLinks>): Promise<RecordView<P>> {
    return this.crud.create(user, dto, links);
  }

  update(user: AuthUser, id: string, dto: RecordInput<P>): Promise<RecordView<P>> {
    return this.crud.update(user, id, dto);
  }

  remove(user: AuthUser, id: string): Promise<void> {
    return this.crud.remove(user, id);
  }
}
