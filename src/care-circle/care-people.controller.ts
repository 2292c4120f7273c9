import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PaginationQuery } from '../common/dto.js';
import type { AuthUser } from '../common/decorators.js';
import { ApiErrors } from '../common/swagger.js';
import {
  AppointmentListQuery,
  AppointmentResponseDto,
} from '../health-data/appointments/appointments.dto.js';
import { AppointmentsService } from '../health-data/appointments/appointments.service.js';
import {
  EmergencyContactListQuery,
  EmergencyContactResponseDto,
} from '../health-data/emergency/emergency.dto.js';
import { EmergencyService } from '../health-data/emergency/emergency.service.js';
import { FoodLogListQuery, FoodLogResponseDto } from '../health-data/food/food.dto.js';
import { FoodService } from '../health-data/food/food.service.js';
import { LabResultListQuery, LabResultResponseDto } from '../health-data/lab/lab.dto.js';
import { LabService } from '../health-data/lab/lab.service.js';
import {
  AdherenceQuery,
  AdherenceResponseDto,
  MedicationListQuery,
  MedicationLogCreateDto,
  MedicationLogListQuery,
  MedicationLogResponseDto,
  MedicationResponseDto,
  MedicationScheduleResponseDto,
} from '../health-data/medication/medication.dto.js';
import { MedicationService } from '../health-data/medication/medication.service.js';
import {
  DayHistoryQuery,
  ExerciseLogResponseDto,
  MoodLogResponseDto,
  RangeHistoryQuery,
  SleepLogResponseDto,
  WaterLogResponseDto,
} from '../health-data/tracking/tracking.dto.js';
import { TrackingService } from '../health-data/tracking/tracking.service.js';
import { VitalsListQuery, VitalsResponseDto } from '../health-data/vitals/vitals.dto.js';
import { VitalsService } from '../health-data/vitals/vitals.service.js';
import { CareGrantGuard, RequiresGrant } from './care-grant.guard.js';
import type { FoodView } from '../health-data/food/food.record.js';
import type { VitalsView } from '../health-data/vitals/vitals.record.js';
import type {
  MedLogView,
  MedScheduleView,
  MedicationView,
} from '../health-data/medication/medication.record.js';
import type { ContactView } from '../health-data/emergency/emergency.record.js';
import type { AppointmentView } from '../health-data/appointments/appointments.record.js';

const OUTSIDE = {
  status: 404,
  description:
    'Not a person you care for, the category is not granted, or the link ended (same answer for all)',
};

/**
 * A cared-for person's data, read-only within the member's grant, in the same shapes as the owner's own
 * routes: the owner's services are called with the owner's id (so the owner's time zone applies), after the
 * grant check (CareGrantGuard, before the body is validated). Every read lands in the owner's access log with the member as actor.
 */
@ApiTags('care-circle')
@ApiBearerAuth()
@Controller('api/care/people/:owner_id')
@UseGuards(CareGrantGuard)
export class CarePeopleController {
  constructor(
    private readonly vitals: VitalsService,
    private readonly meds: MedicationService,
    private readonly food: FoodService,
    private readonly tracking: TrackingService,
    private readonly appointments: AppointmentsService,
    private readonly emergency: EmergencyService,
    private readonly lab: LabService,
  ) {}

  /** The owner as their own services see them (the grant was checked by CareGrantGuard). */
  private owner(ownerId: string): AuthUser {
    return { id: ownerId, email: '', name: '', jti: '' };
  }

  @RequiresGrant({ scope: 'vitals' })
  @Get('vitals')
  @ApiOperation({ summary: "The person's vitals (scope vitals); as GET /api/vitals" })
  @ApiOkResponse({ type: [VitalsResponseDto] })
  @ApiErrors(OUTSIDE, 422)
  vitalsList(@Param('owner_id') ownerId: string, @Query() q: VitalsListQuery): Promise<VitalsView[]> {
    return this.vitals.list(this.owner(ownerId), q);
  }

  @RequiresGrant({ scope: 'lab_results' })
  @Get('lab-results')
  @ApiOperation({ summary: "The person's lab results (scope lab_results); as GET /api/lab-results" })
  @ApiOkResponse({ type: [LabResultResponseDto] })
  @ApiErrors(OUTSIDE, 422)
  labResults(
    @Param('owner_id') ownerId: string,
    @Query() q: LabResultListQuery,
  ): Promise<LabResultResponseDto[]> {
    return this.lab.list(this.owner(ownerId), q);
  }

  @RequiresGrant({ scope: 'medication' })
  @Get('medication')
  @ApiOperation({ summary: "The person's medications (scope medication); as GET /api/medication" })
  @ApiOkResponse({ type: [MedicationResponseDto] })
  @ApiErrors(OUTSIDE, 422)
  medications(
    @Param('owner_id') ownerId: string,
    @Query() q: MedicationListQuery,
  ): Promise<MedicationView[]> {
    return this.meds.listMedications(this.owner(ownerId), q);
  }

  @RequiresGrant({ scope: 'medication' })
  @Get('medication/logs')
  @ApiOperation({ summary: "The person's dose history (scope medication); as GET /api/medication/logs" })
  @ApiOkResponse({ type: [MedicationLogResponseDto] })
  @ApiErrors(OUTSIDE, 422)
  medicationLogs(
    @Param('owner_id') ownerId: string,
    @Query() q: MedicationLogListQuery,
  ): Promise<MedLogView[]> {
    return this.meds.listLogs(this.owner(ownerId), q);
  }

