import { RecordController } from '../records/record-controller.js';
import { FoodLogCreateDto, FoodLogListQuery, FoodLogResponseDto, FoodLogUpdateDto } from './food.dto.js';
import { FoodService } from './food.service.js';

@RecordController<FoodLogsController>({
  path: 'api/food-logs',
  tag: 'food',
  param: 'food_log_id',
  resource: (c) => c.food,
  dto: {
    response: FoodLogResponseDto,
    create: FoodLogCreateDto,
    update: FoodLogUpdateDto,
    list: FoodLogListQuery,
    relatedTo: true,
  },
  routes: {
    list: {
      summary: 'Your food logs, newest first (optionally one day in your time zone, one meal type)',
      errors: [422],
    },
    get: { summary: 'One food log entry', errors: [404] },
    create: { summary: 'Log a meal', errors: [400, 413, 422] },
    update: {
      summary:
        'Change a food log: only the fields sent change, null clears a number; logged_at cannot change',
      errors: [400, 404, 409, 413, 422],
    },
    remove: { summary: 'Erase a food log entry', errors: [404] },
  },
})
export class FoodLogsController {
  constructor(readonly food: FoodService) {}
}
