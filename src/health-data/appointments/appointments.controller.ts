import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentUser, type AuthUser } from '../../common/decorators.js';
import { ApiErrors } from '../../common/swagger.js';
import { BatchResultDto } from '../batch/batch.js';
import {
  AppointmentCreateDto,
  AppointmentListQuery,
  AppointmentResponseDto,
  AppointmentUpdateDto,
} from './appointments.dto.js';
import { AppointmentsService } from './appointments.service.js';
import type { AppointmentView } from './appointments.record.js';

@ApiTags('appointments')
@ApiBearerAuth()
@Controller('api/appointments')
export class AppointmentsController {
  constructor(private readonly appointments: AppointmentsService) {}

  @Get()
  @ApiOperation({
    summary: 'Your appointments: upcoming (soonest first), past (latest first) or all (by time)',
  })
  @ApiOkResponse({ type: [AppointmentResponseDto] })
  @ApiErrors(422)
  list(@CurrentUser() user: AuthUser, @Query() q: AppointmentListQuery): Promise<AppointmentView[]> {
    return this.appointments.list(user, q);
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Add an appointment (409 when a similar one exists at about the same time)' })
  @ApiCreatedResponse({ type: AppointmentResponseDto })
  @ApiErrors(400, 409, 413, 422)
  create(@CurrentUser() user: AuthUser, @Body() dto: AppointmentCreateDto): Promise<AppointmentView> {
    return this.appointments.create(user, dto);
  }

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

  @Get(':appointment_id')
  @ApiOperation({ summary: 'One appointment' })
  @ApiOkResponse({ type: AppointmentResponseDto })
  @ApiErrors(404)
  get(@CurrentUser() user: AuthUser, @Param('appointment_id') id: string): Promise<AppointmentView> {
    return this.appointments.crud.get(user, id);
  }

  @Put(':appointment_id')
  @ApiOperation({
    summary:
      'Change an appointment: only the fields sent change; null clears doctor, location, notes, reminder',
  })
  @ApiOkResponse({ type: AppointmentResponseDto })
  @ApiErrors(400, 404, 409, 413, 422)
  update(
    @CurrentUser() user: AuthUser,
    @Param('appointment_id') id: string,
    @Body() dto: AppointmentUpdateDto,
  ): Promise<AppointmentView> {
    return this.appointments.update(user, id, dto);
  }

  @Delete(':appointment_id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Erase an appointment' })
  @ApiNoContentResponse({ description: 'Erased' })
  @ApiErrors(404)
  remove(@CurrentUser() user: AuthUser, @Param('appointment_id') id: string): Promise<void> {
    return this.appointments.remove(user, id);
  }
}
