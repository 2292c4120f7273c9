import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../../common/decorators.js';
import { validationError } from '../../common/errors.js';
import type { Payload } from '../../locusgraph/locusgraph.types.js';
import { RecordCrud } from '../records/record-crud.js';
import { RecordStore } from '../records/record-store.js';
import type { RecordSpec } from '../records/record-spec.js';
import { localDayRange, parseInstant } from '../records/time.js';
import type { DayHistoryQuery, RangeHistoryQuery, SleepLogDto } from './tracking.dto.js';
import { EXERCISE, MOOD, SLEEP, WATER } from './tracking.record.js';

export type TrackingKind = 'water' | 'sleep' | 'exercise' | 'mood';
const SPECS: Record<TrackingKind, RecordSpec> = {
  water: WATER,
  sleep: SLEEP,
  exercise: EXERCISE,
  mood: MOOD,
};
const MAX_SLEEP_MS = 24 * 3600_000;

/** Water, sleep, exercise and mood logs: create and history. Sleep must end after it starts (within 24 h). */
@Injectable()
export class TrackingService {
  private readonly cruds: Record<TrackingKind, RecordCrud<Payload, unknown>>;

  constructor(store: RecordStore) {
    this.cruds = {
      water: new RecordCrud(store, SPECS.water),
      sleep: new RecordCrud(store, SPECS.sleep),
      exercise: new RecordCrud(store, SPECS.exercise),
      mood: new RecordCrud(store, SPECS.mood),
    };
  }

  async log<R>(kind: TrackingKind, user: AuthUser, dto: object): Promise<R> {
    if (kind === 'sleep') await this.checkSleep(user, dto as SleepLogDto);
    return (await this.cruds[kind].create(user, dto as Payload)) as R;
  }

  async history<R>(kind: TrackingKind, user: AuthUser, q: DayHistoryQuery | RangeHistoryQuery): Promise<R[]> {
    return (await this.cruds[kind].list(user, (c) => ({
      ...localDayRange(c.zone, q),
      limit: q.limit,
      offset: q.offset,
    }))) as R[];
  }

  private async checkSleep(user: AuthUser, dto: SleepLogDto): Promise<void> {
    const { zone } = await this.cruds.sleep.caller(user);
    const start = parseInstant(dto.sleep_start, zone);
    const end = parseInstant(dto.sleep_end, zone);
    if (start && end && !(end > start))
      throw validationError(['body', 'sleep_end'], 'sleep_end must be after sleep_start');
    if (start && end && end.getTime() - start.getTime() > MAX_SLEEP_MS) {
      throw validationError(['body', 'sleep_end'], 'A sleep log covers at most 24 hours');
    }
  }
}
