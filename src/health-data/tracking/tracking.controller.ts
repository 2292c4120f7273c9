import { Controller, type Type } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { RecordRoutes, reorder } from '../records/record-controller.js';
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
import { TrackingService, type TrackingKind } from './tracking.service.js';

/** `POST <kind>/log` (handler `<kind>`) and `GET <kind>/history` (handler `<kind>History`) of one log type. */
const logRoutes = (
  kind: TrackingKind,
  dto: { create: Type; response: Type; list: Type },
  summaries: { log: string; history: string },
) =>
  RecordRoutes<TrackingController>({
    resource: (c) => c.tracking.resource(kind),
    dto,
    routes: {
      create: { name: kind, path: `${kind}/log`, summary: summaries.log, errors: [400, 413, 422] },
      list: { name: `${kind}History`, path: `${kind}/history`, summary: summaries.history, errors: [422] },
    },
  });

@ApiTags('tracking')
@ApiBearerAuth()
@Controller('api/tracking')
@logRoutes(
  'water',
  { create: WaterLogDto, response: WaterLogResponseDto, list: DayHistoryQuery },
  {
    log: 'Log water intake',
    history: 'Water logs, newest first (optionally one day in your time zone)',
  },
)
@logRoutes(
  'sleep',
  { create: SleepLogDto, response: SleepLogResponseDto, list: RangeHistoryQuery },
  {
    log: 'Log a night of sleep (end after start, at most 24 h)',
    history: 'Sleep logs by start day, newest first (date range in your time zone)',
  },
)
@logRoutes(
  'exercise',
  { create: ExerciseLogDto, response: ExerciseLogResponseDto, list: DayHistoryQuery },
  {
    log: 'Log exercise',
    history: 'Exercise logs, newest first (optionally one day in your time zone)',
  },
)
@logRoutes(
  'mood',
  { create: MoodLogDto, response: MoodLogResponseDto, list: RangeHistoryQuery },
  { log: 'Log mood and energy', history: 'Mood logs, newest first (date range in your time zone)' },
)
export class TrackingController {
  constructor(readonly tracking: TrackingService) {}
}

// Decorators run bottom-up; the document lists water, sleep, exercise, mood as before.
reorder(
  TrackingController.prototype,
  ['water', 'sleep', 'exercise', 'mood'].flatMap((k) => [k, `${k}History`]),
);
