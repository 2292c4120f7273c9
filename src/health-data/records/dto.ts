import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsOptional,
  Matches,
  ValidateBy,
  type ValidationOptions,
} from 'class-validator';
import { PaginationQuery } from '../../common/dto.js';
import { DAY_OF_WEEK, parseDays, parseTimeOfDay, TIME_OF_DAY } from '../../schedule/rules.js';
import { INPUT_DATE, INPUT_DATETIME, parseInstant } from './time.js';

/** A LocusGraph context id `<type>:<id>` (links). */
export const CONTEXT_ID = /^[a-z][a-z0-9_]{0,63}:[A-Za-z0-9_.:-]{1,128}$/;

/**
 * Validation shared by the health-data DTOs. Constraint names map to FastAPI error types in the global pipe
 * (`isISO8601` → datetime_parsing, `matches` → string_pattern_mismatch); the pattern each rule carries as its
 * constraint is what the OpenAPI document publishes (documentValidatedTypes).
 */

/** Something other than white space. */
const NOT_BLANK = /\S/;

/** An ISO-8601 date-time, with or without offset (naive = the user's zone; see records/time.ts). */
export const IsDateTimeInput = (options?: ValidationOptions): PropertyDecorator =>
  ValidateBy(
    {
      name: 'isISO8601',
      constraints: [INPUT_DATETIME],
      validator: {
        validate: (v: unknown) =>
          typeof v === 'string' && INPUT_DATETIME.test(v) && parseInstant(v, 'UTC') !== null,
        defaultMessage: () =>
          'Input should be a valid ISO-8601 datetime between 1900 and 2100 with a real UTC offset, e.g. 2026-03-01T08:30:00+05:30',
      },
    },
    options,
  );

/** A calendar date `YYYY-MM-DD` that exists. */
export const IsCalendarDate = (options?: ValidationOptions): PropertyDecorator =>
  ValidateBy(
    {
      name: 'isISO8601',
      constraints: [INPUT_DATE],
      validator: {
        validate: (v: unknown) => typeof v === 'string' && INPUT_DATE.test(v),
        defaultMessage: () => 'Input should be a valid date (YYYY-MM-DD) between 1900 and 2100',
      },
    },
    options,
  );

/** `HH:MM`, 24 hours (one or two digits each, as the original's strptime accepted); normalised to `08:05`. */
export const IsTimeOfDay = (options?: ValidationOptions): PropertyDecorator =>
  ValidateBy(
    {
      name: 'matches',
      constraints: [TIME_OF_DAY],
      validator: {
        validate: (v: unknown) => parseTimeOfDay(v) !== null,
        defaultMessage: () => 'Invalid time format. Use HH:MM (24-hour format)',
      },
    },
    options,
  );

export const NormaliseTimeOfDay = (): PropertyDecorator =>
  Transform(({ value }) => parseTimeOfDay(value) ?? value);

/** 3-letter days `mon`…`sun` (any case, stored lower-case, duplicates dropped), at most 28 of them. */
export const IsDaysOfWeek = (options?: ValidationOptions): PropertyDecorator =>
  applyDecorators(
    IsArray(options),
    ArrayMaxSize(7 * 4, options),
    ValidateBy(
      {
        name: 'isIn',
        constraints: [DAY_OF_WEEK],
        validator: {
          validate: (v: unknown) => typeof v === 'string' && DAY_OF_WEEK.test(v),
          defaultMessage: (args) => {
            const r = parseDays(args?.value);
            const bad = 'invalid' in r ? r.invalid : String(args?.value);
            return `Invalid day: ${bad}. Use 3-letter lowercase format (mon, tue, wed, thu, fri, sat, sun)`;
          },
        },
      },
      { ...options, each: true },
    ),
  );

export const NormaliseDays = (): PropertyDecorator =>
  Transform(({ value }) => {
    const r = parseDays(value);
    return Array.isArray(value) && 'days' in r ? r.days : value;
  });

/**
 * Trims strings (names, phones) before validation; nothing but spaces is refused (documented as a pattern)
 * unless `allowBlank` (a rule of the service reports it, e.g. the original's 400 for an empty phone).
 */
export const Trim = (options: { allowBlank?: boolean } = {}): PropertyDecorator =>
  applyDecorators(
    Transform(({ value }) => (typeof value === 'string' ? value.trim() : value)),
    ...(options.allowBlank ? [] : [NotBlank()]),
  );

const NotBlank = (): PropertyDecorator =>
  ValidateBy({
    name: 'matches',
    constraints: [NOT_BLANK],
    validator: {
      validate: (v: unknown) => typeof v !== 'string' || NOT_BLANK.test(v),
      defaultMessage: (args) => `${args?.property} must not be blank`,
    },
  });

/** `limit`/`offset` plus a single local calendar day. */
export class DayListQuery extends PaginationQuery {
  @ApiPropertyOptional({
    description: 'Only this calendar day, in your time zone (YYYY-MM-DD)',
    example: '2026-03-01',
  })
  @IsOptional()
  @IsCalendarDate()
  date?: string;
}

/** `limit`/`offset` plus an inclusive range of local calendar days. */
export class DateRangeListQuery extends PaginationQuery {
  @ApiPropertyOptional({
    description: 'First calendar day, inclusive, in your time zone (YYYY-MM-DD)',
    example: '2026-03-01',
  })
  @IsOptional()
  @IsCalendarDate()
  date_from?: string;

  @ApiPropertyOptional({
    description: 'Last calendar day, inclusive, in your time zone (YYYY-MM-DD)',
    example: '2026-03-31',
  })
  @IsOptional()
  @IsCalendarDate()
  date_to?: string;
}

/** The original's `related_to` query parameter: one context id the new record is linked to. */
export class RelatedToQuery {
  @ApiPropertyOptional({
    description: 'Context id to link the new record to (e.g. `medication:f2ea5ecd24e3`)',
    example: 'medication:f2ea5ecd24e3',
  })
  @IsOptional()
  @Matches(CONTEXT_ID, { message: 'related_to must be a context id like type:id' })
  related_to?: string;
}
