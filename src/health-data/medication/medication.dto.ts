import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
} from 'class-validator';
import { PaginationQuery, ToBoolean } from '../../common/dto.js';
import {
  CONTEXT_ID,
  DateRangeListQuery,
  IsCalendarDate,
  IsDateTimeInput,
  IsDaysOfWeek,
  IsTimeOfDay,
  NormaliseDays,
  NormaliseTimeOfDay,
  Trim,
} from '../records/dto.js';
import type { MedicationView, MedLogView, MedScheduleView } from './medication.record.js';

// ------------------------------------------------------------------------------------------ medications

export class MedicationCreateDto {
  @ApiProperty({ example: 'Metformin', minLength: 1, maxLength: 200 })
  @IsDefined()
  @IsString()
  @Trim()
  @Length(1, 200)
  name: string;

  @ApiProperty({ example: '500mg', minLength: 1, maxLength: 100 })
  @IsDefined()
  @IsString()
  @Length(1, 100)
  dosage: string;

  @ApiProperty({ example: 'twice daily', minLength: 1, maxLength: 200, description: 'Free text' })
  @IsDefined()
  @IsString()
  @Length(1, 200)
  frequency: string;

  @ApiPropertyOptional({ example: 'after food', maxLength: 2000, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  instructions?: string | null;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

/** PUT: only the fields sent change (an omitted `active` keeps its value); `instructions: null` clears. */
export class MedicationUpdateDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @IsOptional()
  @IsString()
  @Trim()
  @Length(1, 200)
  name?: string | null;

  @ApiPropertyOptional({ minLength: 1, maxLength: 100 })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  dosage?: string | null;

  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  frequency?: string | null;

  @ApiPropertyOptional({ maxLength: 2000, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  instructions?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  active?: boolean | null;
}

export class MedicationListQuery extends PaginationQuery {
  @ApiPropertyOptional({ default: false, description: 'Only active medications' })
  @IsOptional()
  @ToBoolean()
  @IsBoolean()
  active_only: boolean = false;
}

export class MedicationResponseDto implements MedicationView {
  @ApiProperty({ example: 'f2ea5ecd24e3' }) id: string;
  @ApiProperty({ format: 'uuid' }) user_id: string;
  @ApiProperty() name: string;
  @ApiProperty() dosage: string;
  @ApiProperty() frequency: string;
  @ApiProperty({ nullable: true, type: String }) instructions: string | null;
  @ApiProperty() active: boolean;
  @ApiProperty() created_at: string;
  @ApiProperty() updated_at: string;
}

// --------------------------------------------------------------------------------------------- dose logs

/** Which medication: by id, or by exact name (one of the two is required). */
class MedicationRef {
  @ApiPropertyOptional({ example: 'f2ea5ecd24e3' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  medication_id?: string;

  @ApiPropertyOptional({
    example: 'Metformin',
    description: 'Exact (case-sensitive) name of one of your medications',
  })
  @IsOptional()
  @IsString()
  @Trim()
  @MaxLength(200)
  medication_name?: string;
}

class RelatedToBody extends MedicationRef {
  @ApiPropertyOptional({
    type: [String],
    description: 'Context ids to link (the related_to query parameter wins)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @Matches(CONTEXT_ID, { each: true, message: 'related_to items must be context ids like type:id' })
  related_to?: string[];
}

export class MedicationLogCreateDto extends RelatedToBody {
  @ApiPropertyOptional({
    example: '2026-03-01T08:00:00+05:30',
    nullable: true,
    description: 'The dose time this intake was for',
  })
  @IsOptional()
  @IsDateTimeInput()
  scheduled_time?: string | null;

  @ApiPropertyOptional({ example: '2026-03-01T08:10:00+05:30', description: 'Default now' })
  @IsOptional()
  @IsDateTimeInput()
  taken_at?: string;

  @ApiPropertyOptional({ maxLength: 2000, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  notes?: string | null;
}

export class MedicationLogResponseDto implements MedLogView {
  @ApiProperty({ example: 'f2ea5ecd24e3' }) id: string;
  @ApiProperty({ format: 'uuid' }) user_id: string;
  @ApiProperty() medication_id: string;
  @ApiProperty({ nullable: true, type: String }) medication_name: string | null;
  @ApiProperty({ nullable: true, type: String }) scheduled_time: string | null;
  @ApiProperty() taken_at: string;
  @ApiProperty({ nullable: true, type: String }) notes: string | null;
  @ApiProperty() created_at: string;
}

export class MedicationLogListQuery extends DateRangeListQuery {
  @ApiPropertyOptional({ example: 'f2ea5ecd24e3' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  medication_id?: string;
}

// ---------------------------------------------------------------------------------------------- schedules

export class MedicationScheduleCreateDto extends RelatedToBody {
  @ApiProperty({ example: '08:00', description: 'HH:MM, 24 hours, in your time zone' })
  @IsDefined()
  @NormaliseTimeOfDay()
  @IsTimeOfDay()
  time_of_day: string;

  @ApiPropertyOptional({
    type: [String],
    example: ['mon', 'wed', 'fri'],
    default: [],
    description: '3-letter days; empty = every day',
  })
  @IsOptional()
  @IsDaysOfWeek()
  @NormaliseDays()
  days_of_week?: string[];
}

/** PUT: only the fields sent change (an omitted `days_of_week` keeps its value; `[]` means every day). */
export class MedicationScheduleUpdateDto extends MedicationRef {
  @ApiPropertyOptional({ example: '20:00' })
  @IsOptional()
  @NormaliseTimeOfDay()
  @IsTimeOfDay()
  time_of_day?: string | null;

  @ApiPropertyOptional({ type: [String], example: ['mon', 'tue'] })
  @IsOptional()
  @IsDaysOfWeek()
  @NormaliseDays()
  days_of_week?: string[] | null;
}

export class MedicationScheduleListQuery extends PaginationQuery {
  @ApiPropertyOptional({ example: 'f2ea5ecd24e3' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  medication_id?: string;
}

export class MedicationScheduleResponseDto implements MedScheduleView {
  @ApiProperty({ example: 'f2ea5ecd24e3' }) id: string;
  @ApiProperty({ format: 'uuid' }) user_id: string;
  @ApiProperty() medication_id: string;
  @ApiProperty({ nullable: true, type: String }) medication_name: string | null;
  @ApiProperty({ example: '08:00' }) time_of_day: string;
  @ApiProperty({ type: [String], example: ['mon', 'wed'] }) days_of_week: string[];
  @ApiProperty() created_at: string;
  @ApiProperty() updated_at: string;
}

// -------------------------------------------------------------------------------------------- adherence

export class AdherenceQuery {
  @ApiPropertyOptional({
    description: 'First day, inclusive, in your time zone (default: 6 days before date_to)',
    example: '2026-03-01',
  })
  @IsOptional()
  @IsCalendarDate()
  date_from?: string;

  @ApiPropertyOptional({
    description: 'Last day, inclusive (default: today in your time zone)',
    example: '2026-03-07',
  })
  @IsOptional()
  @IsCalendarDate()
  date_to?: string;

  @ApiPropertyOptional({ description: 'Only this medication' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  medication_id?: string;
}

export class AdherenceCountsDto {
  @ApiProperty() scheduled: number;
  @ApiProperty() taken: number;
  @ApiProperty() late: number;
  @ApiProperty() missed: number;
  @ApiProperty({ description: 'Due, still inside the window' }) pending: number;
  @ApiProperty({ description: 'Not due yet' }) upcoming: number;
  @ApiProperty({ nullable: true, type: Number, description: '(taken + late) / settled × 100' })
  adherence_percent: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'taken / settled × 100' }) on_time_percent:
    number | null;
}

export class ScheduleAdherenceDto extends AdherenceCountsDto {
  @ApiProperty() schedule_id: string;
  @ApiProperty() medication_id: string;
  @ApiProperty({ nullable: true, type: String }) medication_name: string | null;
  @ApiProperty() time_of_day: string;
  @ApiProperty({ type: [String] }) days_of_week: string[];
}

export class DoseDto {
  @ApiProperty() schedule_id: string;
  @ApiProperty() medication_id: string;
  @ApiProperty({ description: 'When the dose was due (your time zone)' }) due_at: string;
  @ApiProperty({ enum: ['taken', 'late', 'missed', 'pending', 'upcoming'] }) status: string;
  @ApiProperty({ nullable: true, type: String }) log_id: string | null;
  @ApiProperty({ nullable: true, type: String }) taken_at: string | null;
}

export class AdherenceResponseDto {
  @ApiProperty({ example: 'Asia/Kolkata' }) timezone: string;
  @ApiProperty() date_from: string;
  @ApiProperty() date_to: string;
  @ApiProperty({ type: AdherenceCountsDto }) overall: AdherenceCountsDto;
  @ApiProperty({ type: [ScheduleAdherenceDto] }) by_schedule: ScheduleAdherenceDto[];
  @ApiProperty({ type: [DoseDto] }) doses: DoseDto[];
}
