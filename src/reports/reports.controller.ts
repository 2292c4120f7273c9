import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentUser, Public, type AuthUser } from '../common/decorators.js';
import { ToInt } from '../common/dto.js';
import { ApiErrors } from '../common/swagger.js';
import {
  DoctorReportService,
  REPORT_DAYS,
  type DoctorReport,
  type ReportDays,
} from './doctor-report.service.js';
import { pickLang, REPORT_LANGS, type ReportLang } from './report-i18n.js';
import { sendReport } from './report-response.js';
import { ShareLinksService, type ShareLinkView } from './share-links.service.js';

export class SummaryQuery {
  @ApiPropertyOptional({ enum: REPORT_DAYS, default: 30, description: 'Days covered, ending today' })
  @IsOptional()
  @ToInt()
  @IsIn(REPORT_DAYS, { message: 'days must be 30 or 90' })
  days: ReportDays = 30;

  @ApiPropertyOptional({ enum: REPORT_LANGS, description: 'Language (default: Accept-Language, else en)' })
  @IsOptional()
  @IsIn(REPORT_LANGS, { message: `lang must be one of ${REPORT_LANGS.join(', ')}` })
  lang?: ReportLang;
}

export class CreateShareDto {
  @ApiPropertyOptional({
    enum: REPORT_DAYS,
    default: 30,
    nullable: true,
    description: 'Days covered (null: 30)',
  })
  @IsOptional()
  @IsIn(REPORT_DAYS, { message: 'days must be 30 or 90' })
  days: ReportDays = 30;

  @ApiProperty({ minimum: 1, maximum: 168, example: 24, description: 'Hours until the link stops working' })
  @IsInt()
  @Min(1)
  @Max(168)
  expires_in_hours: number;

  @ApiPropertyOptional({
    enum: REPORT_LANGS,
    nullable: true,
    description: 'Language (default or null: Accept-Language, else en)',
  })
  @IsOptional()
  @IsIn(REPORT_LANGS)
  lang?: ReportLang;
}

class ShareLinkDto implements ShareLinkView {
  @ApiProperty({ example: '9f2c4e1a7b3d5c6e' }) id: string;
  @ApiProperty({ enum: REPORT_DAYS }) days: number;
  @ApiProperty({ enum: REPORT_LANGS }) lang: string;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) expires_at: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) revoked_at: string | null;
  @ApiProperty({ enum: ['active', 'expired', 'revoked'] }) status: 'active' | 'expired' | 'revoked';
  @ApiProperty({ description: 'Times the report was opened through this link' }) open_count: number;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) last_opened_at: string | null;
}

class CreatedShareLinkDto extends ShareLinkDto {
  @ApiProperty({ description: 'Opens the report without an account; shown once (only its hash is kept)' })
  url: string;
  @ApiProperty({ description: 'The 256-bit token inside the URL' })
  token: string;
}

@ApiTags('reports')
@ApiBearerAuth()
@Controller('api/reports')
export class ReportsController {
  constructor(
    private readonly reports: DoctorReportService,
    private readonly links: ShareLinksService,
  ) {}

  @Get('summary')
  @ApiOperation({
    summary: "A doctor's report of the last 30 or 90 days (Accept: application/pdf or text/html; else JSON)",
    description:
      'At most two A4 pages in your language and time zone: who, conditions, medicines and adherence, blood ' +
      'pressure, glucose and weight charts with target bands, readings out of range, sleep and activity, chat ' +
      'alarms and emergency alerts.',
  })
  @ApiProduces('application/pdf', 'text/html', 'application/json')
  @ApiOkResponse({ description: 'The report (PDF, HTML, or its data as JSON)' })
  @ApiErrors(422)
  async summary(
    @CurrentUser() user: AuthUser,
    @Query() q: SummaryQuery,
    @Headers('accept') accept: string | undefined,
    @Headers('accept-language') acceptLanguage: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer | string | DoctorReport> {
    const report = await this.reports.summaryFor(user.id, {
      days: q.days,
      lang: pickLang(q.lang, acceptLanguage),
    });
    return sendReport(report, accept, reply);
  }

  @Post('share')
  @ApiOperation({
    summary: 'Create a link that opens your report (HTML) without an account, for 1–168 hours',
    description: 'The token is ≥ 128 bits (256), shown once; every opening is written to your access log.',
  })
  @ApiCreatedResponse({ type: CreatedShareLinkDto })
  @ApiErrors(422)
  async share(
    @CurrentUser() user: AuthUser,
    @Body() dto: CreateShareDto,
    @Headers('accept-language') acceptLanguage: string | undefined,
    @Req() req: FastifyRequest,
  ): Promise<CreatedShareLinkDto> {
    const link = await this.links.create(user.id, {
      // An explicit null means the default (IsOptional lets it through).
      days: dto.days ?? 30,
      expiresInHours: dto.expires_in_hours,
      lang: pickLang(dto.lang, acceptLanguage),
    });
    return { ...link, url: `${req.protocol}://${req.host}/share/${link.token}` };
  }

  @Get('share')
  @ApiOperation({ summary: 'Your share links, newest first (active, expired and revoked)' })
  @ApiOkResponse({ type: [ShareLinkDto] })
  @ApiErrors()
  listShares(@CurrentUser() user: AuthUser): Promise<ShareLinkView[]> {
    return this.links.list(user.id);
  }

  @Delete('share/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke a share link (it answers 404 from now on)' })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiErrors(404)
  async revokeShare(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<void> {
    await this.links.revoke(user.id, id);
  }
}

/** The public side of a share link: outside /api, no account, the HTML report. */
@ApiTags('reports')
@Controller('share')
export class SharedReportController {
  constructor(
    private readonly reports: DoctorReportService,
    private readonly links: ShareLinksService,
  ) {}

  @Public()
  @Get(':token')
  @ApiOperation({
    summary: 'Public: the HTML report behind a share link (no account needed)',
    description: 'Unknown, expired and revoked links all answer 404. Each opening is logged for the owner.',
  })
  @ApiProduces('text/html')
  @ApiOkResponse({ description: 'The report as HTML' })
  @ApiErrors({ only: true }, 404, 429)
  async open(
    @Param('token') token: string,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const link = await this.links.open(token, req.id);
    const report = await this.reports.summaryFor(link.userId, {
      days: link.days as ReportDays,
      lang: link.lang as ReportLang,
    });
    // The token is in the URL: never send it on as a referrer, never index or cache the page.
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-robots-tag', 'noindex, nofollow');
    return (await sendReport(report, 'text/html', reply)) as string;
  }
}
