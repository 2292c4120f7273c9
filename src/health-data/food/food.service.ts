import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../../common/decorators.js';
import { RecordCrud } from '../records/record-crud.js';
import { RecordStore } from '../records/record-store.js';
import { localDayRange } from '../records/time.js';
import type { FoodLogListQuery, FoodLogResponseDto } from './food.dto.js';
import { FOOD, type FoodPayload } from './food.record.js';

/** Food logs (`/api/food-logs` and the legacy `/api/health/food/*`). The only rule of its own: the list filters. */
@Injectable()
export class FoodService {
  readonly crud: RecordCrud<FoodPayload, FoodLogResponseDto>;

  constructor(store: RecordStore) {
    this.crud = new RecordCrud(store, FOOD);
  }

  list(user: AuthUser, q: FoodLogListQuery): Promise<FoodLogResponseDto[]> {
    return this.crud.list(user, (c) => ({
      ...localDayRange(c.zone, q),
      ...(q.meal_type ? { where: { meal_type: q.meal_type } } : {}),
      limit: q.limit,
      offset: q.offset,
    }));
  }
}
