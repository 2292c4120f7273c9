import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** Query strings arrive as text: 'true'/'1' → true, 'false'/'0' → false; anything else fails @IsBoolean (422). */
export const ToBoolean = (): PropertyDecorator =>
  Transform(({ value }) => {
    if (value === 'true' || value === '1' || value === true) return true;
    if (value === 'false' || value === '0' || value === false) return false;
    return value;
  });

/** Query strings → integers when they look like one; otherwise left as is so @IsInt reports 422. */
export const ToInt = (): PropertyDecorator =>
  Transform(({ value }) =>
    typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value,
  );

/** Query strings → numbers when they look like one. */
export const ToNumber = (): PropertyDecorator =>
  Transform(({ value }) =>
    typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value)) ? Number(value) : value,
  );

/** Largest `offset` of a list route. */
export const MAX_OFFSET = 1_000_000;

/** `limit` (1–100, default 10) and `offset` (0–MAX_OFFSET, default 0) for list routes. */
export class PaginationQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 10 })
  @IsOptional()
  @ToInt()
  @IsInt()
  @Min(1)
  @Max(100)
  limit: number = 10;

  /** Bounded so it always fits the stores' integer (a 23-digit offset was a 500). */
  @ApiPropertyOptional({ default: 0 })
  @IsOptional()
  @ToInt()
  @IsInt()
  @Min(0)
  @Max(MAX_OFFSET)
  offset: number = 0;
}
