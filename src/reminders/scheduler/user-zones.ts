import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.module.js';
import { LocusGraphGateway } from '../../locusgraph/locusgraph.gateway.js';
import { isValidZone } from '../schedule/local-time.js';

const TTL_MS = 10_000;

/**
 * The IANA zone reminders of a user fire in: the profile's `timezone` (`profile:{user_id}`), else
 * DEFAULT_TIMEZONE. Cached for a few seconds per user; a profile change invalidates it on this replica
 * (other replicas see it within the TTL).
 */
@Injectable()
export class UserZones {
  private readonly cache = new Map<string, { zone: string; until: number }>();

  constructor(
    private readonly gateway: LocusGraphGateway,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  get defaultZone(): string {
    return this.config.defaultTimezone;
  }

  async zoneOf(userId: string): Promise<string> {
    const now = Date.now();
    const hit = this.cache.get(userId);
    if (hit && hit.until > now) return hit.zone;
    const profile = await this.gateway.get<{ timezone?: unknown }>(`profile:${userId}`);
    const tz = profile && profile.userId === userId ? profile.payload.timezone : undefined;
    const zone = typeof tz === 'string' && isValidZone(tz) ? tz : this.config.defaultTimezone;
    if (this.cache.size > 100_000) this.cache.clear();
    this.cache.set(userId, { zone, until: now + TTL_MS });
    return zone;
  }

  invalidate(userId: string): void {
    this.cache.delete(userId);
  }
}
