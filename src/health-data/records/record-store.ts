import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import type { AuthUser } from '../../common/decorators.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.module.js';
import { LocusGraphGateway } from '../../locusgraph/locusgraph.gateway.js';
import type { Payload, StoredRecord, StoreRequest } from '../../locusgraph/locusgraph.types.js';
import { RecordRepository } from './record-repository.js';
import type { Caller, RecordSpec } from './record-spec.js';
import { isValidZone } from './time.js';

/** How long a user's zone is remembered per process (a profile change on this replica forgets it at once). */
const ZONE_TTL_MS = 30_000;

/**
 * Entry point of the record layer for services: typed repositories from specs, the caller (owner id + IANA
 * zone) of a request, one `commit` for writes that span records, and the few whole-user reads and erasures
 * (reports, exports, account deletion). The gateway and the clock stay private to the record layer, so every
 * write goes through the rules of records/ (ownership, ids, time, CAS). The zone comes from the profile
 * record (`profile:<user_id>`, field `timezone`), else DEFAULT_TIMEZONE.
 */
@Injectable()
export class RecordStore {
  // One repository per spec; `repo()` is the only writer, so the entry for a RecordSpec<P> is a RecordRepository<P>.
  private readonly repos = new Map<object, unknown>();
  private readonly zones = new Map<string, { zone: string; until: number }>();

  constructor(
    private readonly gateway: LocusGraphGateway,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  repo<P extends Payload>(spec: RecordSpec<P>): RecordRepository<P> {
    let r = this.repos.get(spec) as RecordRepository<P> | undefined;
    if (!r) {
      r = new RecordRepository(spec, this.gateway, this.clock);
      this.repos.set(spec, r);
    }
    return r;
  }

  /** The time of the request (the injected Clock). */
  now(): Date {
    return this.clock.now();
  }

  /**
   * Writes several records in one transaction (batches, rules that change two records); requests come from
   * the repositories (`createRequest`, `replaceRequest`), so each carries its owner, kind and CAS version.
   */
  async commit<P extends Payload = Payload>(requests: StoreRequest<P>[]): Promise<StoredRecord<P>[]> {
    if (!requests.length) return [];
    if (requests.length === 1) return [await this.gateway.store(requests[0])];
    // storeMany answers in request order with the payloads it was given.
    return (await this.gateway.storeMany(requests)) as StoredRecord<P>[];
  }

  /** Erases records already read through a repository (a real delete). */
  async erase(...records: Pick<StoredRecord, 'contextId'>[]): Promise<void> {
    for (const r of records) await this.gateway.delete(r.contextId);
  }

  /** Every record of one type of a user, oldest first, optionally in a time range (reports, FHIR export). */
  async recordsOf(
    userId: string,
    type: string,
    range: { from?: Date; to?: Date } = {},
  ): Promise<StoredRecord[]> {
    const page = await this.gateway.list({
      userId,
      type,
      ...range,
      order: 'asc',
      limit: 10_000,
      countTotal: false,
    });
    return page.items;
  }

  /** The user's profile record, or null (reports and exports read it whole). */
  async profileOf(userId: string): Promise<StoredRecord | null> {
    const rec = await this.gateway.get(`profile:${userId}`);
    return rec?.userId === userId ? rec : null;
  }

  /** Every record of a user, streamed (account export, FHIR export). */
  exportRecords(userId: string): AsyncIterable<StoredRecord> {
    return this.gateway.exportRecords({ userId });
  }

  /** Erases every record of a user (account deletion); the store refuses their later writes. */
  async eraseUser(userId: string): Promise<void> {
    await this.gateway.deleteAllForUser(userId);
    this.forgetZone(userId);
  }

  get defaultZone(): string {
    return this.config.defaultTimezone;
  }

  /** The user's IANA zone: profile `timezone`, else DEFAULT_TIMEZONE. */
  async zoneOf(userId: string): Promise<string> {
    const now = Date.now();
    const hit = this.zones.get(userId);
    if (hit && hit.until > now) return hit.zone;
    const profile = await this.gateway.get(`profile:${userId}`);
    const tz = profile?.userId === userId ? profile.payload.timezone : null;
    const zone = typeof tz === 'string' && isValidZone(tz) ? tz : this.config.defaultTimezone;
    if (this.zones.size > 50_000) this.zones.clear();
    this.zones.set(userId, { zone, until: now + ZONE_TTL_MS });
    return zone;
  }

  /** Forgets a remembered zone (after a profile write or an account deletion). */
  forgetZone(userId: string): void {
    this.zones.delete(userId);
  }

  async caller(user: AuthUser | string): Promise<Caller> {
    const userId = typeof user === 'string' ? user : user.id;
    return { userId, zone: await this.zoneOf(userId) };
  }
}
