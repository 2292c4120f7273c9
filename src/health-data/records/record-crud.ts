import type { AuthUser } from '../../common/decorators.js';
import type { Payload, RecordLinks } from '../../locusgraph/locusgraph.types.js';
import type { RecordInput, RecordListQuery, RecordRepository } from './record-repository.js';
import type { Caller, RecordSpec, RecordView } from './record-spec.js';
import type { RecordStore } from './record-store.js';

/** Links of a new record from the original's `related_to` query parameter (and/or body list). */
export function relatedLinks(
  ...values: (string | string[] | null | undefined)[]
): Partial<RecordLinks> | undefined {
  const ids = values.flatMap((v) => (Array.isArray(v) ? v : v ? [v] : []));
  return ids.length ? { related_to: [...new Set(ids)] } : undefined;
}

/**
 * The plain create/get/list/update/delete of one resource for one caller, rendered as response bodies
 * (`RecordView<P>`). Services use it for everything that has no rule of its own and add only what is specific.
 */
export class RecordCrud<P extends Payload> {
  readonly repo: RecordRepository<P>;

  constructor(
    readonly store: RecordStore,
    spec: RecordSpec<P>,
  ) {
    this.repo = store.repo(spec);
  }

  caller(user: AuthUser): Promise<Caller> {
    return this.store.caller(user);
  }

  async create(user: AuthUser, dto: RecordInput<P>, links?: Partial<RecordLinks>): Promise<RecordView<P>> {
    const c = await this.caller(user);
    return this.repo.render(await this.repo.create(c, dto, { links }), c.zone);
  }

  async get(user: AuthUser, id: string): Promise<RecordView<P>> {
    const c = await this.caller(user);
    return this.repo.render(await this.repo.get(c, id), c.zone);
  }

  /** `query` builds the list query from the caller (its zone turns local days into instants). */
  async list(user: AuthUser, query: (c: Caller) => RecordListQuery): Promise<RecordView<P>[]> {
    const c = await this.caller(user);
    const items = await this.repo.list(c, query(c));
    return items.map((r) => this.repo.render(r, c.zone));
  }

  /** The list as its JSON response body (the same text as `JSON.stringify` of `list`, rendered texts reused). */
  async listJson(user: AuthUser, query: (c: Caller) => RecordListQuery): Promise<string> {
    const c = await this.caller(user);
    return `[${(await this.repo.listRendered(c, query(c))).join(',')}]`;
  }

  /** `check` sees the merged payload (rules across fields) and may throw a 4xx. */
  async update(
    user: AuthUser,
    id: string,
    dto: RecordInput<P>,
    check?: (next: P) => void,
  ): Promise<RecordView<P>> {
    const c = await this.caller(user);
    return this.repo.render(await this.repo.update(c, id, dto, { check }), c.zone);
  }

  async remove(user: AuthUser, id: string): Promise<void> {
    await this.repo.delete(await this.caller(user), id);
  }
}
