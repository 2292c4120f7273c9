import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentUser, type AuthUser } from '../../common/decorators.js';
import { ApiErrors } from '../../common/swagger.js';
import {
  MedicationScheduleCreateDto,
  MedicationScheduleListQuery,
  MedicationScheduleResponseDto,
  MedicationScheduleUpdateDto,
} from './medication.dto.js';
import { MedicationService } from './medication.service.js';
import type { MedScheduleView } from './medication.record.js';

@ApiTags('medication')
@ApiBearerAuth()
@Controller('api/medication-schedules')
export class MedicationSchedulesController {
  constructor(private readonly meds: MedicationService) {}

  @Get()
  @ApiOperation({ summary: 'Your medication schedules, newest first (optionally of one medication)' })
  @ApiOkResponse({ type: [MedicationScheduleResponseDto] })
  @ApiErrors(422)
  list(@CurrentUser() user: AuthUser, @Query() q: MedicationScheduleListQuery): Promise<MedScheduleView[]> {
    return this.meds.listSchedules(user, q);
  }

  @Get(':schedule_id')
  @ApiOperation({ summary: 'One schedule' })
  @ApiOkResponse({ type: MedicationScheduleResponseDto })
  @ApiErrors(404)
  get(@CurrentUser() user: AuthUser, @Param('schedule_id') id: string): Promise<MedScheduleView> {
    return this.meds.getSchedule(user, id);
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Add a schedule (HH:MM in your time zone, 3-letter days; empty = every day)' })
  @ApiCreatedResponse({ type: MedicationScheduleResponseDto })
  @ApiErrors(400, 404, 413, 422)
  create(@CurrentUser() user: AuthUser, @Body() dto: MedicationScheduleCreateDto): Promise<MedScheduleView> {
    return this.meds.createSchedule(user, { ...dto, related_to: undefined });
  }

  @Put(':schedule_id')
  @ApiOperation({
    summary: 'Change a schedule: only the fields sent change (an omitted days_of_week keeps its value)',
  })
  @ApiOkResponse({ type: MedicationScheduleResponseDto })
  @ApiErrors(400, 404, 409, 413, 422)
  update(
    @CurrentUser() user: AuthUser,
    @Param('schedule_id') id: string,
    @Body() dto: MedicationScheduleUpdateDto,
  ): Promise<MedScheduleView> {
    return this.meds.updateSchedule(user, id, dto);
  }

  @Delete(':schedule_id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Erase a schedule' })
  @ApiNoContentResponse({ description: 'Erased' })
  @ApiErrors(404)
  remove(@CurrentUser() user: AuthUser, @Param('schedule_id') id: string): Promise<void> {
    return this.meds.schedules.remove(user, id);
  }
}
