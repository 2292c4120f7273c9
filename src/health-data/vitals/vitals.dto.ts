import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsNumber, IsOptional, Max, Min } from 'class-validator';
import { IsAbove, IsBoundedNumber } from '../../common/validators.js';
import { DateRangeListQuery, IsDateTimeInput } from '../records/dto.js';
import type { VitalsView } from './vitals.record.js';

const num = { allowNaN: false, allowInfinity: false };

/** Vitals fields shared by create and update (every field optional, as the original's VitalsCreate). */
class VitalsFields {
  @ApiPropertyOptional({
    example: 128,
    nullable: true,
    description: 'mmHg; above blood_pressure_diastolic when both are given',
  })
  @IsOptional()
  @IsBoundedNumber(50, 250, { int: true })
  @IsAbove('blood_pressure_diastolic')
  blood_pressure_systolic?: number | null;

  @ApiPropertyOptional({ minimum: 30, maximum: 150, example: 82, nullable: true, description: 'mmHg' })
  @IsOptional()
  @IsInt()
  @Min(30)
  @Max(150)
  blood_pressure_diastolic?: number | null;

  @ApiPropertyOptional({
    minimum: 30,
    maximum: 220,
    example: 72,
    nullable: true,
    description: 'beats per minute',
  })
  @IsOptional()
  @IsInt()
  @Min(30)
  @Max(220)
  heart_rate?: number | null;

  @ApiPropertyOptional({ minimum: 0, maximum: 600, example: 110, nullable: true, description: 'mg/dL' })
  @IsOptional()
  @IsNumber(num)
  @Min(0)
  @Max(600)
  blood_sugar?: number | null;

  @ApiPropertyOptional({
    nullable: true,
    description: 'true when blood_sugar was measured fasting (8 h without food); used by insights',
  })
  @IsOptional()
  @IsBoolean()
  fasting?: boolean | null;

  @ApiPropertyOptional({ minimum: 30, maximum: 45, example: 36.8, nullable: true, description: '°C' })
  @IsOptional()
  @IsNumber(num)
  @Min(30)
  @Max(45)
  temperature?: number | null;

  @ApiPropertyOptional({ example: 64.2, nullable: true, description: 'kg' })
  @IsOptional()
  @IsBoundedNumber(0.5, 500)
  weight_kg?: number | null;

  @ApiPropertyOptional({
    minimum: 50,
    maximum: 100,
    example: 97,
    nullable: true,
    description: 'oxygen saturation, %',
  })
  @IsOptional()
  @IsNumber(num)
  @Min(50)
  @Max(100)
  spo2?: number | null;
}

export class VitalsCreateDto extends VitalsFields {
  @ApiPropertyOptional({
    example: '2026-03-01T08:30:00+05:30',
    description: 'Default now; without an offset it is read in your time zone',
  })
  @IsOptional()
  @IsDateTimeInput()
  logged_at?: string;
}

/** PUT: only the fields sent change; null clears a measurement; `logged_at` cannot change (as the original). */
export class VitalsUpdateDto extends VitalsFields {}

export class VitalsListQuery extends DateRangeListQuery {}

export class VitalsResponseDto implements VitalsView {
  @ApiProperty({ example: 'f2ea5ecd24e3' }) id: string;
  @ApiProperty({ format: 'uuid' }) user_id: string;
  @ApiProperty({ nullable: true, type: Number }) blood_pressure_systolic: number | null;
  @ApiProperty({ nullable: true, type: Number }) blood_pressure_diastolic: number | null;
  @ApiProperty({ nullable: true, type: Number }) heart_rate: number | null;
  @ApiProperty({ nullable: true, type: Number }) blood_sugar: number | null;
  @ApiProperty({ nullable: true, type: Boolean }) fasting: boolean | null;
  @ApiProperty({ nullable: true, type: Number }) temperature: number | null;
  @ApiProperty({ nullable: true, type: Number }) weight_kg: number | null;
  @ApiProperty({ nullable: true, type: Number }) spo2: number | null;
  @ApiProperty({ example: '2026-03-01T08:30:00.000+05:30' }) logged_at: string;
  @ApiProperty({ example: '2026-03-01T08:30:01.000+05:30' }) created_at: string;
}
