import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PaginationQuery } from '../common/dto.js';
import { CurrentUser, type AuthUser } from '../common/decorators.js';
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
import { CareCircleService } from './care-circle.service.js';
import type { CareScope } from './care.model.js';

const OUTSIDE = {
  status: 404,
  description:
    'Not a person you care for, the category is not granted, or the link ended (same answer for all)',
};

/**
 * A cared-for person's data, read-only within the member's grant, in the same shapes as the owner's own
 * routes: the owner's services are called with the owner's id (so the owner's time zone applies), after the
 * grant check. Every read lands in the owner's access log with the member as actor.
 */
@ApiTags('care-circle')
@ApiBearerAuth()
@Controller('api/care/people/:owner_id')
export class CarePeopleController {
  constructor(
    private readonly care: CareCircleService,
    private readonly vitals: VitalsService,
    private readonly meds: MedicationService,
    private readonly food: FoodService,
    private readonly tracking: TrackingService,
    private readonly appointments: AppointmentsService,
    private readonly emergency: EmergencyService,
  ) {}

  /** Runs `read` as the owner once the caller's grant covers `scope`. */
  private async as<T>(
    user: AuthUser,
    ownerId: string,
    scope: CareScope,
    read: (owner: AuthUser) => Promise<T>,
  ): Promise<T> {
    await this.care.require(user.id, ownerId, scope);
    return read({ id: ownerId, email: '', name: '', jti: user.jti });
  }

  @Get('vitals')
  @ApiOperation({ summary: "The person's vitals (scope vitals); as GET /api/vitals" })
  @ApiOkResponse({ type: [VitalsResponseDto] })
  @ApiErrors(OUTSIDE, 422)
  vitalsList(
    @CurrentUser() user: AuthUser,
    @Param('owner_id') ownerId: string,
    @Query() q: VitalsListQuery,
  ): Promise<VitalsResponseDto[]> {
    return this.as(user, ownerId, 'vitals', (o) => this.vitals.list(o, q));
  }

  @Get('medication')
  @ApiOperation({ summary: "The person's medications (scope medication); as GET /api/medication" })
  @ApiOkResponse({ type: [MedicationResponseDto] })
  @ApiErrors(OUTSIDE, 422)
  medications(
    @CurrentUser() user: AuthUser,
    @Param('owner_id') ownerId: string,
    @Query() q: MedicationListQuery,
  ): Promise<MedicationResponseDto[]> {
    return this.as(user, ownerId, 'medication', (o) => this.meds.listMedications(o, q));
  }

  @Get('medication/logs')
  @ApiOperation({ summary: "The person's dose history (scope medication); as GET /api/medication/logs" })
  @ApiOkResponse({ type: [MedicationLogResponseDto] })
  @ApiErrors(OUTSIDE, 422)
  medicationLogs(
    @CurrentUser() user: AuthUser,
    @Param('owner_id') ownerId: string,
    @Query() q: MedicationLogListQuery,
  ): Promise<MedicationLogResponseDto[]> {
    return this.as(user, ownerId, 'medication', (o) => this.meds.listLogs(o, q));
  }

  @Get('medication/adherence')
  @ApiOperation({
    summary: "The person's adherence in their time zone (scope medication); as GET /api/medication/adherence",
  })
  @ApiOkResponse({ type: AdherenceResponseDto })
  @ApiErrors(OUTSIDE, 422)
  adherence(
    @CurrentUser() user: AuthUser,
    @Param('owner_id') ownerId: string,
    @Query() q: AdherenceQuery,
  ): Promise<AdherenceResponseDto> {
    return this.as(user, ownerId, 'medication', (o) => this.meds.adherence(o, q));
  }

  @Get('medication/schedule')
  @ApiOperation({ summary: "The person's medication schedules (scope medication)" })
  @ApiOkResponse({ type: [MedicationScheduleResponseDto] })
  @ApiErrors(OUTSIDE, 422)
  schedules(
    @CurrentUser() user: AuthUser,
    @Param('owner_id') ownerId: string,
    @Query() q: PaginationQuery,
  ): Promise<MedicationScheduleResponseDto[]> {
    return this.as(user, ownerId, 'medication', (o) => this.meds.listSchedules(o, q));
  }

