import { Controller, Get, Query, type Type } from '@nestjs/common';
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
import { RecordRoutes, reorder, type RecordResource } from '../records/record-controller.js';
import { VitalsCreateDto, VitalsListQuery, VitalsResponseDto } from '../vitals/vitals.dto.js';
import { VitalsService } from '../vitals/vitals.service.js';

/** A deprecated list and create (answering 200, as the original) of one resource under `/api/health`. */
const legacyRoutes = (
  resource: (c: HealthController) => RecordResource,
  dto: { response: Type; create: Type; list: Type },
  list: { name: string; path: string; summary: string },
  create: { name: string; path: string; summary: string },
) =>
  RecordRoutes<HealthController>({
    resource,
    dto: { ...dto, relatedTo: true },
    routes: {
      list: { ...list, errors: [422], deprecated: true },
      create: { ...create, status: 200, errors: [400, 413, 422], deprecated: true },
    },
  });

/** The original's `/api/health` router: food and vitals over the same records as the newer routes (create answers 200), and insights. */
@ApiTags('health')
@ApiBearerAuth()
@Controller('api/health')
@legacyRoutes(
  (c) => c.food,
  { response: FoodLogResponseDto, create: FoodLogCreateDto, list: FoodLogListQuery },
  { name: 'foodLogs', path: 'food/logs', summary: 'Food logs (same as GET /api/food-logs)' },
  {
    name: 'logFood',
    path: 'food/log',
    summary: 'Log a meal (200, as the original; same as POST /api/food-logs)',
  },
)
@legacyRoutes(
  (c) => c.vitals,
  { response: VitalsResponseDto, create: VitalsCreateDto, list: VitalsListQuery },
  { name: 'vitalsList', path: 'vitals', summary: 'Vitals readings (same as GET /api/vitals)' },
  {
    name: 'logVitals',
    path: 'vitals',
    summary: 'Log vitals (200, as the original; same as POST /api/vitals)',
  },
)
export class HealthController {
  constructor(
    readonly food: FoodService,
    readonly vitals: VitalsService,
    private readonly insightsService: InsightsService,
  ) {}

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

// The deprecated food and vitals routes first, as the original listed them.
reorder(HealthController.prototype, [
  'foodLogs',
  'logFood',
  'vitalsList',
  'logVitals',
  'insights',
  'recommendations',
]);
