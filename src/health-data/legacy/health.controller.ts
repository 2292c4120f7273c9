import { Controller, Get, Query } from '@nestjs/common';
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
import { RecordRoutes, reorder } from '../records/record-controller.js';
import { VitalsCreateDto, VitalsListQuery, VitalsResponseDto } from '../vitals/vitals.dto.js';
import { VitalsService } from '../vitals/vitals.service.js';

/** The original's `/api/health` router: food and vitals over the same records as the newer routes (create answers 200), and insights. */
@ApiTags('health')
@ApiBearerAuth()
@Controller('api/health')
@RecordRoutes<HealthController>({
  resource: (c) => c.food,
  dto: { response: FoodLogResponseDto, create: FoodLogCreateDto, list: FoodLogListQuery, relatedTo: true },
  routes: {
    list: {
      name: 'foodLogs',
      path: 'food/logs',
      summary: 'Food logs (same as GET /api/food-logs)',
      errors: [422],
      deprecated: true,
    },
    create: {
      name: 'logFood',
      path: 'food/log',
      status: 200,
      summary: 'Log a meal (200, as the original; same as POST /api/food-logs)',
      errors: [400, 413, 422],
      deprecated: true,
    },
  },
})
@RecordRoutes<HealthController>({
  resource: (c) => c.vitals,
  dto: { response: VitalsResponseDto, create: VitalsCreateDto, list: VitalsListQuery, relatedTo: true },
  routes: {
    list: {
      name: 'vitalsList',
      path: 'vitals',
      summary: 'Vitals readings (same as GET /api/vitals)',
      errors: [422],
      deprecated: true,
    },
    create: {
      name: 'logVitals',
      path: 'vitals',
      status: 200,
      summary: 'Log vitals (200, as the original; same as POST /api/vitals)',
      errors: [400, 413, 422],
      deprecated: true,
    },
  },
})
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
