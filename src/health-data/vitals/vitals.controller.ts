import { RecordController } from '../records/record-controller.js';
import { VitalsCreateDto, VitalsListQuery, VitalsResponseDto, VitalsUpdateDto } from './vitals.dto.js';
import { VitalsService } from './vitals.service.js';

@RecordController<VitalsController>({
  path: 'api/vitals',
  tag: 'vitals',
  param: 'vitals_id',
  resource: (c) => c.vitals,
  dto: {
    response: VitalsResponseDto,
    create: VitalsCreateDto,
    update: VitalsUpdateDto,
    list: VitalsListQuery,
    relatedTo: true,
  },
  routes: {
    list: { summary: 'Your vitals readings, newest first (date range in your time zone)', errors: [422] },
    get: { summary: 'One vitals reading', errors: [404] },
    create: { summary: 'Log a vitals reading (every field optional)', errors: [400, 413, 422] },
    update: {
      summary: 'Change a reading: only the fields sent change, null clears one; logged_at cannot change',
      errors: [400, 404, 409, 413, 422],
    },
    remove: { summary: 'Erase a reading', errors: [404] },
  },
})
export class VitalsController {
  constructor(readonly vitals: VitalsService) {}
}
