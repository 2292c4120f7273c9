import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../../common/decorators.js';
import { badRequest, conflict } from '../../common/errors.js';
import type { StoredRecord } from '../../locusgraph/locusgraph.types.js';
import { CacheService } from '../../infra/cache.service.js';
import { batchContext, batchResult, planBatch, validateBatch, type BatchResultDto } from '../batch/batch.js';
import { RecordCrud } from '../records/record-crud.js';
import type { Caller } from '../records/record-spec.js';
import { RecordStore } from '../records/record-store.js';
import type { PaginationQuery } from '../../common/dto.js';
import {
  MeditationSessionCreateDto,
  type MeditationLogCreateDto,
  type MeditationLogResponseDto,
  type MeditationSessionListQuery,
  type MeditationSessionResponseDto,
} from './meditation.dto.js';
import { MEDITATION_LOG, MEDITATION_SESSION, type SessionPayload } from './meditation.records.js';

const CACHE_NS = 'meditation:sessions';
const CATALOGUE_MAX = 1000;
const DUPLICATE = 'A meditation session with this title already exists';

const titleKey = (t: string): string => t.trim().toLowerCase();

/**
 * Meditation: the shared session catalogue (no owner; cached, invalidated on every write) and each
 * user's session logs. Audio URLs must be http(s) (checked statelessly); titles are unique, ignoring case.
 */
@Injectable()
export class MeditationService {
  readonly sessions: RecordCrud<SessionPayload, MeditationSessionResponseDto>;
  readonly logs: RecordCrud<Record<string, unknown>, MeditationLogResponseDto>;

  constructor(
    private readonly store: RecordStore,
    private readonly cache: CacheService,
  ) {
    this.sessions = new RecordCrud(store, MEDITATION_SESSION);
    this.logs = new RecordCrud(store, MEDITATION_LOG);
  }

  async listSessions(user: AuthUser, q: MeditationSessionListQuery): Promise<MeditationSessionResponseDto[]> {
    const c = await this.store.caller(user);
    const load = (): Promise<StoredRecord<SessionPayload>[]> =>
      this.sessions.repo.list(c, {
        where: q.category ? { category: q.category } : undefined,
        limit: q.limit,
        offset: q.offset,
      });
    const items = q.use_cache
      ? await this.cache.wrap(CACHE_NS, `${q.category ?? '*'}:${q.limit}:${q.offset}`, load)
      : await load();
    return items.map((r) => this.sessions.repo.render(r, c.zone) as unknown as MeditationSessionResponseDto);
  }

  async createSession(
    user: AuthUser,
    dto: MeditationSessionCreateDto,
  ): Promise<MeditationSessionResponseDto> {
    const c = await this.store.caller(user);
    this.checkUrl(dto.audio_url);
    if ((await this.titles(c)).has(titleKey(dto.title))) throw conflict(DUPLICATE);
    const rec = await this.sessions.repo.create(c, dto);
    await this.cache.bump(CACHE_NS);
    return this.sessions.repo.render(rec, c.zone) as unknown as MeditationSessionResponseDto;
  }

  async createSessions(user: AuthUser, body: unknown): Promise<BatchResultDto> {
    const c = await this.store.caller(user);
    const items = await validateBatch(body, MeditationSessionCreateDto);
    const context = batchContext(user.id, 'meditation_session');
    const titles = await this.titles(c);
    const { outcomes, writes } = await planBatch(items, (dto) => {
      this.checkUrl(dto.audio_url);
      if (titles.has(titleKey(dto.title))) throw conflict(DUPLICATE);
      titles.add(titleKey(dto.title));
      return this.sessions.repo.createRequest(c, this.sessions.repo.buildPayload(c, dto), {
        links: { related_to: [context] },
      });
    });
    if (writes.length) await this.store.gateway.storeMany(writes);
    await this.cache.bump(CACHE_NS);
    return batchResult(context, outcomes);
  }

  async log(user: AuthUser, dto: MeditationLogCreateDto): Promise<MeditationLogResponseDto> {
    const c = await this.store.caller(user);
    await this.sessions.repo.get(c, dto.session_id);
    return this.logs.repo.render(
      await this.logs.repo.create(c, { ...dto, logged_at: undefined }),
      c.zone,
    ) as unknown as MeditationLogResponseDto;
  }

  history(user: AuthUser, q: PaginationQuery): Promise<MeditationLogResponseDto[]> {
    return this.logs.list(user, () => ({ limit: q.limit, offset: q.offset }));
  }

  private checkUrl(url: string | null | undefined): void {
    if (url === undefined || url === null || url === '') return;
    let ok = false;
    try {
      const u = new URL(url);
      ok = (u.protocol === 'http:' || u.protocol === 'https:') && Boolean(u.hostname);
    } catch {
      ok = false;
    }
    if (!ok) throw badRequest('Invalid audio URL: URL must start with http:// or https:// and name a host');
  }

  private async titles(c: Caller): Promise<Set<string>> {
    const all = await this.sessions.repo.all(c, undefined, CATALOGUE_MAX);
    return new Set(all.map((s) => titleKey(s.payload.title)));
  }
}
