import { Body, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { PaginationQuery } from '../../common/dto.js';
import { CurrentUser, type AuthUser } from '../../common/decorators.js';
import { ApiErrors } from '../../common/swagger.js';
import { RelatedToQuery } from '../records/dto.js';
import { RecordController } from '../records/record-controller.js';
import {
  AdherenceQuery,
  AdherenceResponseDto,
  MedicationCreateDto,
  MedicationListQuery,
  MedicationLogCreateDto,
  MedicationLogListQuery,
  MedicationLogResponseDto,
  MedicationResponseDto,
  MedicationScheduleCreateDto,
  MedicationScheduleResponseDto,
  MedicationUpdateDto,
} from './medication.dto.js';
import { MedicationService } from './medication.service.js';
import type { MedLogView, MedScheduleView } from './medication.record.js';

@RecordController<MedicationController>({
  path: 'api/medication',
  tag: 'medication',
  param: 'medication_id',
  resource: (c) => c.meds.medicationRoutes,
  dto: {
    response: MedicationResponseDto,
    create: MedicationCreateDto,
    update: MedicationUpdateDto,
    list: MedicationListQuery,
  },
  routes: {
    list: { summary: 'Your medications, newest first', errors: [422] },
    create: { summary: 'Add a medication', errors: [400, 413, 422] },
    get: { summary: 'One medication', errors: [404] },
    update: {
      summary: 'Change a medication: only the fields sent change (an omitted active keeps its value)',
      errors: [400, 404, 409, 413, 422],
    },
    remove: { summary: 'Erase a medication and its schedules (dose history stays)', errors: [404] },
  },
  order: ['list', 'create', 'log', 'logs', 'adherence', 'schedules', 'schedule', 'get', 'update', 'remove'],
})
export class MedicationController {
  constructor(readonly meds: MedicationService) {}

  @Post('log')
  @HttpCode(201)
  @ApiOperation({ summary: 'Log a dose taken (medication by id or exact name)' })
  @ApiCreatedResponse({ type: MedicationLogResponseDto })
  @ApiErrors(400, 404, 413, 422)
  log(
    @CurrentUser() user: AuthUser,
    @Body() dto: MedicationLogCreateDto,
    @Query() q: RelatedToQuery,
  ): Promise<MedLogView> {
    return this.meds.logDose(user, dto, q.related_to);
  }

  @Get('logs')
  @ApiOperation({ summary: 'Dose history, newest first (medication and date range in your time zone)' })
  @ApiOkResponse({ type: [MedicationLogResponseDto] })
  @ApiErrors(422)
  logs(@CurrentUser() user: AuthUser, @Query() q: MedicationLogListQuery): Promise<MedLogView[]> {
    return this.meds.listLogs(user, q);
  }

  @Get('adherence')
  @ApiOperation({
    summary:
      'Scheduled vs taken / late / missed doses per schedule and overall, by day in your time zone (default the last 7 days)',
  })
  @ApiOkResponse({ type: AdherenceResponseDto })
  @ApiErrors(422)
  adherence(@CurrentUser() user: AuthUser, @Query() q: AdherenceQuery): Promise<AdherenceResponseDto> {
    return this.meds.adherence(user, q);
  }

  @Get('schedule')
  @ApiOperation({ summary: 'Your medication schedules (same as GET /api/medication-schedules)' })
  @ApiOkResponse({ type: [MedicationScheduleResponseDto] })
  @ApiErrors(422)
  schedules(@CurrentUser() user: AuthUser, @Query() q: PaginationQuery): Promise<MedScheduleView[]> {
    return this.meds.listSchedules(user, q);
  }

  @Post('schedule')
  @HttpCode(201)
  @ApiOperation({ summary: 'Add a schedule (HH:MM, 3-letter days); the id is the schedule id' })
  @ApiCreatedResponse({ type: MedicationScheduleResponseDto })
  @ApiErrors(400, 404, 413, 422)
  schedule(
    @CurrentUser() user: AuthUser,
    @Body() dto: MedicationScheduleCreateDto,
    @Query() q: RelatedToQuery,
  ): Promise<MedScheduleView> {
    return this.meds.createSchedule(user, dto, q.related_to);
  }
}
