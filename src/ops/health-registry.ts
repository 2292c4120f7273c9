import { Injectable } from '@nestjs/common';

export interface HealthCheckResult {
  status: 'up' | 'down';
  /** Safe details (no record contents, no secrets). */
  details?: Record<string, unknown>;
}

export interface HealthCheck {
  /** Key in the /health response, e.g. `auth_db`, `event_store`, `redis`, `locusgraph_cloud`. */
  name: string;
  /** A failing critical check makes readiness 503; a non-critical one is reported but tolerated. */
  critical: boolean;
  check(): Promise<HealthCheckResult>;
}

/**
 * Modules register their dependencies' checks here (in onModuleInit); GET /health runs them all through
 * Terminus. One mechanism for every dependency instead of a hand-written indicator per module.
 */
@Injectable()
export class HealthRegistry {
  private readonly checks = new Map<string, HealthCheck>();

  register(check: HealthCheck): void {
    this.checks.set(check.name, check);
  }

  all(): HealthCheck[] {
    return [...this.checks.values()];
  }
}
