import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthUser } from '../../common/decorators.js';
import { ApiErrors } from '../../common/swagger.js';
import {
  DayHistoryQuery,
  ExerciseLogDto,
  ExerciseLogResponseDto,
  MoodLogDto,
  MoodLogResponseDto,
  RangeHistoryQuery,
  SleepLogDto,
  SleepLogResponseDto,
  WaterLogDto,
  WaterLogResponseDto,
} from './tracking.dto.js';
import { TrackingService } from './tracking.service.js';

@ApiTags('tracking')
@ApiBearerAuth()
@Controller('api/tracking')
export class TrackingController {
  constructor(private readonly tracking: TrackingService) {}

  @Post('water/log')
  @HttpCode(201)
  @ApiOperation({ summary: 'Log water intake' })
  @ApiCreatedResponse({ type: WaterLogResponseDto })
  @ApiErrors(400, 413, 422)
  water(@CurrentUser() user: AuthUser, @Body() dto: WaterLogDto): Promise<WaterLogResponseDto> {
    return this.tracking.log('water', user, dto);
  }

  @Get('water/history')
  @ApiOperation({ summary: 'Water logs, newest first (optionally one day in your time zone)' })
  @ApiOkResponse({ type: [WaterLogResponseDto] })
  @ApiErrors(422)
  waterHistory(@CurrentUser() user: AuthUser, @Query() q: DayHistoryQuery): Promise<WaterLogResponseDto[]> {
    return this.tracking.history('water', user, q);
  }

  @Post('sleep/log')
  @HttpCode(201)
  @ApiOperation({ summary: 'Log a night of sleep (end after start, at most 24 h)' })
  @ApiCreatedResponse({ type: SleepLogResponseDto })
  @ApiErrors(400, 413, 422)
  sleep(@CurrentUser() user: AuthUser, @Body() dto: SleepLogDto): Promise<SleepLogResponseDto> {
    return this.tracking.log('sleep', user, dto);
  }

  @Get('sleep/history')
  @ApiOperation({ summary: 'Sleep logs by start day, newest first (date range in your time zone)' })
  @ApiOkResponse({ type: [SleepLogResponseDto] })
  @ApiErrors(422)
  sleepHistory(@CurrentUser() user: AuthUser, @Query() q: RangeHistoryQuery): Promise<SleepLogResponseDto[]> {
    return this.tracking.history('sleep', user, q);
  }

  @Post('exercise/log')
  @HttpCode(201)
  @ApiOperation({ summary: 'Log exercise' })
  @ApiCreatedResponse({ type: ExerciseLogResponseDto })
  @ApiErrors(400, 413, 422)
  exercise(@CurrentUser() user: AuthUser, @Body() dto: ExerciseLogDto): Promise<ExerciseLogResponseDto> {
    return this.tracking.log('exercise', user, dto);
  }

  @Get('exercise/history')
  @ApiOperation({ summary: 'Exercise logs, newest first (optionally one day in your time zone)' })
  @ApiOkResponse({ type: [ExerciseLogResponseDto] })
  @ApiErrors(422)
  exerciseHistory(
    @CurrentUser() user: AuthUser,
    @Query() q: DayHistoryQuery,
  ): Promise<ExerciseLogResponseDto[]> {
    return this.tracking.history('exercise', user, q);
  }

  @Post('mood/log')
  @HttpCode(201)
  @ApiOperation({ summary: 'Log mood and energy' })
  @ApiCreatedResponse({ type: MoodLogResponseDto })
  @ApiErrors(400, 413, 422)
  mood(@CurrentUser() user: AuthUser, @Body() dto: MoodLogDto): Promise<MoodLogResponseDto> {
    return this.tracking.log('mood', user, dto);
  }

  @Get('mood/history')
  @ApiOperation({ summary: 'Mood logs, newest first (date range in your time zone)' })
  @ApiOkResponse({ type: [MoodLogResponseDto] })
  @ApiErrors(422)
  moodHistory(@CurrentUser() user: AuthUser, @Query() q: RangeHistoryQuery): Promise<MoodLogResponseDto[]> {
    return this.tracking.history('mood', user, q);
  }
}
