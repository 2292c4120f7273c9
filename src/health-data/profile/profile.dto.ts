import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional, IsString, Matches, MaxLength, ValidateBy } from 'class-validator';
import { IsBoundedNumber } from '../../common/validators.js';
import { IsCalendarDate, Trim } from '../records/dto.js';
import { isValidZone } from '../records/time.js';
import type { RecordFields } from '../records/record-spec.js';
import type { ProfilePayload } from './profile.record.js';

/** `POST` and `PUT /api/profile` (the original's ProfileBase, plus `timezone`). Unknown keys are ignored. */
export class ProfileDto {
  @ApiPropertyOptional({ example: '1958-04-12', nullable: true, description: 'YYYY-MM-DD' })
  @IsOptional()
  @IsCalendarDate()
  date_of_birth?: string | null;

  @ApiPropertyOptional({ example: 'F', nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  gender?: string | null;

  @ApiPropertyOptional({ example: 158, nullable: true })
  @IsOptional()
  @IsBoundedNumber(30, 300)
  height_cm?: number | null;

  @ApiPropertyOptional({ example: 62.5, nullable: true })
  @IsOptional()
  @IsBoundedNumber(0.5, 500)
  weight_kg?: number | null;

  @ApiPropertyOptional({ example: 'AB+', pattern: '^(A|B|AB|O)[+-]$', nullable: true })
  @IsOptional()
  @IsString()
  @Matches(/^(A|B|AB|O)[+-]$/, { message: 'blood_type must be one of A+, A-, B+, B-, AB+, AB-, O+, O-' })
  blood_type?: string | null;

  @ApiPropertyOptional({ type: [String], example: ['penicillin'], nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  allergies?: string[] | null;

  @ApiPropertyOptional({ type: [String], example: ['type 2 diabetes', 'hypertension'], nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  medical_conditions?: string[] | null;

  @ApiPropertyOptional({ type: [String], example: ['vegetarian'], nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  dietary_preferences?: string[] | null;

  @ApiPropertyOptional({
    example: 'Asia/Kolkata',
    description: 'IANA time zone; days and times are shown in it. Default DEFAULT_TIMEZONE.',
    nullable: true,
  })
  @IsOptional()
  @Trim()
  @ValidateBy({
    name: 'isTimeZone',
    validator: {
      validate: (v: unknown) => typeof v === 'string' && isValidZone(v),
      defaultMessage: () => 'timezone must be an IANA time zone such as Asia/Kolkata',
    },
  })
  timezone?: string | null;

  @ApiPropertyOptional({
    example: 7.0,
    nullable: true,
    description:
      'Your HbA1c target in %, as your doctor set it (5.0–10.0); the HbA1c insight compares your results with it',
  })
  @IsOptional()
  @IsBoundedNumber(5, 10)
  hba1c_target?: number | null;
}

export class ProfileResponseDto implements RecordFields<ProfilePayload> {
  @ApiProperty({ format: 'uuid' }) user_id: string;
  @ApiProperty({ nullable: true, type: String, example: '1958-04-12' }) date_of_birth: string | null;
  @ApiProperty({ nullable: true, type: String }) gender: string | null;
  @ApiProperty({ nullable: true, type: Number }) height_cm: number | null;
  @ApiProperty({ nullable: true, type: Number }) weight_kg: number | null;
  @ApiProperty({ nullable: true, type: String, example: 'AB+' }) blood_type: string | null;
  @ApiProperty({ type: [String] }) allergies: string[];
  @ApiProperty({ type: [String] }) medical_conditions: string[];
  @ApiProperty({ type: [String] }) dietary_preferences: string[];
  @ApiProperty({ example: 'Asia/Kolkata' }) timezone: string;
  @ApiProperty({
    nullable: true,
    type: Number,
    example: 7.0,
    description: 'HbA1c target (%) set with your doctor',
  })
  hba1c_target: number | null;
  @ApiProperty({
    example: '2026-03-01T08:30:00.000+05:30',
    description: 'Last change (ISO-8601 with offset)',
  })
  updated_at: string;
}
