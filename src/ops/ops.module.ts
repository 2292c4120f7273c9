import { Global, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { collectDefaultMetrics, register } from 'prom-client';
import { HealthController } from './health.controller.js';
import { HealthMetrics } from './health-metrics.js';
import { MetricsController } from './metrics.controller.js';
import { ShutdownState } from './shutdown-state.js';

// Default process metrics once per process (several app instances can share one process in tests).
if (!register.getSingleMetric('process_cpu_user_seconds_total')) collectDefaultMetrics({ prefix: '' });

/** Ops endpoints: GET /, /health, /health/live, /metrics. */
@Global()
@Module({
  imports: [
    TerminusModule.forRoot({ errorLogStyle: 'json', logger: false }),
    PrometheusModule.register({
      path: '/metrics',
      controller: MetricsController,
      defaultMetrics: { enabled: false },
    }),
  ],
  controllers: [HealthController],
  providers: [ShutdownState, HealthMetrics],
  exports: [ShutdownState],
})
export class OpsModule {}
