import { Controller, Get, HttpCode, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { Public } from '../common/decorators.js';
import { HealthRegistry } from './health-registry.js';
import { ShutdownState } from './shutdown-state.js';
import { readFileSync } from 'node:fs';

const VERSION: string = (() => {
  try {
    return JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;
  } catch {
    return '0.0.0';
  }
})();

@ApiTags('ops')
@Public()
@Controller()
export class HealthController {
  constructor(
    private readonly terminus: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly registry: HealthRegistry,
    private readonly shutdown: ShutdownState,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Service name and version' })
  @ApiOkResponse({
    description: 'Name and version',
    schema: {
      type: 'object',
      required: ['name', 'version'],
      properties: { name: { type: 'string' }, version: { type: 'string' } },
      example: { name: 'Podd Health Assistant', version: VERSION },
    },
  })
  root(): { name: string; version: string } {
    return { name: 'Podd Health Assistant', version: VERSION };
  }

  @Get('health/live')
  @HttpCode(200)
  @ApiOperation({ summary: 'Liveness: the process answers (no dependency checks)' })
  @ApiOkResponse({
    description: 'Alive',
    schema: {
      type: 'object',
      required: ['status'],
      properties: { status: { type: 'string', enum: ['ok'] } },
      example: { status: 'ok' },
    },
  })
  live(): { status: string } {
    return { status: 'ok' };
  }

  /** Readiness: every registered dependency; non-critical ones (e.g. the cloud replica) are reported, not fatal. */
  @Get('health')
  @HealthCheck({ swaggerDocumentation: false })
  @ApiOperation({
    summary:
      'Readiness: auth database, event store, Redis and replicas when configured; the version and the reminder scheduler',
  })
  @ApiOkResponse({ description: 'Ready' })
  @ApiServiceUnavailableResponse({
    description: 'A critical dependency is down, or the service is shutting down',
  })
  async ready() {
    if (this.shutdown.shuttingDown) {
      throw new ServiceUnavailableException({ status: 'shutting_down', message: 'Shutting down' });
    }
    return this.terminus.check([
      // The running version, in every readiness answer (503 included), so a rollout can be watched here.
      () => this.indicators.check('app').up({ version: VERSION }),
      ...this.registry.all().map((c) => async () => {
        const ind = this.indicators.check(c.name);
        let r;
        try {
          r = await c.check();
        } catch {
          r = { status: 'down' as const, details: { error: 'check failed' } };
        }
        if (r.status === 'up') return ind.up(r.details ?? {});
        return c.critical ? ind.down(r.details ?? {}) : ind.up({ ...(r.details ?? {}), degraded: true });
      }),
    ]);
  }
}
