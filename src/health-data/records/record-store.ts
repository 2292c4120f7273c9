import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import type { AuthUser } from '../../common/decorators.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.module.js';
import { LocusGraphGateway } from '../../locusgraph/locusgraph.gateway.js';
import type { Payload } from '../../locusgraph/locusgraph.types.js';
import { RecordRepository } from './record-repository.js';
import type { Caller, RecordSpec } from './record-spec.js';
import { isValidZone } from './time.js';

/** How long a user's zone is remembered per process (a profile change on this replica forgets it at once). */
const ZONE_TTL_MS = 30_000;

/**
 * Entry point of the record layer for services: typed repositories from specs, and the caller (owner id +
 * IANA zone) of a request. The zone comes from the profile record (`profile:<user_id>`, field `timezone`),
 * else DEFAULT_TIMEZONE.
 */
@Injectable()
export class RecordStore {
  // One repository per type; `repo()` is the only writer, so the entry for `spec.type` is a RecordRepository<P>.
  private readonly repos = new Map<string, unknown>();
  private readonly zones = new Map<string, { zone: string; until: number }>();

  constructor(
    readonly gateway: LocusGraphGateway,
    readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  repo<P extends Payload>(spec: RecordSpec<P>): RecordRepository<P> {
    let r = this.repos.get(spec.type) as RecordRepository<P> | undefined;
    if (!r) {
      r = new RecordRepository(spec, this.gateway, this.clock);
      this.repos.set(spec.type, r);
    }
    return r;
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
