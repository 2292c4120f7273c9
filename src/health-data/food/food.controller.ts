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
import { FoodLogCreateDto, FoodLogListQuery, FoodLogResponseDto, FoodLogUpdateDto } from './food.dto.js';
import { FoodService } from './food.service.js';
import type { FoodView } from './food.record.js';

@ApiTags('food')
@ApiBearerAuth()
@Controller('api/food-logs')
export class FoodLogsController {
  constructor(private readonly food: FoodService) {}

  @Get()
  @ApiOperation({
    summary: 'Your food logs, newest first (optionally one day in your time zone, one meal type)',
  })
  @ApiOkResponse({ type: [FoodLogResponseDto] })
  @ApiErrors(422)
  list(@CurrentUser() user: AuthUser, @Query() q: FoodLogListQuery): Promise<FoodView[]> {
    return this.food.list(user, q);
  }

  @Get(':food_log_id')
  @ApiOperation({ summary: 'One food log entry' })
  @ApiOkResponse({ type: FoodLogResponseDto })
  @ApiErrors(404)
  get(@CurrentUser() user: AuthUser, @Param('food_log_id') id: string): Promise<FoodView> {
    return this.food.crud.get(user, id);
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Log a meal' })
  @ApiCreatedResponse({ type: FoodLogResponseDto })
  @ApiErrors(400, 413, 422)
  create(
    @CurrentUser() user: AuthUser,
    @Body() dto: FoodLogCreateDto,
    @Query() q: RelatedToQuery,
  ): Promise<FoodView> {
    return this.food.crud.create(user, dto, relatedLinks(q.related_to));
  }

  @Put(':food_log_id')
  @ApiOperation({
    summary: 'Change a food log: only the fields sent change, null clears a number; logged_at cannot change',
  })
  @ApiOkResponse({ type: FoodLogResponseDto })
  @ApiErrors(400, 404, 409, 413, 422)
  update(
    @CurrentUser() user: AuthUser,
    @Param('food_log_id') id: string,
    @Body() dto: FoodLogUpdateDto,
  ): Promise<FoodView> {
    return this.food.crud.update(user, id, dto);
  }

  @Delete(':food_log_id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Erase a food log entry' })
  @ApiNoContentResponse({ description: 'Erased' })
  @ApiErrors(404)
  remove(@CurrentUser() user: AuthUser, @Param('food_log_id') id: string): Promise<void> {
    return this.food.crud.remove(user, id);
  }
}
