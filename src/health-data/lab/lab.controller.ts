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
import {
  LabResultCreateDto,
  LabResultListQuery,
  LabResultResponseDto,
  LabResultUpdateDto,
} from './lab.dto.js';
import { LabService } from './lab.service.js';

@ApiTags('lab-results')
@ApiBearerAuth()
@Controller('api/lab-results')
export class LabResultsController {
  constructor(private readonly lab: LabService) {}

  @Get()
  @ApiOperation({
    summary: 'Your lab results, newest first (date range in your time zone, optional test filter)',
  })
  @ApiOkResponse({ type: [LabResultResponseDto] })
  @ApiErrors(422)
  list(@CurrentUser() user: AuthUser, @Query() q: LabResultListQuery): Promise<LabResultResponseDto[]> {
    return this.lab.list(user, q);
  }

  @Get(':result_id')
  @ApiOperation({ summary: 'One lab result' })
  @ApiOkResponse({ type: LabResultResponseDto })
  @ApiErrors(404)
  get(@CurrentUser() user: AuthUser, @Param('result_id') id: string): Promise<LabResultResponseDto> {
    return this.lab.get(user, id);
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Record a lab result (test from the catalogue, value within its unit’s bounds)' })
  @ApiCreatedResponse({ type: LabResultResponseDto })
  @ApiErrors(400, 413, 422)
  create(@CurrentUser() user: AuthUser, @Body() dto: LabResultCreateDto): Promise<LabResultResponseDto> {
    return this.lab.create(user, dto);
  }

  @Put(':result_id')
  @ApiOperation({
    summary: 'Change a result: only the fields sent change, lab_name null clears it; taken_at cannot change',
  })
  @ApiOkResponse({ type: LabResultResponseDto })
  @ApiErrors(400, 404, 409, 413, 422)
  update(
    @CurrentUser() user: AuthUser,
    @Param('result_id') id: string,
    @Body() dto: LabResultUpdateDto,
  ): Promise<LabResultResponseDto> {
    return this.lab.update(user, id, dto);
  }

  @Delete(':result_id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Erase a lab result' })
  @ApiNoContentResponse({ description: 'Erased' })
  @ApiErrors(404)
  remove(@CurrentUser() user: AuthUser, @Param('result_id') id: string): Promise<void> {
    return this.lab.remove(user, id);
  }
}
