import type { AuthUser } from '../../common/decorators.js';
import type { Payload, RecordLinks } from '../../locusgraph/locusgraph.types.js';
import type { DateRangeQuery, DayQuery } from './queries.js';
import type { RecordResource } from './record-controller.js';
import { RecordCrud } from './record-crud.js';
import type { RecordInput, RecordListQuery } from './record-repository.js';
import type { Caller, RecordSpec, RecordView } from './record-spec.js';
import type { RecordStore } from './record-store.js';
import { localDayRange } from './time.js';

/**
 * The service of one record type: list, get, create, update and remove as the record layer does them
 * (ownership, time, merge, CAS). A resource's service extends it and overrides what has rules of its own (a list filter,
 * a check across fields, a duplicate rule); chat and the generic controller call the same methods.
 */
export abstract class RecordService<
  P extends Payload,
  Q extends DayQuery | DateRangeQuery = DayQuery | DateRangeQuery,
> implements RecordResource {
  protected readonly crud: RecordCrud<P>;

  protected constructor(store: RecordStore, spec: RecordSpec<P>) {
    this.crud = new RecordCrud(store, spec);
  }

  /**
   * The store query of a list (newest first, paged; `date` or `date_from`/`date_to` are calendar days in the
   * user's zone). A resource with list filters of its own overrides this, and then both `list` and `listJson` apply them.
   */
  protected listQuery(c: Caller, q: Q): RecordListQuery {
    return { ...localDayRange(c.zone, q), limit: q.limit, offset: q.offset };
  }

  list(user: AuthUser, q: Q): Promise<RecordView<P>[]> {
    return this.crud.list(user, (c) => this.listQuery(c, q));
  }

  /**
   * The list as its response body, for the list route: the text `JSON.stringify(await list(…))` would give,
   * with each record's text kept by the store between reads. A resource that overrides `list` itself (its
   * answer is more than the stored records) gets exactly that.
   */
  async listJson(user: AuthUser, q: Q): Promise<string> {
    if (this.list !== RecordService.prototype.list) return JSON.stringify(await this.list(user, q));
    return this.crud.listJson(user, (c) => this.listQuery(c, q));
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
