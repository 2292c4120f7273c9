import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, Matches, ValidateBy, type ValidationOptions } from 'class-validator';
import { PaginationQuery } from '../../common/dto.js';
import { parseDays, parseTimeOfDay } from '../../reminders/schedule/rules.js';
import { ISO_DATETIME, isCalendarDate, parseInstant } from './time.js';

/** A LocusGraph context id `<type>:<id>` (links). */
export const CONTEXT_ID = /^[a-z][a-z0-9_]{0,63}:[A-Za-z0-9_.:-]{1,128}$/;

/**
 * Validation shared by the health-data DTOs. Constraint names map to FastAPI error types in the global pipe
 * (`isISO8601` → datetime_parsing, `matches` → string_pattern_mismatch).
 */

/** An ISO-8601 date-time, with or without offset (naive = the user's zone; see records/time.ts). */
export const IsDateTimeInput = (options?: ValidationOptions): PropertyDecorator =>
  ValidateBy(
    {
      name: 'isISO8601',
      validator: {
        validate: (v: unknown) =>
          typeof v === 'string' && ISO_DATETIME.test(v) && parseInstant(v, 'UTC') !== null,
        defaultMessage: () => 'Input should be a valid ISO-8601 datetime, e.g. 2026-03-01T08:30:00+05:30',
      },
    },
    options,
  );

/** A calendar date `YYYY-MM-DD` that exists. */
export const IsCalendarDate = (options?: ValidationOptions): PropertyDecorator =>
  ValidateBy(
    {
      name: 'isISO8601',
      validator: {
        validate: (v: unknown) => isCalendarDate(v),
        defaultMessage: () => 'Input should be a valid date (YYYY-MM-DD)',
      },
    },
    options,
  );

/** `HH:MM`, 24 hours (one or two digits each, as the original's strptime accepted); normalised to `08:05`. */
export const IsTimeOfDay = (options?: ValidationOptions): PropertyDecorator =>
  ValidateBy(
    {
      name: 'matches',
      validator: {
        validate: (v: unknown) => parseTimeOfDay(v) !== null,
        defaultMessage: () => 'Invalid time format. Use HH:MM (24-hour format)',
      },
    },
    options,
  );

export const NormaliseTimeOfDay = (): PropertyDecorator =>
  Transform(({ value }) => parseTimeOfDay(value) ?? value);

/** 3-letter days `mon`…`sun` (any case, stored lower-case, duplicates dropped). */
export const IsDaysOfWeek = (options?: ValidationOptions): PropertyDecorator =>
  ValidateBy(
    {
      name: 'isIn',
      validator: {
        validate: (v: unknown) => Array.isArray(v) && v.length <= 7 * 4 && !('invalid' in parseDays(v)),
        defaultMessage: (args) => {
          const r = parseDays(args?.value);
          const bad = 'invalid' in r ? r.invalid : String(args?.value);
          return `Invalid day: ${bad}. Use 3-letter lowercase format (mon, tue, wed, thu, fri, sat, sun)`;
        },
      },
    },
    options,
  );

export const NormaliseDays = (): PropertyDecorator =>
  Transform(({ value }) => {
    const r = parseDays(value);
    return Array.isArray(value) && 'days' in r ? r.days : value;
  });

/** Trims strings (names, phones) before validation. */
export const Trim = (): PropertyDecorator =>
  Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));

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
