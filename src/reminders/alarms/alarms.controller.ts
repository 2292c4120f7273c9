import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentUser, type AuthUser } from '../../common/decorators.js';
import { ApiErrors } from '../../common/swagger.js';
import { AlarmCreateDto, AlarmResponseDto, AlarmUpdateDto, ListAlarmsQuery } from './alarms.dto.js';
import { AlarmsService } from './alarms.service.js';

@ApiTags('alarms')
@ApiBearerAuth()
@Controller('api/alarms')
export class AlarmsController {
  constructor(private readonly alarms: AlarmsService) {}

  @Get()
  @ApiOperation({ summary: "List the user's alarms, by time of day" })
  @ApiOkResponse({ type: [AlarmResponseDto] })
  @ApiErrors(422)
  list(@CurrentUser() user: AuthUser, @Query() q: ListAlarmsQuery): Promise<AlarmResponseDto[]> {
    return this.alarms.list(user.id, q.active_only);
  }

  @Post()
  @ApiOperation({
    summary: 'Create an alarm',
    description:
      'Fires at `time` on `days_of_week` in the user time zone (profile `timezone`, else the default). ' +
      'On a daylight-saving night a time that does not exist fires at the first minute after the gap; a time that happens twice fires once.',
  })
  @ApiCreatedResponse({ type: AlarmResponseDto })
  @ApiErrors(400, 422)
  create(@CurrentUser() user: AuthUser, @Body() dto: AlarmCreateDto): Promise<AlarmResponseDto> {
    return this.alarms.create(user.id, dto);
  }

  @Get(':alarm_id')
  @ApiOperation({ summary: 'Get an alarm' })
  @ApiOkResponse({ type: AlarmResponseDto })
  @ApiErrors(404)
  get(@CurrentUser() user: AuthUser, @Param('alarm_id') id: string): Promise<AlarmResponseDto> {
    return this.alarms.get(user.id, id);
  }

  @Put(':alarm_id')
  @ApiOperation({ summary: 'Update an alarm (only the fields sent change)' })
  @ApiOkResponse({ type: AlarmResponseDto })
  @ApiErrors(400, 404, 422)
  update(
    @CurrentUser() user: AuthUser,
    @Param('alarm_id') id: string,
    @Body() dto: AlarmUpdateDto,
  ): Promise<AlarmResponseDto> {
    return this.alarms.update(user.id, id, dto);
  }

  @Delete(':alarm_id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an alarm (its pending reminder is cancelled)' })
  @ApiNoContentResponse()
  @ApiErrors(404)
  remove(@CurrentUser() user: AuthUser, @Param('alarm_id') id: string): Promise<void> {
    return this.alarms.remove(user.id, id);
  }
}
