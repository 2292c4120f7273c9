import { createHash, timingSafeEqual } from 'node:crypto';
import { Controller, Get, Headers, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { PrometheusController } from '@willsoto/nestjs-prometheus';
import type { FastifyReply } from 'fastify';
import { Public } from '../common/decorators.js';
import { ErrorCode, unauthorized } from '../common/errors.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/**
 * GET /metrics (Prometheus text format), outside the user bearer-token guard like the other ops routes.
 * With METRICS_TOKEN set it needs `Authorization: Bearer <METRICS_TOKEN>`; the comparison is of SHA-256
 * digests in constant time, so neither the content nor the length of the token leaks through timing.
 */
@ApiExcludeController()
@Public()
@Controller()
export class MetricsController extends PrometheusController {
  private readonly expected: Buffer | null;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    super();
    this.expected = config.metricsToken ? digest(config.metricsToken) : null;
  }

  @Get()
  override async index(
    @Res({ passthrough: true }) response: FastifyReply,
    @Headers('authorization') authorization?: string,
  ): Promise<string> {
    if (this.expected) {
      const m = /^bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
      if (!m || !timingSafeEqual(digest(m[1]), this.expected)) {
        throw m
          ? unauthorized('Invalid metrics token')
          : unauthorized('Not authenticated', ErrorCode.NOT_AUTHENTICATED);
      }
    }
    return super.index(response);
  }
}
