import { Injectable } from '@nestjs/common';
import type { DayQuery } from '../records/queries.js';
import type { RecordListQuery } from '../records/record-repository.js';
import { RecordService } from '../records/record-service.js';
import type { Caller } from '../records/record-spec.js';
import { RecordStore } from '../records/record-store.js';
import { localDayRange } from '../records/time.js';
import { FOOD, type FoodPayload, type MealType } from './food.record.js';

export interface FoodQuery extends DayQuery {
  meal_type?: MealType;
}

/** Food logs (`/api/food-logs` and the legacy `/api/health/food/*`). The only rule of its own: the list filters. */
@Injectable()
export class FoodService extends RecordService<FoodPayload, FoodQuery> {
  constructor(store: RecordStore) {
    super(store, FOOD);
  }

  protected override listQuery(c: Caller, q: FoodQuery): RecordListQuery {
    return {
      ...localDayRange(c.zone, q),
      ...(q.meal_type ? { where: { meal_type: q.meal_type } } : {}),
      limit: q.limit,
      offset: q.offset,
    };
  }
}
