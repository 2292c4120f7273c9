import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthUser } from '../../common/decorators.js';
import { ApiErrors } from '../../common/swagger.js';
import { FoodLogCreateDto, FoodLogListQuery, FoodLogResponseDto } from '../food/food.dto.js';
import { FoodService } from '../food/food.service.js';
import {
  HealthInsightResponseDto,
  HealthRecommendationsResponseDto,
  InsightsQuery,
  RecommendationsQuery,
} from '../insights/insights.dto.js';
import { InsightsService } from '../insights/insights.service.js';
import { RelatedToQuery } from '../records/dto.js';
import { relatedLinks } from '../records/record-crud.js';
import { VitalsCreateDto, VitalsListQuery, VitalsResponseDto } from '../vitals/vitals.dto.js';
import { VitalsService } from '../vitals/vitals.service.js';
import type { FoodView } from '../food/food.record.js';
import type { VitalsView } from '../vitals/vitals.record.js';

/** The original's `/api/health` router: food and vitals over the same records as the newer routes (create answers 200), and insights. */
@ApiTags('health')
@ApiBearerAuth()
@Controller('api/health')
export class HealthController {
  constructor(
    private readonly food: FoodService,
    private readonly vitals: VitalsService,
    private readonly insightsService: InsightsService,
  ) {}

  @Get('food/logs')
  @ApiOperation({ summary: 'Food logs (same as GET /api/food-logs)', deprecated: true })
  @ApiOkResponse({ type: [FoodLogResponseDto] })
  @ApiErrors(422)
  foodLogs(@CurrentUser() user: AuthUser, @Query() q: FoodLogListQuery): Promise<FoodView[]> {
    return this.food.list(user, q);
  }

  @Post('food/log')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Log a meal (200, as the original; same as POST /api/food-logs)',
    deprecated: true,
  })
  @ApiOkResponse({ type: FoodLogResponseDto })
  @ApiErrors(400, 413, 422)
  logFood(
    @CurrentUser() user: AuthUser,
    @Body() dto: FoodLogCreateDto,
    @Query() q: RelatedToQuery,
  ): Promise<FoodView> {
    return this.food.crud.create(user, dto, relatedLinks(q.related_to));
  }

  @Get('vitals')
  @ApiOperation({ summary: 'Vitals readings (same as GET /api/vitals)', deprecated: true })
  @ApiOkResponse({ type: [VitalsResponseDto] })
  @ApiErrors(422)
  vitalsList(@CurrentUser() user: AuthUser, @Query() q: VitalsListQuery): Promise<VitalsView[]> {
    return this.vitals.list(user, q);
  }

  @Post('vitals')
  @HttpCode(200)
  @ApiOperation({ summary: 'Log vitals (200, as the original; same as POST /api/vitals)', deprecated: true })
  @ApiOkResponse({ type: VitalsResponseDto })
  @ApiErrors(400, 413, 422)
  logVitals(
    @CurrentUser() user: AuthUser,
    @Body() dto: VitalsCreateDto,
    @Query() q: RelatedToQuery,
  ): Promise<VitalsView> {
    return this.vitals.crud.create(user, dto, relatedLinks(q.related_to));
  }

  @Get('insights')
  @ApiOperation({ summary: 'Insights computed from your own records over a window (default 30 days)' })
  @ApiOkResponse({ type: HealthInsightResponseDto })
  @ApiErrors(422)
  insights(@CurrentUser() user: AuthUser, @Query() q: InsightsQuery): Promise<HealthInsightResponseDto> {
    return this.insightsService.insights(user, q);
  }

  @Get('recommendations')
  @ApiOperation({
    summary: 'Recommendations derived from the insights (filters: categories, priority_min, actionable_only)',
  })
  @ApiOkResponse({ type: HealthRecommendationsResponseDto })
  @ApiErrors(422)
  recommendations(
    @CurrentUser() user: AuthUser,
    @Query() q: RecommendationsQuery,
  ): Promise<HealthRecommendationsResponseDto> {
    return this.insightsService.recommendations(user, q);
  }
}
