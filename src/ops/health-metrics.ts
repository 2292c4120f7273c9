import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { HealthRegistry } from './health-registry.js';
import { gauge } from './metrics.js';
import { ShutdownState } from './shutdown-state.js';

/** A check that has not answered by then counts as down (a scrape must not hang on a dead dependency). */
const CHECK_TIMEOUT_MS = 2000;

/** The checks a scrape runs: the last app started (tests run several apps in one process). */
let active: { collect(): Promise<void> } | null = null;
/** One run of the checks per scrape, shared by the three gauges (a scrape collects them concurrently). */
let inflight: Promise<void> | null = null;
const refresh = (): Promise<void> =>
  (inflight ??= (active?.collect() ?? Promise.resolve()).finally(() => (inflight = null)));

const up = gauge({
  name: 'podd_health_check_up',
  help: 'Readiness checks run at scrape time: 1 up, 0 down (auth_db, event_store, redis, locusgraph_cloud …)',
  labelNames: ['check', 'critical'],
  collect: refresh,
});
const seconds = gauge({
  name: 'podd_health_check_duration_seconds',
  help: 'How long each readiness check took at the last scrape',
  labelNames: ['check'],
  collect: refresh,
});
const ready = gauge({
  name: 'podd_ready',
  help: 'GET /health would answer 200: every critical check up and not shutting down (1), else 0',
  collect: refresh,
});

/** Database, Redis and replica health as metrics: the same checks as GET /health, run on each scrape. */
@Injectable()
export class HealthMetrics implements OnModuleInit, OnModuleDestroy {
  constructor(
    private readonly registry: HealthRegistry,
    private readonly shutdown: ShutdownState,
  ) {}

  private readonly handle = { collect: () => this.collect() };

  onModuleInit(): void {
    active = this.handle;
  }

  onModuleDestroy(): void {
    if (active === this.handle) active = null;
  }

  async collect(): Promise<void> {
    let allCritical = true;
    await Promise.all(
      this.registry.all().map(async (c) => {
        const started = performance.now();
        let timer: NodeJS.Timeout | undefined;
        const ok = await Promise.race([
          c.check().then(
            (r) => r.status === 'up',
            () => false,
          ),
          new Promise<boolean>((r) => (timer = setTimeout(() => r(false), CHECK_TIMEOUT_MS))),
        ]);
        clearTimeout(timer);
        up.set({ check: c.name, critical: String(c.critical) }, ok ? 1 : 0);
        seconds.set({ check: c.name }, (performance.now() - started) / 1000);
        if (c.critical && !ok) allCritical = false;
      }),
    );
    ready.set(allCritical && !this.shutdown.shuttingDown ? 1 : 0);
  }
}
