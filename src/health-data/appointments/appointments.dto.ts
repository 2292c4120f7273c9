import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { PaginationQuery, ToBoolean } from '../../common/dto.js';
import { IsDateTimeInput, Trim } from '../records/dto.js';
import type { AppointmentView } from './appointments.record.js';

export const QUERY_TYPES = ['upcoming', 'past', 'all'] as const;

class AppointmentOptional {
  @ApiPropertyOptional({ example: 'Dr. Mehta', maxLength: 200, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  doctor_name?: string | null;

  @ApiPropertyOptional({ example: 'Apollo Clinic, Pune', maxLength: 500, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  location?: string | null;

  @ApiPropertyOptional({ maxLength: 2000, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  notes?: string | null;

  @ApiPropertyOptional({
    minimum: 0,
    maximum: 10080,
    example: 60,
    nullable: true,
    description: 'Remind this many minutes before (at most 7 days)',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10080)
  reminder_minutes_before?: number | null;
}

export class AppointmentCreateDto extends AppointmentOptional {
  @ApiProperty({ example: 'Diabetes check-up', minLength: 1, maxLength: 200 })
  @IsDefined()
  @IsString()
  @Trim()
  @Length(1, 200)
  title: string;

  @ApiProperty({
    example: '2026-03-10T10:30:00+05:30',
    description: 'Without an offset it is read in your time zone',
  })
  @IsDefined()
  @IsDateTimeInput()
  scheduled_at: string;
}

/** PUT: only the fields sent change; doctor_name, location, notes, reminder can be cleared with null. */
export class AppointmentUpdateDto extends AppointmentOptional {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @IsOptional()
  @IsString()
  @Trim()
  @Length(1, 200)
  title?: string | null;

  @ApiPropertyOptional({ example: '2026-03-10T11:00:00+05:30' })
  @IsOptional()
  @IsDateTimeInput()
  scheduled_at?: string | null;
}

export class AppointmentListQuery extends PaginationQuery {
  @ApiPropertyOptional({
    enum: QUERY_TYPES,
    default: 'all',
    description: 'upcoming: soonest first; past: latest first; all: by time',
  })
  @IsOptional()
  @IsIn(QUERY_TYPES, { message: `query_type must be one of ${QUERY_TYPES.join(', ')}` })
  query_type: (typeof QUERY_TYPES)[number] = 'all';

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @ToBoolean()
  @IsBoolean()
  use_cache: boolean = true;
}

export class AppointmentResponseDto implements AppointmentView {
  @ApiProperty({ example: 'f2ea5ecd24e3' }) id: string;
  @ApiProperty({ format: 'uuid' }) user_id: string;
  @ApiProperty() title: string;
  @ApiProperty({ nullable: true, type: String }) doctor_name: string | null;
  @ApiProperty({ nullable: true, type: String }) location: string | null;
  @ApiProperty() scheduled_at: string;
  @ApiProperty({ nullable: true, type: String }) notes: string | null;
  @ApiProperty({ nullable: true, type: Number }) reminder_minutes_before: number | null;
  @ApiProperty() created_at: string;
  @ApiProperty() updated_at: string;
}
