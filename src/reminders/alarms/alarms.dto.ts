import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  MaxLength,
  MinLength,
} from 'class-validator';
import { ToBoolean } from '../../common/dto.js';
import { ALARM_TYPES } from '../alarm-messages.js';
import { DAY_OF_WEEK, TIME_OF_DAY, WEEKDAYS } from '../../schedule/rules.js';

/** Days are checked by the service (400 with the original message); the document names the same pattern. */
const DAYS_SCHEMA = { type: 'array', items: { type: 'string', pattern: DAY_OF_WEEK.source } } as const;

const TYPE_MSG = `type must be one of: ${ALARM_TYPES.join(', ')}`;

export class AlarmCreateDto {
  @ApiProperty({ enum: ALARM_TYPES })
  @IsIn(ALARM_TYPES, { message: TYPE_MSG })
  type: string;

  @ApiProperty({ example: 'Aspirin', maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  title: string;

  @ApiPropertyOptional({
    nullable: true,
    maxLength: 1000,
    description: 'Defaults to a text per type ("Time to take {title}"…)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  message?: string | null;

  @ApiProperty({
    example: '08:00',
    pattern: TIME_OF_DAY.source,
    description: 'HH:MM, 24-hour, in the user time zone (400 otherwise)',
  })
  @IsString()
  @MaxLength(32)
  time: string;

  @ApiPropertyOptional({
    ...DAYS_SCHEMA,
    example: ['mon', 'wed', 'fri'],
    default: [...WEEKDAYS],
    description: '3-letter days (400 otherwise); an empty list means every day',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(28)
  @IsString({ each: true })
  @MaxLength(32, { each: true })
  days_of_week?: string[];

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({
    nullable: true,
    maxLength: 200,
    description: 'Id of a related record (e.g. a medication)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  reference_id?: string | null;
}

/** Every field optional: only the fields sent change; null and an empty days list are refused (422). */
export class AlarmUpdateDto {
  @ApiPropertyOptional({ enum: ALARM_TYPES })
  @IsOptional()
  @IsIn(ALARM_TYPES, { message: TYPE_MSG })
  type?: string | null;

  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  title?: string | null;

  @ApiPropertyOptional({ nullable: true, maxLength: 1000 })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  message?: string | null;

  @ApiPropertyOptional({ example: '21:30', pattern: TIME_OF_DAY.source })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  time?: string | null;

  @ApiPropertyOptional({ ...DAYS_SCHEMA, description: '3-letter days (400 otherwise)' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(28)
  @IsString({ each: true })
  @MaxLength(32, { each: true })
  days_of_week?: string[] | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  active?: boolean | null;

  @ApiPropertyOptional({ nullable: true, maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  reference_id?: string | null;
}

export class ListAlarmsQuery {
  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @ToBoolean()
  @IsBoolean()
  active_only: boolean = false;
}

export class AlarmResponseDto {
  @ApiProperty({ example: 'f2ea5ecd24e3' })
  id: string;
  @ApiProperty()
  user_id: string;
  @ApiProperty({ enum: ALARM_TYPES })
  type: string;
  @ApiProperty()
  title: string;
  @ApiProperty({ nullable: true, type: String })
  message: string | null;
  @ApiProperty({ example: '08:00' })
  time: string;
  @ApiProperty({ type: [String], example: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] })
  days_of_week: string[];
  @ApiProperty()
  active: boolean;
  @ApiProperty({ nullable: true, type: String })
  reference_id: string | null;
  @ApiProperty({ example: '2026-03-08T07:12:03.120+05:30' })
  created_at: string;
  @ApiProperty({ example: '2026-03-08T07:12:03.120+05:30' })
  updated_at: string;
  @ApiProperty({
    nullable: true,
    type: String,
    example: '2026-03-09T08:00:00.000+05:30',
    description: 'When it fires next, in the user time zone (null when inactive)',
  })
  next_trigger_at: string | null;
  @ApiProperty({
    example: 'Asia/Kolkata',
    description: 'The IANA zone the alarm fires in (profile timezone, else the default)',
  })
  timezone: string;
}
