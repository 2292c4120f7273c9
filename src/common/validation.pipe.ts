import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { getMetadataStorage } from 'class-validator';
import { planAccept, type AcceptPlan } from './compiled-validation.js';
import { AppError, ErrorCode, type ValidationIssue } from './errors.js';
import { knownMembers, nulIssues, nullIssues } from './validators.js';

/** class-validator constraint → FastAPI-style error `type`. */
const TYPE_OF: Record<string, string> = {
  isDefined: 'missing',
  isNotEmpty: 'missing',
  isInt: 'int_parsing',
  isNumber: 'float_parsing',
  isBoolean: 'bool_parsing',
  isString: 'string_type',
  isArray: 'list_type',
  isEmail: 'value_error',
  isEnum: 'enum',
  isIn: 'enum',
  min: 'greater_than_equal',
  max: 'less_than_equal',
  minLength: 'string_too_short',
  maxLength: 'string_too_long',
  arrayMaxSize: 'too_long',
  arrayMinSize: 'too_short',
  isISO8601: 'datetime_parsing',
  isDateString: 'datetime_parsing',
  matches: 'string_pattern_mismatch',
  whitelistValidation: 'extra_forbidden',
  isObject: 'dict_type',
  nestedValidation: 'model_type',
};

type Storage = ReturnType<typeof getMetadataStorage>;

/** Accept plans per DTO class (null: none); dropped with the rule cache when a rule is registered. */
let acceptPlans = new Map<Function, AcceptPlan | null>();
/**
 * Query DTO classes whose rules accepted an empty query string once (every field optional). Validation of an
 * empty object depends on the rules only, so later empty queries skip to the instance the pipe would return.
 * Dropped with the accept plans.
 */
let emptyQueryAccepted = new Set<Function>();

function acceptPlanOf(dto: Function): AcceptPlan | null {
  let plan = acceptPlans.get(dto);
  if (plan === undefined) acceptPlans.set(dto, (plan = planAccept(dto as new () => object)));
  return plan;
}

/**
 * Memoises class-validator's rule lookup per DTO class. Uncached, every validation (each nested object too)
 * scans the metadata of every DTO class of the application for base classes: about 3 % of the CPU of a
 * POST /api/vitals. The cache is dropped whenever a rule is registered, so late-loaded DTOs are seen.
 */
export function memoizeRuleLookup(storage: Storage): void {
  const marked = storage as Storage & { poddMemo?: true };
  if (marked.poddMemo) return;
  marked.poddMemo = true;
  type Rules = ReturnType<Storage['getTargetValidationMetadatas']>;
  const lookup = storage.getTargetValidationMetadatas.bind(storage);
  const add = storage.addValidationMetadata.bind(storage);
  let cache = new Map<unknown, Map<string, Rules>>();
  storage.addValidationMetadata = (metadata) => {
    cache = new Map();
    acceptPlans = new Map();
    emptyQueryAccepted = new Set();
    add(metadata);
  };
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    if (groups?.length) return lookup(target, schema, always, strictGroups, groups);
    let perTarget = cache.get(target);
    if (!perTarget) cache.set(target, (perTarget = new Map()));
    const key = `${schema}|${always}|${strictGroups}`;
    let rules = perTarget.get(key);
    if (!rules) perTarget.set(key, (rules = lookup(target, schema, always, strictGroups, groups)));
    return rules.slice();
  };
}
memoizeRuleLookup(getMetadataStorage());

function isEmptyObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && Object.keys(value).length === 0;
}

class ValidationFailed extends Error {
  constructor(readonly errors: ValidationError[]) {
    super('validation failed');
  }
}

function flatten(errors: ValidationError[], prefix: (string | number)[], out: ValidationIssue[]): void {
  for (const e of errors) {
    const path = [...prefix, /^\d+$/.test(e.property) ? Number(e.property) : e.property];
    const constraints = e.constraints ?? {};
    // A missing value reports only "Field required" instead of every rule it trivially breaks.
    if (constraints.isDefined) {
      out.push({ loc: path, msg: 'Field required', type: 'missing' });
    } else {
      for (const [name, msg] of Object.entries(constraints)) {
        out.push({ loc: path, msg, type: TYPE_OF[name] ?? 'value_error' });
      }
    }
    if (e.children?.length) flatten(e.children, path, out);
  }
}

/**
 * Global validation: unknown keys are dropped (as the original did), types are converted from the DTO,
 * and failures become a 422 whose `detail` lists `{loc, msg, type}` like FastAPI.
 */
export class AppValidationPipe extends ValidationPipe {
  /** `compiled: false` always runs the full pipe, with no shortcut (the differential tests compare both). */
  constructor(private readonly options: { compiled?: boolean } = {}) {
    super({
      whitelist: true,
      forbidNonWhitelisted: false,
      transform: true,
      forbidUnknownValues: false,
      validationError: { target: false, value: false },
      exceptionFactory: (errors) => new ValidationFailed(errors),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const where = metadata.type === 'custom' ? 'body' : metadata.type;
    const isDto = typeof metadata.metatype === 'function' && this.toValidate(metadata);
    if (isDto && metadata.type === 'body') {
      if (value === undefined || value === null) {
        throw new AppError(422, ErrorCode.VALIDATION_FAILED, [
          { loc: ['body'], msg: 'Field required', type: 'missing' },
        ]);
      }
      if (typeof value !== 'object' || Array.isArray(value)) {
        throw new AppError(422, ErrorCode.VALIDATION_FAILED, [
          {
            loc: ['body'],
            msg: 'Input should be a valid dictionary or object',
            type: 'model_attributes_type',
          },
        ]);
      }
      const plain = knownMembers(metadata.metatype as Function, value as Record<string, unknown>);
      value = plain;
      const issues = [
        ...nullIssues(metadata.metatype as Function, plain, ['body']),
        ...nulIssues(plain, ['body']),
      ];
      if (issues.length) throw new AppError(422, ErrorCode.VALIDATION_FAILED, issues);
      // A body every rule accepts needs none of the machinery that reports why one does not.
      const accepted =
        this.options.compiled === false ? null : acceptPlanOf(metadata.metatype as Function)?.(plain);
      if (accepted) return accepted;
    }
    // Most requests of a route with optional query parameters send none (every POST of a record type).
    const emptyQuery =
      this.options.compiled !== false && isDto && metadata.type === 'query' && isEmptyObject(value);
    if (emptyQuery && emptyQueryAccepted.has(metadata.metatype as Function))
      return plainToInstance(metadata.metatype as new () => object, {});
    try {
      const result = await super.transform(value, metadata);
      if (emptyQuery) emptyQueryAccepted.add(metadata.metatype as Function);
      return result;
    } catch (e) {
      if (e instanceof ValidationFailed) {
        const issues: ValidationIssue[] = [];
        flatten(e.errors, [where], issues);
        throw new AppError(422, ErrorCode.VALIDATION_FAILED, issues);
      }
      throw e;
    }
  }
}
