import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../../common/decorators.js';
import { validationError } from '../../common/errors.js';
import type { DateRangeQuery, DayQuery } from '../records/queries.js';
import type { RecordResource } from '../records/record-controller.js';
import { RecordCrud } from '../records/record-crud.js';
import type { RecordInput } from '../records/record-repository.js';
import type { RecordView } from '../records/record-spec.js';
import { RecordStore } from '../records/record-store.js';
import { localDayRange, parseInstant } from '../records/time.js';
import {
  EXERCISE,
  MOOD,
  SLEEP,
  WATER,
  type ExercisePayload,
  type MoodPayload,
  type SleepPayload,
  type WaterPayload,
} from './tracking.record.js';

/** The payload of each tracking log. */
export interface TrackingPayloads {
  water: WaterPayload;
  sleep: SleepPayload;
  exercise: ExercisePayload;
  mood: MoodPayload;
}
export type TrackingKind = keyof TrackingPayloads;
type Cruds = { [K in TrackingKind]: RecordCrud<TrackingPayloads[K]> };

const MAX_SLEEP_MS = 24 * 3600_000;

/** Water, sleep, exercise and mood logs: create and history. Sleep must end after it starts (within 24 h). */
@Injectable()
export class TrackingService {
  private readonly cruds: Cruds;

  constructor(store: RecordStore) {
    this.cruds = {
      water: new RecordCrud(store, WATER),
      sleep: new RecordCrud(store, SLEEP),
      exercise: new RecordCrud(store, EXERCISE),
      mood: new RecordCrud(store, MOOD),
    };
  }

  /** One log type as the generic controller's resource: `<kind>/log` and `<kind>/history`. */
  resource(kind: TrackingKind): RecordResource {
    return {
      create: (user, dto) => this.log(kind, user, dto),
      list: (user, q: DayQuery | DateRangeQuery) => this.history(kind, user, q),
    };
  }

  async log<K extends TrackingKind>(
    kind: K,
    user: AuthUser,
    dto: RecordInput<TrackingPayloads[K]>,
  ): Promise<RecordView<TrackingPayloads[K]>> {
    if (kind === 'sleep') await this.checkSleep(user, dto);
    const crud: RecordCrud<TrackingPayloads[K]> = this.cruds[kind];
    return crud.create(user, dto);
  }

  history<K extends TrackingKind>(
    kind: K,
    user: AuthUser,
    q: DayQuery | DateRangeQuery,
  ): Promise<RecordView<TrackingPayloads[K]>[]> {
    const crud: RecordCrud<TrackingPayloads[K]> = this.cruds[kind];
    return crud.list(user, (c) => ({ ...localDayRange(c.zone, q), limit: q.limit, offset: q.offset }));
  }

  private async checkSleep(user: AuthUser, dto: RecordInput<SleepPayload>): Promise<void> {
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
