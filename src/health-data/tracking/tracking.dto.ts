import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsDefined,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Length,
  MaxLength,
  Min,
  Max,
} from 'class-validator';
import { IsBoundedNumber } from '../../common/validators.js';
import { DateRangeListQuery, DayListQuery, IsDateTimeInput } from '../records/dto.js';

const num = { allowNaN: false, allowInfinity: false };
const oneOf = (field: string, values: readonly string[]) => ({
  message: `${field} must be one of ${values.join(', ')}`,
});

import {
  ENERGY_LEVELS,
  INTENSITIES,
  MOODS,
  SLEEP_QUALITIES,
  type ExerciseView,
  type MoodView,
  type SleepView,
  type WaterView,
} from './tracking.record.js';

export { ENERGY_LEVELS, INTENSITIES, MOODS, SLEEP_QUALITIES };

class LoggedAt {
  @ApiPropertyOptional({
    example: '2026-03-01T09:00:00+05:30',
    description: 'Default now; without an offset it is read in your time zone',
  })
  @IsOptional()
  @IsDateTimeInput()
  logged_at?: string;
}

export class WaterLogDto extends LoggedAt {
  @ApiProperty({ minimum: 0, maximum: 10000, example: 250, description: 'millilitres' })
  @IsDefined()
  @IsNumber(num)
  @Min(0)
  @Max(10000)
  amount_ml: number;
}

export class SleepLogDto {
  @ApiProperty({ example: '2026-02-28T22:30:00+05:30' })
  @IsDefined()
  @IsDateTimeInput()
  sleep_start: string;

  @ApiProperty({ example: '2026-03-01T06:00:00+05:30', description: 'After sleep_start, at most 24 h later' })
  @IsDefined()
  @IsDateTimeInput()
  sleep_end: string;

  @ApiPropertyOptional({ enum: SLEEP_QUALITIES, default: 'good' })
  @IsOptional()
  @IsIn(SLEEP_QUALITIES, oneOf('quality', SLEEP_QUALITIES))
  quality?: (typeof SLEEP_QUALITIES)[number];

  @ApiPropertyOptional({ maxLength: 2000, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  notes?: string | null;
}

export class ExerciseLogDto extends LoggedAt {
  @ApiProperty({ example: 'walking', minLength: 1, maxLength: 200 })
  @IsDefined()
  @IsString()
  @Length(1, 200)
  exercise_type: string;

  @ApiProperty({ minimum: 0, maximum: 1440, example: 30 })
  @IsDefined()
  @IsInt()
  @Min(0)
  @Max(1440)
  duration_minutes: number;

  @ApiPropertyOptional({ example: 120, nullable: true, description: 'kcal' })
  @IsOptional()
  @IsBoundedNumber(0, 10_000)
  calories_burned?: number | null;

  @ApiProperty({ enum: INTENSITIES })
  @IsDefined()
  @IsIn(INTENSITIES, oneOf('intensity', INTENSITIES))
  intensity: (typeof INTENSITIES)[number];
}

export class MoodLogDto extends LoggedAt {
  @ApiProperty({ enum: MOODS })
  @IsDefined()
  @IsIn(MOODS, oneOf('mood', MOODS))
  mood: (typeof MOODS)[number];

  @ApiProperty({ enum: ENERGY_LEVELS })
  @IsDefined()
  @IsIn(ENERGY_LEVELS, oneOf('energy_level', ENERGY_LEVELS))
  energy_level: (typeof ENERGY_LEVELS)[number];

  @ApiPropertyOptional({ maxLength: 2000, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  notes?: string | null;
}

export class DayHistoryQuery extends DayListQuery {}
export class RangeHistoryQuery extends DateRangeListQuery {}

class Base {
  @ApiProperty({ example: 'f2ea5ecd24e3' }) id: string;
  @ApiProperty({ format: 'uuid' }) user_id: string;
}

export class WaterLogResponseDto extends Base implements WaterView {
  @ApiProperty() amount_ml: number;
  @ApiProperty() logged_at: string;
  @ApiProperty() created_at: string;
}

export class SleepLogResponseDto extends Base implements SleepView {
  @ApiProperty() sleep_start: string;
  @ApiProperty() sleep_end: string;
  @ApiProperty({ enum: SLEEP_QUALITIES }) quality: (typeof SLEEP_QUALITIES)[number];
  @ApiProperty({ nullable: true, type: String }) notes: string | null;
  @ApiProperty() created_at: string;
}

export class ExerciseLogResponseDto extends Base implements ExerciseView {
  @ApiProperty() exercise_type: string;
  @ApiProperty() duration_minutes: number;
  @ApiProperty({ nullable: true, type: Number }) calories_burned: number | null;
  @ApiProperty({ enum: INTENSITIES }) intensity: (typeof INTENSITIES)[number];
  @ApiProperty() logged_at: string;
  @ApiProperty() created_at: string;
}

export class MoodLogResponseDto extends Base implements MoodView {
  @ApiProperty({ enum: MOODS }) mood: (typeof MOODS)[number];
  @ApiProperty({ enum: ENERGY_LEVELS }) energy_level: (typeof ENERGY_LEVELS)[number];
  @ApiProperty({ nullable: true, type: String }) notes: string | null;
  @ApiProperty() logged_at: string;
  @ApiProperty() created_at: string;
}
