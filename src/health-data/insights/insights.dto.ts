import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { ToBoolean, ToInt } from '../../common/dto.js';
import { INSIGHT_TYPES, type InsightType } from './report.js';

const PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;

class WindowQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 365, default: 30, description: 'Days to analyse, ending now' })
  @IsOptional()
  @ToInt()
  @IsInt()
  @Min(1)
  @Max(365)
  days: number = 30;
}

export class InsightsQuery extends WindowQuery {
  @ApiPropertyOptional({ enum: INSIGHT_TYPES, default: 'overall' })
  @IsOptional()
  @IsIn(INSIGHT_TYPES, { message: `insight_type must be one of ${INSIGHT_TYPES.join(', ')}` })
  insight_type: InsightType = 'overall';
}

export class RecommendationsQuery extends WindowQuery {
  @ApiPropertyOptional({
    type: [String],
    description: 'Repeatable: diet, exercise, medication, vitals, lifestyle',
  })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? [value] : value))
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(50, { each: true })
  categories?: string[];

  @ApiPropertyOptional({ enum: PRIORITIES })
  @IsOptional()
  @IsIn(PRIORITIES, { message: `priority_min must be one of ${PRIORITIES.join(', ')}` })
  priority_min?: (typeof PRIORITIES)[number];

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @ToBoolean()
  @IsBoolean()
  actionable_only: boolean = false;
}

export class FindingDto {
  @ApiProperty() category: string;
  @ApiProperty() key: string;
  @ApiProperty({ enum: PRIORITIES }) priority: string;
  @ApiProperty() actionable: boolean;
  @ApiProperty() title: string;
  @ApiProperty() message: string;
  @ApiProperty() recommendation: string;
  @ApiProperty({ nullable: true, type: String }) estimated_impact: string | null;
  @ApiProperty() data_points: number;
}

export class InsightContextDto {
  @ApiProperty() insight_type: string;
  @ApiProperty() query: string;
  @ApiProperty() window_days: number;
}

export class HealthInsightResponseDto {
  @ApiProperty() id: string;
  @ApiProperty({ format: 'uuid' }) user_id: string;
  @ApiProperty({ enum: INSIGHT_TYPES }) insight_type: string;
  @ApiProperty() insight: string;
  @ApiProperty() recommendation: string;
  @ApiProperty({ minimum: 0, maximum: 1 }) confidence: number;
  @ApiProperty() created_at: string;
  @ApiProperty({ description: 'Records used' }) data_points_analyzed: number;
  @ApiProperty({ type: InsightContextDto }) context: InsightContextDto;
  @ApiProperty({ type: [FindingDto], description: 'The structured findings behind the text' })
  findings: FindingDto[];
}

export class RecommendationItemDto {
  @ApiProperty({ example: 'vitals' }) category: string;
  @ApiProperty() title: string;
  @ApiProperty() description: string;
  @ApiProperty({ enum: PRIORITIES }) priority: string;
  @ApiProperty() actionable: boolean;
  @ApiProperty({ nullable: true, type: String }) estimated_impact: string | null;
}

export class HealthRecommendationsResponseDto {
  @ApiProperty() id: string;
  @ApiProperty({ format: 'uuid' }) user_id: string;
  @ApiProperty({ type: [RecommendationItemDto] }) recommendations: RecommendationItemDto[];
  @ApiProperty() summary: string;
  @ApiProperty({ minimum: 0, maximum: 1 }) confidence: number;
  @ApiProperty() created_at: string;
  @ApiProperty() data_points_analyzed: number;
}
