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
import { RelatedToQuery } from '../records/dto.js';
import { relatedLinks } from '../records/record-crud.js';
import { VitalsCreateDto, VitalsListQuery, VitalsResponseDto, VitalsUpdateDto } from './vitals.dto.js';
import { VitalsService } from './vitals.service.js';
import type { VitalsView } from './vitals.record.js';

@ApiTags('vitals')
@ApiBearerAuth()
@Controller('api/vitals')
export class VitalsController {
  constructor(private readonly vitals: VitalsService) {}

  @Get()
  @ApiOperation({ summary: 'Your vitals readings, newest first (date range in your time zone)' })
  @ApiOkResponse({ type: [VitalsResponseDto] })
  @ApiErrors(422)
  list(@CurrentUser() user: AuthUser, @Query() q: VitalsListQuery): Promise<VitalsView[]> {
    return this.vitals.list(user, q);
  }

  @Get(':vitals_id')
  @ApiOperation({ summary: 'One vitals reading' })
  @ApiOkResponse({ type: VitalsResponseDto })
  @ApiErrors(404)
  get(@CurrentUser() user: AuthUser, @Param('vitals_id') id: string): Promise<VitalsView> {
    return this.vitals.crud.get(user, id);
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Log a vitals reading (every field optional)' })
  @ApiCreatedResponse({ type: VitalsResponseDto })
  @ApiErrors(400, 413, 422)
  create(
    @CurrentUser() user: AuthUser,
    @Body() dto: VitalsCreateDto,
    @Query() q: RelatedToQuery,
  ): Promise<VitalsView> {
    return this.vitals.crud.create(user, dto, relatedLinks(q.related_to));
  }

  @Put(':vitals_id')
  @ApiOperation({
    summary: 'Change a reading: only the fields sent change, null clears one; logged_at cannot change',
  })
  @ApiOkResponse({ type: VitalsResponseDto })
  @ApiErrors(400, 404, 409, 413, 422)
  update(
    @CurrentUser() user: AuthUser,
    @Param('vitals_id') id: string,
    @Body() dto: VitalsUpdateDto,
  ): Promise<VitalsView> {
    return this.vitals.update(user, id, dto);
  }

  @Delete(':vitals_id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Erase a reading' })
  @ApiNoContentResponse({ description: 'Erased' })
  @ApiErrors(404)
  remove(@CurrentUser() user: AuthUser, @Param('vitals_id') id: string): Promise<void> {
    return this.vitals.crud.remove(user, id);
  }
}
