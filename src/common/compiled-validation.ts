import { createRequire } from 'node:module';
import { TransformationType } from 'class-transformer';
import { getMetadataStorage, ValidationTypes, type ValidationArguments } from 'class-validator';

/**
 * The accepting half of class-validator + class-transformer, planned once per DTO class from the same
 * decorators: for a body whose values are all primitives, it builds the instance class-transformer would
 * build and runs every rule's own `validate` (class-validator's constraint instances, so the rules are
 * exactly the decorators'), without the generic machinery around them (error objects per property, rule
 * grouping, promises): that machinery was ~10 % of the CPU of a POST /api/vitals.
 *
 * It only ever accepts: when any rule fails, or a value is not a primitive, or a rule answers
 * asynchronously, the caller runs the full pipe, so every 422 body is class-validator's. Classes with
 * anything it does not reproduce (nested or promise validation, groups, class-transformer decorators on a
 * validated property, async rules) get no plan. A differential test runs both on every DTO of the app.
 */

interface TransformerStorage {
  findTransformMetadatas(target: Function, property: string, type: TransformationType): unknown[];
  findTypeMetadata(target: Function, property: string): unknown;
  findExposeMetadata(target: Function, property: string): unknown;
  findExcludeMetadata(target: Function, property: string): unknown;
  getStrategy(target: Function): string;
}
// class-transformer's own storage (public methods only; its package has no export map).
const transformerStorage = (
  createRequire(import.meta.url)('class-transformer/cjs/storage.js') as {
    defaultMetadataStorage: TransformerStorage;
  }
).defaultMetadataStorage;

type Rule = ReturnType<ReturnType<typeof getMetadataStorage>['getTargetValidationMetadatas']>[number];
interface Check {
  rule: Rule;
  validate: (value: unknown, args: ValidationArguments) => unknown;
}
interface PropertyPlan {
  name: string;
  /** IsOptional / ValidateIf: the property is validated only when every condition holds. */
  conditions: ((object: object, value: unknown) => boolean)[];
  /** IsDefined, then the other rules, each with the instance class-validator calls. */
  checks: Check[];
}
export type AcceptPlan = (plain: Record<string, unknown>) => object | null;

const SUPPORTED = new Set<string>([
  ValidationTypes.CUSTOM_VALIDATION,
  ValidationTypes.CONDITIONAL_VALIDATION,
  ValidationTypes.IS_DEFINED,
  ValidationTypes.WHITELIST,
]);

const isPrimitive = (v: unknown): boolean =>
  v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

const isThenable = (v: unknown): boolean =>
  typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';

/** The plan of one DTO class, or null when it has something the plan does not reproduce. */
export function planAccept(cls: new () => object): AcceptPlan | null {
  const storage = getMetadataStorage();
  // The arguments class-validator's executor passes with the pipe's options (no groups, not `always`).
  const rules = storage.getTargetValidationMetadatas(cls, '', false, false, undefined);
  if (!rules.length || transformerStorage.getStrategy(cls) !== 'none') return null;
  const byName = new Map<string, Rule[]>();
  for (const r of rules) {
    if (!SUPPORTED.has(r.type) || r.groups?.length || r.always) return null;
    const list = byName.get(r.propertyName) ?? [];
    list.push(r);
    byName.set(r.propertyName, list);
  }
  const props: PropertyPlan[] = [];
  for (const [name, list] of byName) {
    if (
      transformerStorage.findTransformMetadatas(cls, name, TransformationType.PLAIN_TO_CLASS).length ||
      transformerStorage.findTypeMetadata(cls, name) ||
      transformerStorage.findExposeMetadata(cls, name) ||
      transformerStorage.findExcludeMetadata(cls, name)
    )
      return null;
    const conditions: PropertyPlan['conditions'] = [];
    const defined: Check[] = [];
    const custom: Check[] = [];
    for (const rule of list) {
      if (rule.type === ValidationTypes.CONDITIONAL_VALIDATION) {
        conditions.push(rule.constraints[0] as PropertyPlan['conditions'][number]);
        continue;
      }
      if (rule.type === ValidationTypes.WHITELIST) continue;
      for (const c of storage.getTargetValidatorConstraints(rule.constraintCls)) {
        if (c.async) return null;
        const instance = c.instance as { validate: Check['validate'] };
        const check = { rule, validate: instance.validate.bind(instance) };
        (rule.type === ValidationTypes.IS_DEFINED ? defined : custom).push(check);
      }
    }
    // class-validator: conditions, then IsDefined, then the other rules of the property.
    props.push({ name, conditions, checks: [...defined, ...custom] });
  }
  const known = new Set(byName.keys());
  const proto = cls.prototype as object;

  return (plain) => {
    for (const key in plain) {
      if (!known.has(key) || !isPrimitive(plain[key])) return null;
      // class-transformer skips what the class defines as a method or a getter without a setter.
      const d = Object.getOwnPropertyDescriptor(proto, key);
      if (d && (typeof d.value === 'function' || (d.get && !d.set))) return null;
    }
    const entity = new cls() as Record<string, unknown>;
    for (const key in plain) entity[key] = plain[key];
    // whitelist: what the class itself sets without a rule is stripped, as class-validator does.
    for (const key of Object.keys(entity)) if (!known.has(key)) delete entity[key];
    for (const p of props) {
      const value = entity[p.name];
      if (p.conditions.some((c) => !c(entity, value))) continue;
      for (const { rule, validate } of p.checks) {
        if (rule.validateIf && !rule.validateIf(entity, value)) continue;
        const args: ValidationArguments = {
          targetName: cls.name,
          property: rule.propertyName,
          object: entity,
          value,
          constraints: rule.constraints,
        };
        const ok = validate(value, args);
        if (isThenable(ok) || !ok) return null;
      }
    }
    return entity;
  };
}
