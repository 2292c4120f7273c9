import { Controller, type Type } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { RecordRoutes } from '../records/record-controller.js';
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
export class TrackingController {
  constructor(readonly tracking: TrackingService) {}
}

const LOGS: [TrackingKind, Type, Type, Type, string, string][] = [
  [
    'water',
    WaterLogDto,
    WaterLogResponseDto,
    DayHistoryQuery,
    'Log water intake',
    'Water logs, newest first (optionally one day in your time zone)',
  ],
  [
    'sleep',
    SleepLogDto,
    SleepLogResponseDto,
    RangeHistoryQuery,
    'Log a night of sleep (end after start, at most 24 h)',
    'Sleep logs by start day, newest first (date range in your time zone)',
  ],
  [
    'exercise',
    ExerciseLogDto,
    ExerciseLogResponseDto,
    DayHistoryQuery,
    'Log exercise',
    'Exercise logs, newest first (optionally one day in your time zone)',
  ],
  [
    'mood',
    MoodLogDto,
    MoodLogResponseDto,
    RangeHistoryQuery,
    'Log mood and energy',
    'Mood logs, newest first (date range in your time zone)',
  ],
];
for (const [kind, create, response, list, log, history] of LOGS)
  logRoutes(kind, { create, response, list }, { log, history })(TrackingController);
