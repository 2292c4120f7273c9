import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../../common/decorators.js';
import { badRequest, conflict, notFound } from '../../common/errors.js';
import type { StoredRecord } from '../../locusgraph/locusgraph.types.js';
import { CacheService } from '../../infra/cache.service.js';
import { batchContext, batchResult, planBatch, validateBatch, type BatchResultDto } from '../batch/batch.js';
import type { RecordResource } from '../records/record-controller.js';
import { RecordCrud } from '../records/record-crud.js';
import type { RecordRepository } from '../records/record-repository.js';
import type { Caller } from '../records/record-spec.js';
import { RecordStore } from '../records/record-store.js';
import type { Page } from '../records/queries.js';
import { MeditationSessionCreateDto, type MeditationLogCreateDto } from './meditation.dto.js';
import {
  MEDITATION_LOG,
  MEDITATION_SESSION,
  MEDITATION_USER_SESSION,
  type MeditationLogPayload,
  type MeditationLogView,
  type SessionPayload,
  type SessionView,
} from './meditation.record.js';

export interface SessionQuery extends Page {
  category?: string;
  use_cache: boolean;
}

const CACHE_NS = 'meditation:sessions';
const CATALOGUE_MAX = 1000;
const DUPLICATE = 'A meditation session with this title already exists';

const titleKey = (t: string): string => t.trim().toLowerCase();
const time = (d: Date | string): number => new Date(d).getTime();
/** Newest first, as the store lists them (records read back from the cache carry ISO strings). */
const newestFirst = (a: StoredRecord, b: StoredRecord): number =>
  time(b.occurredAt) - time(a.occurredAt) || time(b.createdAt) - time(a.createdAt) || (a.id < b.id ? 1 : -1);

/**
 * Meditation sessions are the built-in catalogue (no owner, cached; changed only by seed or migration) plus
 * each user's own sessions (private: only their creator lists, reads, logs and deletes them), and each
 * user's session logs. Audio URLs must be http(s) (checked statelessly); a user's titles are unique,
 * ignoring case, among their own sessions and the catalogue.
 */
@Injectable()
export class MeditationService {
  private readonly catalogue: RecordRepository<SessionPayload>;
  private readonly own: RecordRepository<SessionPayload>;
  private readonly logs: RecordCrud<MeditationLogPayload>;

  /** Session logs as the generic controller's resource (`log`, `history`). */
  readonly logRoutes: RecordResource = {
    create: (user, dto: MeditationLogCreateDto) => this.log(user, dto),
    list: (user, q: Page) => this.history(user, q),
  };

  constructor(
    private readonly store: RecordStore,
    private readonly cache: CacheService,
  ) {
    this.catalogue = store.repo(MEDITATION_SESSION);
    this.own = store.repo(MEDITATION_USER_SESSION);
    this.logs = new RecordCrud(store, MEDITATION_LOG);
  }

  /** The catalogue and the caller's own sessions, merged newest first, then paged. */
  async listSessions(user: AuthUser, q: SessionQuery): Promise<SessionView[]> {
    const c = await this.store.caller(user);
    const window = q.offset + q.limit;
    const where = q.category ? { category: q.category } : undefined;
    const [shared, mine] = await Promise.all([
      this.catalogueOf(c, q.category ?? null, q.use_cache),
      this.own.list(c, { where, limit: window }),
    ]);
    return [...mine, ...shared]
      .sort(newestFirst)
      .slice(q.offset, window)
      .map((r) => this.render(r, c.zone));
  }

  async getSession(user: AuthUser, id: string): Promise<SessionView> {
    const c = await this.store.caller(user);
    return this.render(await this.find(c, id), c.zone);
  }

  async createSession(user: AuthUser, dto: MeditationSessionCreateDto): Promise<SessionView> {
    const c = await this.store.caller(user);
    this.checkUrl(dto.audio_url);
    if ((await this.titles(c)).has(titleKey(dto.title))) throw conflict(DUPLICATE);
    return this.render(await this.own.create(c, dto), c.zone);
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
      return this.own.createRequest(c, this.own.buildPayload(c, dto), {
        links: { related_to: [context] },
      });
    });
    await this.store.commit(writes);
    return batchResult(context, outcomes);
  }

  /** Deletes one of the caller's own sessions; a catalogue session or another user's is a 404. */
  async deleteSession(user: AuthUser, id: string): Promise<void> {
    await this.own.delete(await this.store.caller(user), id);
  }

  async log(user: AuthUser, dto: MeditationLogCreateDto): Promise<MeditationLogView> {
    const c = await this.store.caller(user);
    await this.find(c, dto.session_id);
    return this.logs.repo.render(await this.logs.repo.create(c, { ...dto, logged_at: undefined }), c.zone);
  }

  history(user: AuthUser, q: Page): Promise<MeditationLogView[]> {
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

  /** The caller's own session or a catalogue one; 404 for anything else. */
  private async find(c: Caller, id: string): Promise<StoredRecord<SessionPayload>> {
    const rec = (await this.own.find(c, id)) ?? (await this.catalogue.find(c, id));
    if (!rec) throw notFound(MEDITATION_SESSION.notFound);
    return rec;
  }

  /** The whole catalogue (optionally one category): small, and cached since only a seed changes it. */
  private catalogueOf(
    c: Caller,
    category: string | null,
    useCache = true,
  ): Promise<StoredRecord<SessionPayload>[]> {
    const load = () => this.catalogue.all(c, category ? { category } : undefined, CATALOGUE_MAX);
    return useCache ? this.cache.wrap(CACHE_NS, category ?? '*', load) : load();
  }

  private async titles(c: Caller): Promise<Set<string>> {
    const [shared, mine] = await Promise.all([
      this.catalogueOf(c, null),
      this.own.all(c, undefined, CATALOGUE_MAX),
    ]);
    return new Set([...shared, ...mine].map((s) => titleKey(s.payload.title)));
  }

  /** One shape for both kinds: `user_id` is the owner's id, null for the catalogue. */
  private render(rec: StoredRecord<SessionPayload>, zone: string): SessionView {
    const repo = rec.userId === null ? this.catalogue : this.own;
    return { ...repo.render(rec, zone), user_id: rec.userId };
  }
}
