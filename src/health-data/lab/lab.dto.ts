import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { LabResultView } from './lab.service.js';
import { IsDefined, IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { IsBoundedNumber } from '../../common/validators.js';
import { DateRangeListQuery, IsDateTimeInput, Trim } from '../records/dto.js';
import { LAB_TEST_KEYS, LAB_TESTS, LAB_UNITS, type LabTestKey } from './lab.record.js';

const testMessage = `test must be one of ${LAB_TEST_KEYS.join(', ')}`;
const unitMessage = `unit must be one of ${LAB_UNITS.join(', ')} (UCUM codes)`;

/** The catalogue as Swagger text: each test, its units (default first) and their bounds. */
const CATALOGUE = LAB_TEST_KEYS.map(
  (k) =>
    `${k} (${LAB_TESTS[k].name}): ${LAB_TESTS[k].units.map((u) => `${u.ucum} ${u.min}–${u.max}`).join(', ')}`,
).join('; ');
const VALUE_RULE = `Within the bounds of the test and unit, else 422: ${CATALOGUE}`;

/** A lab's name is one line of text: no control characters (it is printed in reports and said back in chat). */
const LAB_NAME = /^\P{Cc}*$/u;
const LAB_NAME_RULE = 'One line of text: control characters (line breaks included) are refused with 422';
const labNameRule = Matches(LAB_NAME, { message: 'lab_name must not contain control characters' });

export class LabResultCreateDto {
  @ApiProperty({ enum: LAB_TEST_KEYS, example: 'hba1c' })
  @IsDefined()
  @IsIn(LAB_TEST_KEYS, { message: testMessage })
  test: LabTestKey;

  @ApiProperty({ example: 7.2, description: VALUE_RULE })
  @IsDefined()
  @IsBoundedNumber(0, 5000)
  value: number;

  @ApiPropertyOptional({
    enum: LAB_UNITS,
    example: '%',
    description:
      "UCUM code; default the test's usual unit in India (the first one listed for it under value)",
  })
  @IsOptional()
  @IsIn(LAB_UNITS, { message: unitMessage })
  unit?: string;

  @ApiPropertyOptional({
    example: '2026-03-01T08:30:00+05:30',
    description:
      'When the sample was taken. Default now; without an offset it is read in your time zone; not more than a day ahead of now (422)',
  })
  @IsOptional()
  @IsDateTimeInput()
  taken_at?: string;

  @ApiPropertyOptional({
    example: 'Thyrocare, Pune',
    nullable: true,
    maxLength: 200,
    description: LAB_NAME_RULE,
  })
  @IsOptional()
  @IsString()
  @Trim()
  @Length(1, 200)
  @labNameRule
  lab_name?: string | null;
}

/** PUT: only the fields sent change; `lab_name: null` clears it; `taken_at` cannot change (as vitals' `logged_at`). */
export class LabResultUpdateDto {
  @ApiPropertyOptional({ enum: LAB_TEST_KEYS })
  @IsOptional()
  @IsIn(LAB_TEST_KEYS, { message: testMessage })
  test?: LabTestKey;

  @ApiPropertyOptional({ example: 7.0, description: 'Checked against the resulting test and unit' })
  @IsOptional()
  @IsBoundedNumber(0, 5000)
  value?: number;

  @ApiPropertyOptional({ enum: LAB_UNITS, description: 'Must be a unit of the resulting test' })
  @IsOptional()
  @IsIn(LAB_UNITS, { message: unitMessage })
  unit?: string;

  @ApiPropertyOptional({ nullable: true, maxLength: 200, description: LAB_NAME_RULE })
  @IsOptional()
  @IsString()
  @Trim()
  @Length(1, 200)
  @labNameRule
  lab_name?: string | null;
}

export class LabResultListQuery extends DateRangeListQuery {
  @ApiPropertyOptional({ enum: LAB_TEST_KEYS, description: 'Only this test' })
  @IsOptional()
  @IsIn(LAB_TEST_KEYS, { message: testMessage })
  test?: LabTestKey;
}

export class LabResultResponseDto implements LabResultView {
  @ApiProperty({ example: 'f2ea5ecd24e3' }) id: string;
  @ApiProperty({ format: 'uuid' }) user_id: string;
  @ApiProperty({ enum: LAB_TEST_KEYS }) test: LabTestKey;
  @ApiProperty({ example: 7.2 }) value: number;
  @ApiProperty({ enum: LAB_UNITS, example: '%' }) unit: string;
  @ApiProperty({ example: '2026-03-01T08:30:00.000+05:30' }) taken_at: string;
  @ApiProperty({ nullable: true, type: String }) lab_name: string | null;
  @ApiProperty({ example: '4548-4', description: 'LOINC code of the test in this unit' }) loinc_code: string;
  @ApiProperty({ example: 'HbA1c' }) test_name: string;
  @ApiProperty({ example: '%', description: 'The unit as lab reports print it (µIU/mL for u[IU]/mL)' })
  unit_display: string;
  @ApiProperty({ example: '2026-03-01T08:30:01.000+05:30' }) created_at: string;
}
