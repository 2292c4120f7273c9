import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBoolean,
  IsDefined,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { PaginationQuery, ToBoolean } from '../../common/dto.js';
import { Trim } from '../records/dto.js';
import type { MeditationLogView, SessionView } from './meditation.record.js';

export class MeditationSessionCreateDto {
  @ApiProperty({ example: 'Morning breathing', minLength: 1, maxLength: 200 })
  @IsDefined()
  @IsString()
  @Trim()
  @Length(1, 200)
  title: string;

  @ApiPropertyOptional({ maxLength: 2000, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string | null;

  @ApiPropertyOptional({
    example: 'https://cdn.example.com/breathing.mp3',
    nullable: true,
    description: 'http:// or https:// (else 400)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  audio_url?: string | null;

  @ApiProperty({ minimum: 1, maximum: 600, example: 10 })
  @IsDefined()
  @IsInt()
  @Min(1)
  @Max(600)
  duration_minutes: number;

  @ApiPropertyOptional({ example: 'breathing', maxLength: 100, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  category?: string | null;
}

export class MeditationLogCreateDto {
  @ApiProperty({ example: 'f2ea5ecd24e3' })
  @IsDefined()
  @IsString()
  @MaxLength(64)
  session_id: string;

  @ApiProperty({ minimum: 0, maximum: 1440, example: 10 })
  @IsDefined()
  @IsInt()
  @Min(0)
  @Max(1440)
  duration_minutes: number;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  completed?: boolean;
}

export class MeditationSessionListQuery extends PaginationQuery {
  @ApiPropertyOptional({ example: 'breathing' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  category?: string;

  @ApiPropertyOptional({ default: true, description: 'Serve from the cache when possible' })
  @IsOptional()
  @ToBoolean()
  @IsBoolean()
  use_cache: boolean = true;
}

export class MeditationSessionResponseDto implements SessionView {
  @ApiProperty({ example: 'f2ea5ecd24e3' }) id: string;
  @ApiProperty({
    nullable: true,
    type: String,
    format: 'uuid',
    description: 'Your id on a session you added (private to you); null on the built-in catalogue',
  })
  user_id: string | null;
  @ApiProperty() title: string;
  @ApiProperty({ nullable: true, type: String }) description: string | null;
  @ApiProperty({ nullable: true, type: String }) audio_url: string | null;
  @ApiProperty() duration_minutes: number;
  @ApiProperty({ nullable: true, type: String }) category: string | null;
  @ApiProperty() created_at: string;
}

export class MeditationLogResponseDto implements MeditationLogView {
  @ApiProperty({ example: 'f2ea5ecd24e3' }) id: string;
  @ApiProperty({ format: 'uuid' }) user_id: string;
  @ApiProperty() session_id: string;
  @ApiProperty() duration_minutes: number;
  @ApiProperty() completed: boolean;
  @ApiProperty() logged_at: string;
  @ApiProperty() created_at: string;
}
