import { applyDecorators } from '@nestjs/common';
import { getMetadataStorage, IsInt, IsNumber, Max, Min, ValidateBy } from 'class-validator';
import type { ValidationIssue } from './errors.js';

/**
 * A finite number within [min, max] (an integer with `{ int: true }`). The bounds are enforced here and
 * documented from these rules (`documentValidatedTypes` in swagger.ts), so the two cannot disagree.
 */
export const IsBoundedNumber = (
  min: number,
  max: number,
  options: { int?: boolean } = {},
): PropertyDecorator =>
  applyDecorators(
    options.int ? IsInt() : IsNumber({ allowNaN: false, allowInfinity: false }),
    Min(min),
    Max(max),
  );

/** Greater than the sibling property `other` when both are numbers (systolic above diastolic). */
export const IsAbove = (other: string): PropertyDecorator =>
  ValidateBy({
    name: 'isAbove',
    constraints: [other],
    validator: {
      validate: (v: unknown, args) => {
        const o = (args?.object as Record<string, unknown> | undefined)?.[other];
        return typeof v !== 'number' || typeof o !== 'number' || v > o;
      },
      defaultMessage: (args) => `${args?.property} must be greater than ${other}`,
    },
  });

const SWAGGER_PROPERTY = 'swagger/apiModelProperties';

/**
 * The one rule for `null` in a body: a property documented without `nullable` refuses it (422), whether it is
 * required or optional. Optional fields used to take `null` as "absent" and answer 200 having done nothing.
 */
export function nullIssues(
  dto: Function,
  body: Record<string, unknown>,
  loc: (string | number)[],
): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  for (const [key, value] of Object.entries(body)) {
    if (value !== null) continue;
    const doc = Reflect.getMetadata(SWAGGER_PROPERTY, dto.prototype, key) as
      { nullable?: boolean } | undefined;
    if (doc && !doc.nullable)
      out.push({ loc: [...loc, key], msg: 'Input should not be null', type: 'none_forbidden' });
  }
  return out;
}

/** Strings holding U+0000 anywhere in a body (the stores refuse them; PostgreSQL text cannot hold them). */
export function nulIssues(
  value: unknown,
  loc: (string | number)[],
  out: ValidationIssue[] = [],
): ValidationIssue[] {
  if (typeof value === 'string') {
    if (value.includes('\u0000'))
      out.push({ loc, msg: 'Text must not contain NUL characters', type: 'string_pattern_mismatch' });
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => nulIssues(v, [...loc, i], out));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) nulIssues(v, [...loc, k], out);
  }
  return out;
}

const validated = new WeakMap<Function, Set<string>>();

/**
 * The members of a body the DTO validates; the others would be dropped by the whitelist anyway. Dropping them
 * before class-transformer matters: it walks (and de-duplicates, in quadratic time) every key of every nested
 * object it is given, wanted or not.
 */
export function knownMembers(dto: Function, body: Record<string, unknown>): Record<string, unknown> {
  let known = validated.get(dto);
  if (!known) {
    const rules = getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false);
    known = new Set(rules.map((r) => r.propertyName));
    validated.set(dto, known);
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(body)) if (known.has(key)) out[key] = body[key];
  return out;
}
