import { Controller, Get, Headers, Param, Query, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentUser, type AuthUser } from '../common/decorators.js';
import { ApiErrors } from '../common/swagger.js';
import { DoctorReportService, type DoctorReport } from '../reports/doctor-report.service.js';
import { pickLang } from '../reports/report-i18n.js';
import { sendReport } from '../reports/report-response.js';
import { SummaryQuery } from '../reports/reports.controller.js';
import { CareCircleService } from './care-circle.service.js';
import { CareGrantGuard, RequiresGrant } from './care-grant.guard.js';

/**
 * The categories the doctor's report needs: a member sees it only when granted all of them. Its lab section is
 * shown only to a member also granted `lab_results` (required, it would lock out the members linked before it).
 */
export const REPORT_SCOPES = ['vitals', 'medication', 'sleep', 'exercise_mood', 'emergency'] as const;

/**
 * The doctor's report of a person the member cares for (to take to an appointment with them). The same report
 * as the owner's own `GET /api/reports/summary`, in the owner's time zone; served only within a grant of every
 * category it shows, and written to the owner's access log with the member as actor (the grant guard notes the
 * owner; the report reads through the audited gateway).
 */
@ApiTags('care-circle')
@ApiBearerAuth()
@Controller('api/care/people/:owner_id/reports')
@UseGuards(CareGrantGuard)
export class CareReportController {
  constructor(
    private readonly reports: DoctorReportService,
    private readonly care: CareCircleService,
  ) {}

  @RequiresGrant({ scopes: [...REPORT_SCOPES] })
  @Get('summary')
  @ApiOperation({
    summary: "The person's doctor's report (scopes vitals, medication, sleep, exercise_mood and emergency)",
    description:
      'As GET /api/reports/summary (Accept: application/pdf or text/html; else JSON), for the person. The lab-results section is included only with the scope lab_results (JSON `labs` is null without it).',
  })
  @ApiProduces('application/pdf', 'text/html', 'application/json')
  @ApiOkResponse({ description: 'The report (PDF, HTML, or its data as JSON)' })
  @ApiErrors(
    {
      status: 404,
      description:
        'Not a person you care for, a category of the report is not granted, or the link ended (same answer for all)',
    },
    422,
  )
  async summary(
    @CurrentUser() user: AuthUser,
    @Param('owner_id') ownerId: string,
    @Query() q: SummaryQuery,
    @Headers() headers: Record<string, string | undefined>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer | string | DoctorReport> {
    const report = await this.reports.summaryFor(ownerId, {
      days: q.days,
      lang: pickLang(q.lang, headers['accept-language']),
      labs: (await this.care.grant(ownerId, user.id))?.scopes.includes('lab_results') ?? false,
    });
    return sendReport(report, headers.accept, reply);
  }
}
