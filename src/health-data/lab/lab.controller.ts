import { RecordController } from '../records/record-controller.js';
import {
  LabResultCreateDto,
  LabResultListQuery,
  LabResultResponseDto,
  LabResultUpdateDto,
} from './lab.dto.js';
import { LabService } from './lab.service.js';

@RecordController<LabResultsController>({
  path: 'api/lab-results',
  tag: 'lab-results',
  param: 'result_id',
  resource: (c) => c.lab,
  dto: {
    response: LabResultResponseDto,
    create: LabResultCreateDto,
    update: LabResultUpdateDto,
    list: LabResultListQuery,
  },
  routes: {
    list: {
      summary: 'Your lab results, newest first (date range in your time zone, optional test filter)',
      errors: [422],
    },
    get: { summary: 'One lab result', errors: [404] },
    create: {
      summary: 'Record a lab result (test from the catalogue, value within its unit’s bounds)',
      errors: [400, 413, 422],
    },
    update: {
      summary:
        'Change a result: only the fields sent change, lab_name null clears it; taken_at cannot change',
      errors: [400, 404, 409, 413, 422],
    },
    remove: { summary: 'Erase a lab result', errors: [404] },
  },
})
export class LabResultsController {
  constructor(readonly lab: LabService) {}
}
