import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../../common/decorators.js';
import { conflict } from '../../common/errors.js';
import { CacheService } from '../../infra/cache.service.js';
import type { StoredRecord } from '../../locusgraph/locusgraph.types.js';
import { batchContext, batchResult, planBatch, validateBatch, type BatchResultDto } from '../batch/batch.js';
import type { Caller } from '../records/record-spec.js';
import { RecordStore } from '../records/record-store.js';
import type { Page } from '../records/queries.js';
import type { RecordInput } from '../records/record-repository.js';
import { RecordService } from '../records/record-service.js';
import { AppointmentCreateDto, type QUERY_TYPES } from './appointments.dto.js';
import { APPOINTMENT, type AppointmentPayload, type AppointmentView } from './appointments.record.js';
import { DUPLICATE_WINDOW_MS, isDuplicate, type AppointmentLike } from './duplicates.js';

const DUPLICATE = 'Similar appointment already exists at the same time';
/** Users with more appointments than this are listed from the store directly (the cache holds all or nothing). */
const CACHE_MAX = 500;

type Row = StoredRecord<AppointmentPayload>;

export interface AppointmentQuery extends Page {
  query_type: (typeof QUERY_TYPES)[number];
  use_cache: boolean;
}

/**
 * Appointments. Rules of their own: duplicate detection around the new time (409), `query_type`
 * upcoming/past/all against the current time, and a per-user cache of the whole list (invalidated on
 * every write, filtered by the current time on each read, so an appointment moves from upcoming to past
 * on time even when served from the cache).
 */
@Injectable()
export class AppointmentsService extends RecordService<AppointmentPayload> {
  constructor(
    private readonly store: RecordStore,
    private readonly cache: CacheService,
  ) {
    super(store, APPOINTMENT);
  }

  private ns(userId: string): string {
    return `user:${userId}:appointments`;
  }

  private render(rows: Row[], zone: string): AppointmentView[] {
    return rows.map((r) => this.crud.repo.render(r, zone));
  }

  override async list(user: AuthUser, q: AppointmentQuery): Promise<AppointmentView[]> {
    const c = await this.store.caller(user);
    const now = this.store.now();
    if (q.use_cache) {
      const all = await this.cache.wrap(this.ns(c.userId), 'all', () =>
        this.crud.repo.list(c, { order: 'asc', limit: CACHE_MAX + 1 }),
      );
      if (all.length <= CACHE_MAX) {
        const nowIso = now.toISOString();
        let rows = all;
        if (q.query_type === 'upcoming') rows = all.filter((r) => r.payload.scheduled_at >= nowIso);
        if (q.query_type === 'past') rows = all.filter((r) => r.payload.scheduled_at < nowIso).reverse();
        return this.render(rows.slice(q.offset, q.offset + q.limit), c.zone);
      }
    }
    const rows = await this.crud.repo.list(c, {
      ...(q.query_type === 'upcoming' ? { from: now } : {}),
      ...(q.query_type === 'past' ? { to: now } : {}),
      order: q.query_type === 'past' ? 'desc' : 'asc',
      limit: q.limit,
      offset: q.offset,
    });
    return this.render(rows, c.zone);
  }

  override async create(user: AuthUser, dto: RecordInput<AppointmentPayload>): Promise<AppointmentView> {
    const c = await this.store.caller(user);
    const payload = this.crud.repo.buildPayload(c, dto);
    await this.checkDuplicate(c, payload);
    const [rec] = await this.store.commit([this.crud.repo.createRequest(c, payload)]);
    await this.cache.bump(this.ns(c.userId));
    return this.crud.repo.render(rec, c.zone);
  }

  override async update(
    user: AuthUser,
    id: string,
    dto: RecordInput<AppointmentPayload>,
  ): Promise<AppointmentView> {
    const c = await this.store.caller(user);
    const rec = await this.crud.repo.update(c, id, dto, {
      check: (next) => this.checkDuplicate(c, next, id),
    });
    await this.cache.bump(this.ns(c.userId));
    return this.crud.repo.render(rec, c.zone);
  }

  override async remove(user: AuthUser, id: string): Promise<void> {
    const c = await this.store.caller(user);
    await this.crud.repo.delete(c, id);
    await this.cache.bump(this.ns(c.userId));
  }

  /** Items are checked against the stored appointments and the earlier items of the same batch. */
  async createMany(user: AuthUser, body: unknown): Promise<BatchResultDto> {
    const c = await this.store.caller(user);
    const items = await validateBatch(body, AppointmentCreateDto);
    const context = batchContext(user.id, 'appointment');
    const accepted: AppointmentLike[] = [];
    const { outcomes, writes } = await planBatch(items, async (dto) => {
      const payload = this.crud.repo.buildPayload(c, dto);
      if (isDuplicate(payload, accepted)) throw conflict(DUPLICATE);
      await this.checkDuplicate(c, payload);
      accepted.push(payload);
      return this.crud.repo.createRequest(c, payload, { links: { related_to: [context] } });
    });
    await this.store.commit(writes);
    await this.cache.bump(this.ns(c.userId));
    return batchResult(context, outcomes);
  }

  private async checkDuplicate(c: Caller, candidate: AppointmentLike, selfId?: string): Promise<void> {
    const at = Date.parse(candidate.scheduled_at);
    const near = await this.crud.repo.list(c, {
      from: new Date(at - DUPLICATE_WINDOW_MS),
      to: new Date(at + DUPLICATE_WINDOW_MS + 1),
      limit: 100,
    });
    if (
      isDuplicate(
        candidate,
        near.filter((r) => r.id !== selfId).map((r) => r.payload),
      )
    )
      throw conflict(DUPLICATE);
  }
}
