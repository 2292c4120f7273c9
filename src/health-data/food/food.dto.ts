import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsIn, IsOptional, IsString, Length } from 'class-validator';
import { IsBoundedNumber } from '../../common/validators.js';
import { DayListQuery, IsDateTimeInput } from '../records/dto.js';
import { MEAL_TYPES, type FoodView, type MealType } from './food.record.js';

export { MEAL_TYPES, type MealType };
const mealMessage = `meal_type must be one of ${MEAL_TYPES.join(', ')}`;

/** Per entry: a large festive meal stays far below these; anything above is a typo or garbage. */
class FoodNumbers {
  @ApiPropertyOptional({ example: 350, nullable: true, description: 'kcal' })
  @IsOptional()
  @IsBoundedNumber(0, 10_000)
  calories?: number | null;

  @ApiPropertyOptional({ example: 12, nullable: true })
  @IsOptional()
  @IsBoundedNumber(0, 2_000)
  protein_g?: number | null;

  @ApiPropertyOptional({ example: 45, nullable: true })
  @IsOptional()
  @IsBoundedNumber(0, 2_000)
  carbs_g?: number | null;

  @ApiPropertyOptional({ example: 9, nullable: true })
  @IsOptional()
  @IsBoundedNumber(0, 2_000)
  fat_g?: number | null;
}

export class FoodLogCreateDto extends FoodNumbers {
  @ApiProperty({ example: '2 rotis with dal', minLength: 1, maxLength: 1000 })
  @IsDefined()
  @IsString()
  @Length(1, 1000)
  description: string;

  @ApiProperty({ enum: MEAL_TYPES })
  @IsDefined()
  @IsIn(MEAL_TYPES, { message: mealMessage })
  meal_type: MealType;

  @ApiPropertyOptional({
    example: '2026-03-01T13:15:00+05:30',
    description: 'Default now; without an offset it is read in your time zone',
  })
  @IsOptional()
  @IsDateTimeInput()
  logged_at?: string;
}

/** PUT: only the fields sent change; null clears a number; description/meal_type cannot be null (422). */
export class FoodLogUpdateDto extends FoodNumbers {
  @ApiPropertyOptional({ minLength: 1, maxLength: 1000 })
  @IsOptional()
  @IsString()
  @Length(1, 1000)
  description?: string | null;

  @ApiPropertyOptional({ enum: MEAL_TYPES })
  @IsOptional()
  @IsIn(MEAL_TYPES, { message: mealMessage })
  meal_type?: MealType | null;
}

export class FoodLogListQuery extends DayListQuery {
  @ApiPropertyOptional({ enum: MEAL_TYPES })
  @IsOptional()
  @IsIn(MEAL_TYPES, { message: mealMessage })
  meal_type?: MealType;
}

export class FoodLogResponseDto implements FoodView {
  @ApiProperty({ example: 'f2ea5ecd24e3' }) id: string;
  @ApiProperty({ format: 'uuid' }) user_id: string;
  @ApiProperty() description: string;
  @ApiProperty({ nullable: true, type: Number }) calories: number | null;
  @ApiProperty({ nullable: true, type: Number }) protein_g: number | null;
  @ApiProperty({ nullable: true, type: Number }) carbs_g: number | null;
  @ApiProperty({ nullable: true, type: Number }) fat_g: number | null;
  @ApiProperty({ enum: MEAL_TYPES }) meal_type: MealType;
  @ApiProperty({ example: '2026-03-01T13:15:00.000+05:30' }) logged_at: string;
  @ApiProperty({ example: '2026-03-01T13:15:02.000+05:30' }) created_at: string;
}
