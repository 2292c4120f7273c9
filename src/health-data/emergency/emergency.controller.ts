import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthUser } from '../../common/decorators.js';
import { ApiErrors } from '../../common/swagger.js';
import { RecordController } from '../records/record-controller.js';
import {
  ContactBatchResultDto,
  EmergencyAlertDto,
  EmergencyAlertResponseDto,
  EmergencyContactCreateDto,
  EmergencyContactListQuery,
  EmergencyContactResponseDto,
  EmergencyContactUpdateDto,
} from './emergency.dto.js';
import type { AlertView } from './emergency.record.js';
import { EmergencyService } from './emergency.service.js';

@RecordController<EmergencyContactsController>({
  path: 'api/emergency-contacts',
  tag: 'emergency',
  param: 'contact_id',
  resource: (c) => c.emergency,
  dto: {
    response: EmergencyContactResponseDto,
    create: EmergencyContactCreateDto,
    update: EmergencyContactUpdateDto,
    list: EmergencyContactListQuery,
  },
  routes: {
    list: { summary: 'Your emergency contacts: primary first, then by name', errors: [422] },
    create: {
      summary: 'Add a contact (400 bad phone, 409 same phone or name; a new primary demotes the old one)',
      errors: [400, 409, 413, 422],
    },
    get: { summary: 'One contact', errors: [404] },
    update: {
      summary: 'Change a contact: only the fields sent change; same phone/primary rules as create',
      errors: [400, 404, 409, 413, 422],
    },
    remove: { summary: 'Erase a contact (400 for the last one)', errors: [400, 404] },
  },
  order: ['list', 'create', 'batch', 'get', 'update', 'remove'],
})
export class EmergencyContactsController {
  constructor(readonly emergency: EmergencyService) {}

  @Post('batch')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Add several contacts (JSON array; any bad phone → 400 for all; otherwise per item)',
  })
  @ApiBody({ type: [EmergencyContactCreateDto] })
  @ApiCreatedResponse({ type: ContactBatchResultDto })
  @ApiErrors(400, 413, 422)
  batch(@CurrentUser() user: AuthUser, @Body() body: unknown): Promise<ContactBatchResultDto> {
    return this.emergency.createMany(user, body);
  }
}

@ApiTags('emergency')
@ApiBearerAuth()
@Controller('api/emergency')
export class EmergencyAlertController {
  constructor(private readonly emergency: EmergencyService) {}

  @Post('alert')
  @HttpCode(201)
  @ApiOperation({
    summary:
      'Raise an emergency alert: stored, handed to the notification channel; returns who will be notified',
  })
  @ApiCreatedResponse({ type: EmergencyAlertResponseDto })
  @ApiErrors(400, 413, 422)
  alert(@CurrentUser() user: AuthUser, @Body() dto: EmergencyAlertDto): Promise<AlertView> {
    return this.emergency.raiseAlert(user, dto);
  }
}