  @RequiresGrant({ scope: 'medication' })
  @Get('medication/adherence')
  @ApiOperation({
    summary: "The person's adherence in their time zone (scope medication); as GET /api/medication/adherence",
  })
  @ApiOkResponse({ type: AdherenceResponseDto })
  @ApiErrors(OUTSIDE, 422)
  adherence(@Param('owner_id') ownerId: string, @Query() q: AdherenceQuery): Promise<AdherenceResponseDto> {
    return this.meds.adherence(this.owner(ownerId), q);
  }

  @RequiresGrant({ scope: 'medication' })
  @Get('medication/schedule')
  @ApiOperation({ summary: "The person's medication schedules (scope medication)" })
  @ApiOkResponse({ type: [MedicationScheduleResponseDto] })
  @ApiErrors(OUTSIDE, 422)
  schedules(@Param('owner_id') ownerId: string, @Query() q: PaginationQuery): Promise<MedScheduleView[]> {
    return this.meds.listSchedules(this.owner(ownerId), q);
  }

  @RequiresGrant({ scope: 'medication:write' })
  @Post('medication/log')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Mark a dose of the person taken (scope medication:write); as POST /api/medication/log',
  })
  @ApiCreatedResponse({ type: MedicationLogResponseDto })
  @ApiErrors(400, OUTSIDE, 413, 422)
  logDose(@Param('owner_id') ownerId: string, @Body() dto: MedicationLogCreateDto): Promise<MedLogView> {
    return this.meds.logDose(this.owner(ownerId), dto);
  }

  @RequiresGrant({ scope: 'food_water' })
  @Get('food-logs')
  @ApiOperation({ summary: "The person's food logs (scope food_water); as GET /api/food-logs" })
  @ApiOkResponse({ type: [FoodLogResponseDto] })
  @ApiErrors(OUTSIDE, 422)
  foodLogs(@Param('owner_id') ownerId: string, @Query() q: FoodLogListQuery): Promise<FoodView[]> {
    return this.food.list(this.owner(ownerId), q);
  }

  @RequiresGrant({ scope: 'food_water' })
  @Get('tracking/water/history')
  @ApiOperation({ summary: "The person's water logs (scope food_water); as GET /api/tracking/water/history" })
  @ApiOkResponse({ type: [WaterLogResponseDto] })
  @ApiErrors(OUTSIDE, 422)
  water(@Param('owner_id') ownerId: string, @Query() q: DayHistoryQuery): Promise<WaterLogResponseDto[]> {
    return this.tracking.history('water', this.owner(ownerId), q);
  }

  @RequiresGrant({ scope: 'sleep' })
  @Get('tracking/sleep/history')
  @ApiOperation({ summary: "The person's sleep logs (scope sleep); as GET /api/tracking/sleep/history" })
  @ApiOkResponse({ type: [SleepLogResponseDto] })
  @ApiErrors(OUTSIDE, 422)
  sleep(@Param('owner_id') ownerId: string, @Query() q: RangeHistoryQuery): Promise<SleepLogResponseDto[]> {
    return this.tracking.history('sleep', this.owner(ownerId), q);
  }

  @RequiresGrant({ scope: 'exercise_mood' })
  @Get('tracking/exercise/history')
  @ApiOperation({
    summary: "The person's exercise logs (scope exercise_mood); as GET /api/tracking/exercise/history",
  })
  @ApiOkResponse({ type: [ExerciseLogResponseDto] })
  @ApiErrors(OUTSIDE, 422)
  exercise(
    @Param('owner_id') ownerId: string,
    @Query() q: DayHistoryQuery,
  ): Promise<ExerciseLogResponseDto[]> {
    return this.tracking.history('exercise', this.owner(ownerId), q);
  }

  @RequiresGrant({ scope: 'exercise_mood' })
  @Get('tracking/mood/history')
  @ApiOperation({
    summary: "The person's mood logs (scope exercise_mood); as GET /api/tracking/mood/history",
  })
  @ApiOkResponse({ type: [MoodLogResponseDto] })
  @ApiErrors(OUTSIDE, 422)
  mood(@Param('owner_id') ownerId: string, @Query() q: RangeHistoryQuery): Promise<MoodLogResponseDto[]> {
    return this.tracking.history('mood', this.owner(ownerId), q);
  }

  @RequiresGrant({ scope: 'appointments' })
  @Get('appointments')
  @ApiOperation({ summary: "The person's appointments (scope appointments); as GET /api/appointments" })
  @ApiOkResponse({ type: [AppointmentResponseDto] })
  @ApiErrors(OUTSIDE, 422)
  appointmentList(
    @Param('owner_id') ownerId: string,
    @Query() q: AppointmentListQuery,
  ): Promise<AppointmentView[]> {
    return this.appointments.list(this.owner(ownerId), q);
  }

  @RequiresGrant({ scope: 'emergency' })
  @Get('emergency-contacts')
  @ApiOperation({
    summary: "The person's emergency contacts (scope emergency); as GET /api/emergency-contacts",
  })
  @ApiOkResponse({ type: [EmergencyContactResponseDto] })
  @ApiErrors(OUTSIDE, 422)
  contacts(
    @Param('owner_id') ownerId: string,
    @Query() q: EmergencyContactListQuery,
  ): Promise<ContactView[]> {
    return this.emergency.list(this.owner(ownerId), q);
  }
}
