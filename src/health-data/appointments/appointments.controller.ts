import { Body, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOperation } from '@nestjs/swagger';
import { CurrentUser, type AuthUser } from '../../common/decorators.js';
import { ApiErrors } from '../../common/swagger.js';
import { BatchResultDto } from '../batch/batch.js';
import { RecordController } from '../records/record-controller.js';
import {
  AppointmentCreateDto,
  AppointmentListQuery,
  AppointmentResponseDto,
  AppointmentUpdateDto,
} from './appointments.dto.js';
import { AppointmentsService } from './appointments.service.js';

@RecordController<AppointmentsController>({
  path: 'api/appointments',
  tag: 'appointments',
  param: 'appointment_id',
  resource: (c) => c.appointments,
  dto: {
    response: AppointmentResponseDto,
    create: AppointmentCreateDto,
    update: AppointmentUpdateDto,
    list: AppointmentListQuery,
  },
  routes: {
    list: {
      summary: 'Your appointments: upcoming (soonest first), past (latest first) or all (by time)',
      errors: [422],
    },
    create: {
      summary: 'Add an appointment (409 when a similar one exists at about the same time)',
      errors: [400, 409, 413, 422],
    },
    get: { summary: 'One appointment', errors: [404] },
    update: {
      summary:
        'Change an appointment: only the fields sent change; null clears doctor, location, notes, reminder',
      errors: [400, 404, 409, 413, 422],
    },
    remove: { summary: 'Erase an appointment', errors: [404] },
  },
  order: ['list', 'create', 'batch', 'get', 'update', 'remove'],
})
export class AppointmentsController {
  constructor(readonly appointments: AppointmentsService) {}

  @Post('batch')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Add several appointments (JSON array, at most 100); each item succeeds or fails alone',
  })
  @ApiBody({ type: [AppointmentCreateDto] })
  @ApiCreatedResponse({ type: BatchResultDto })
  @ApiErrors(400, 413, 422)
  batch(@CurrentUser() user: AuthUser, @Body() body: unknown): Promise<BatchResultDto> {
    return this.appointments.createMany(user, body);
  }
}