  @Post('medication/log')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Mark a dose of the person taken (scope medication:write); as POST /api/medication/log',
  })
  @ApiCreatedResponse({ type: MedicationLogResponseDto })
  @ApiErrors(400, OUTSIDE, 413, 422)
  logDose(
    @CurrentUser() user: AuthUser,
    @Param('owner_id') ownerId: string,
    @Body() dto: MedicationLogCreateDto,
  ): Promise<MedicationLogResponseDto> {
    return this.as(user, ownerId, 'medication:write', (o) => this.meds.logDose(o, dto));
  }

  @Get('food-logs')
  @ApiOperation({ summary: "The person's food logs (scope food_water); as GET /api/food-logs" })
  @ApiOkResponse({ type: [FoodLogResponseDto] })
  @ApiErrors(OUTSIDE, 422)
  foodLogs(
    @CurrentUser() user: AuthUser,
    @Param('owner_id') ownerId: string,
    @Query() q: FoodLogListQuery,
  ): Promise<FoodLogResponseDto[]> {
    return this.as(user, ownerId, 'food_water', (o) => this.food.list(o, q));
  }

  @Get('tracking/water/history')
  @ApiOperation({ summary: "The person's water logs (scope food_water); as GET /api/tracking/water/history" })
  @ApiOkResponse({ type: [WaterLogResponseDto] })
  @ApiErrors(OUTSIDE, 422)
  water(
    @CurrentUser() user: AuthUser,
    @Param('owner_id') ownerId: string,
    @Query() q: DayHistoryQuery,
  ): Promise<WaterLogResponseDto[]> {
    return this.as(user, ownerId, 'food_water', (o) => this.tracking.history('water', o, q));
  }

  @Get('tracking/sleep/history')
  @ApiOperation({ summary: "The person's sleep logs (scope sleep); as GET /api/tracking/sleep/history" })
  @ApiOkResponse({ type: [SleepLogResponseDto] })
  @ApiErrors(OUTSIDE, 422)
  sleep(
    @CurrentUser() user: AuthUser,
    @Param('owner_id') ownerId: string,
    @Query() q: RangeHistoryQuery,
  ): Promise<SleepLogResponseDto[]> {
    return this.as(user, ownerId, 'sleep', (o) => this.tracking.history('sleep', o, q));
  }

  @Get('tracking/exercise/history')
  @ApiOperation({
    summary: "The person's exercise logs (scope exercise_mood); as GET /api/tracking/exercise/history",
  })
  @ApiOkResponse({ type: [ExerciseLogResponseDto] })
  @ApiErrors(OUTSIDE, 422)
  exercise(
    @CurrentUser() user: AuthUser,
    @Param('owner_id') ownerId: string,
    @Query() q: DayHistoryQuery,
  ): Promise<ExerciseLogResponseDto[]> {
    return this.as(user, ownerId, 'exercise_mood', (o) => this.tracking.history('exercise', o, q));
  }

  @Get('tracking/mood/history')
  @ApiOperation({
    summary: "The person's mood logs (scope exercise_mood); as GET /api/tracking/mood/history",
  })
  @ApiOkResponse({ type: [MoodLogResponseDto] })
  @ApiErrors(OUTSIDE, 422)
  mood(
    @CurrentUser() user: AuthUser,
    @Param('owner_id') ownerId: string,
    @Query() q: RangeHistoryQuery,
  ): Promise<MoodLogResponseDto[]> {
    return this.as(user, ownerId, 'exercise_mood', (o) => this.tracking.history('mood', o, q));
  }

  @Get('appointments')
  @ApiOperation({ summary: "The person's appointments (scope appointments); as GET /api/appointments" })
  @ApiOkResponse({ type: [AppointmentResponseDto] })
  @ApiErrors(OUTSIDE, 422)
  appointmentList(
    @CurrentUser() user: AuthUser,
    @Param('owner_id') ownerId: string,
    @Query() q: AppointmentListQuery,
  ): Promise<AppointmentResponseDto[]> {
    return this.as(user, ownerId, 'appointments', (o) => this.appointments.list(o, q));
  }

  @Get('emergency-contacts')
  @ApiOperation({
    summary: "The person's emergency contacts (scope emergency); as GET /api/emergency-contacts",
  })
  @ApiOkResponse({ type: [EmergencyContactResponseDto] })
  @ApiErrors(OUTSIDE, 422)
  contacts(
    @CurrentUser() user: AuthUser,
    @Param('owner_id') ownerId: string,
    @Query() q: EmergencyContactListQuery,
  ): Promise<EmergencyContactResponseDto[]> {
    return this.as(user, ownerId, 'emergency', (o) => this.emergency.list(o, q));
  }
}
