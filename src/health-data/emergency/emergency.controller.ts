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
import {
  ContactBatchResultDto,
  EmergencyAlertDto,
  EmergencyAlertResponseDto,
  EmergencyContactCreateDto,
  EmergencyContactListQuery,
  EmergencyContactResponseDto,
  EmergencyContactUpdateDto,
} from './emergency.dto.js';
import { EmergencyService } from './emergency.service.js';
import type { AlertView, ContactView } from './emergency.record.js';

@ApiTags('emergency')
@ApiBearerAuth()
@Controller('api/emergency-contacts')
export class EmergencyContactsController {
  constructor(private readonly emergency: EmergencyService) {}

  @Get()
  @ApiOperation({ summary: 'Your emergency contacts: primary first, then by name' })
  @ApiOkResponse({ type: [EmergencyContactResponseDto] })
  @ApiErrors(422)
  list(@CurrentUser() user: AuthUser, @Query() q: EmergencyContactListQuery): Promise<ContactView[]> {
    return this.emergency.list(user, q);
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Add a contact (400 bad phone, 409 same phone or name; a new primary demotes the old one)',
  })
  @ApiCreatedResponse({ type: EmergencyContactResponseDto })
  @ApiErrors(400, 409, 413, 422)
  create(@CurrentUser() user: AuthUser, @Body() dto: EmergencyContactCreateDto): Promise<ContactView> {
    return this.emergency.create(user, dto);
  }

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

  @Get(':contact_id')
  @ApiOperation({ summary: 'One contact' })
  @ApiOkResponse({ type: EmergencyContactResponseDto })
  @ApiErrors(404)
  get(@CurrentUser() user: AuthUser, @Param('contact_id') id: string): Promise<ContactView> {
    return this.emergency.contacts.get(user, id);
  }

  @Put(':contact_id')
  @ApiOperation({
    summary: 'Change a contact: only the fields sent change; same phone/primary rules as create',
  })
  @ApiOkResponse({ type: EmergencyContactResponseDto })
  @ApiErrors(400, 404, 409, 413, 422)
  update(
    @CurrentUser() user: AuthUser,
    @Param('contact_id') id: string,
    @Body() dto: EmergencyContactUpdateDto,
  ): Promise<ContactView> {
    return this.emergency.update(user, id, dto);
  }

  @Delete(':contact_id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Erase a contact (400 for the last one)' })
  @ApiNoContentResponse({ description: 'Erased' })
  @ApiErrors(400, 404)
  remove(@CurrentUser() user: AuthUser, @Param('contact_id') id: string): Promise<void> {
    return this.emergency.remove(user, id);
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
