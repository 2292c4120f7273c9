import { RecordController } from '../records/record-controller.js';
import {
  MedicationScheduleCreateDto,
  MedicationScheduleListQuery,
  MedicationScheduleResponseDto,
  MedicationScheduleUpdateDto,
} from './medication.dto.js';
import { MedicationService } from './medication.service.js';

@RecordController<MedicationSchedulesController>({
  path: 'api/medication-schedules',
  tag: 'medication',
  param: 'schedule_id',
  resource: (c) => c.meds.scheduleRoutes,
  dto: {
    response: MedicationScheduleResponseDto,
    create: MedicationScheduleCreateDto,
    update: MedicationScheduleUpdateDto,
    list: MedicationScheduleListQuery,
  },
  routes: {
    list: {
      summary: 'Your medication schedules, newest first (optionally of one medication)',
      errors: [422],
    },
    get: { summary: 'One schedule', errors: [404] },
    create: {
      summary: 'Add a schedule (HH:MM in your time zone, 3-letter days; empty = every day)',
      errors: [400, 404, 413, 422],
    },
    update: {
      summary: 'Change a schedule: only the fields sent change (an omitted days_of_week keeps its value)',
      errors: [400, 404, 409, 413, 422],
    },
    remove: { summary: 'Erase a schedule', errors: [404] },
  },
})
export class MedicationSchedulesController {
  constructor(readonly meds: MedicationService) {}
}
