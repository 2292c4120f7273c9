import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { PaginationQuery } from '../../common/dto.js';
import { CurrentUser, type AuthUser } from '../../common/decorators.js';
import { ApiErrors } from '../../common/swagger.js';
import { RelatedToQuery } from '../records/dto.js';
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
import type { MedLogView, MedScheduleView, MedicationView } from './medication.record.js';

@ApiTags('medication')
@ApiBearerAuth()
@Controller('api/medication')
export class MedicationController {
  constructor(private readonly meds: MedicationService) {}

  @Get()
  @ApiOperation({ summary: 'Your medications, newest first' })
  @ApiOkResponse({ type: [MedicationResponseDto] })
  @ApiErrors(422)
  list(@CurrentUser() user: AuthUser, @Query() q: MedicationListQuery): Promise<MedicationView[]> {
    return this.meds.listMedications(user, q);
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Add a medication' })
  @ApiCreatedResponse({ type: MedicationResponseDto })
  @ApiErrors(400, 413, 422)
  create(@CurrentUser() user: AuthUser, @Body() dto: MedicationCreateDto): Promise<MedicationView> {
    return this.meds.medications.create(user, dto);
  }

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

  @Get(':medication_id')
  @ApiOperation({ summary: 'One medication' })
  @ApiOkResponse({ type: MedicationResponseDto })
  @ApiErrors(404)
  get(@CurrentUser() user: AuthUser, @Param('medication_id') id: string): Promise<MedicationView> {
    return this.meds.medications.get(user, id);
  }

  @Put(':medication_id')
  @ApiOperation({
    summary: 'Change a medication: only the fields sent change (an omitted active keeps its value)',
  })
  @ApiOkResponse({ type: MedicationResponseDto })
  @ApiErrors(400, 404, 409, 413, 422)
  update(
    @CurrentUser() user: AuthUser,
    @Param('medication_id') id: string,
    @Body() dto: MedicationUpdateDto,
  ): Promise<MedicationView> {
    return this.meds.medications.update(user, id, dto);
  }

  @Delete(':medication_id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Erase a medication and its schedules (dose history stays)' })
  @ApiNoContentResponse({ description: 'Erased' })
  @ApiErrors(404)
  remove(@CurrentUser() user: AuthUser, @Param('medication_id') id: string): Promise<void> {
    return this.meds.removeMedication(user, id);
  }
}
