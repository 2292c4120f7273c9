import 'reflect-metadata';
import { getMetadataStorage } from 'class-validator';
import { describe, expect, it } from 'vitest';
// Every DTO class of the application registers its rules when the modules load.
import '../../../src/app.module.js';
import { planAccept } from '../../../src/common/compiled-validation.js';
import { AppValidationPipe } from '../../../src/common/validation.pipe.js';
import { VitalsCreateDto } from '../../../src/health-data/vitals/vitals.dto.js';

type Outcome = { ok: true; value: unknown } | { ok: false; status: unknown; body: unknown };

async function outcome(
  pipe: AppValidationPipe,
  cls: Function,
  body: unknown,
  type: 'body' | 'query' = 'body',
): Promise<Outcome> {
  try {
    const value = await pipe.transform(structuredClone(body), { type, metatype: cls as never });
    return { ok: true, value };
  } catch (e) {
    const err = e as {
      getStatus?: () => number;
      status?: number;
      getResponse?: () => unknown;
      message: string;
    };
    return { ok: false, status: err.getStatus?.() ?? err.status, body: err.getResponse?.() ?? err.message };
  }
}

/** A seeded generator, so a failure reproduces. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BASE: unknown[] = [
  null,
  true,
  false,
  0,
  1,
  -1,
  0.5,
  7,
  30,
  72,
  100,
  120.5,
  1e308,
  -1e308,
  '',
  ' ',
  'a',
  'x'.repeat(300),
  '72',
  'true',
  '2026-03-01T08:00:00Z',
  '2026-03-01T08:00:00+05:30',
  '2026-03-01',
  '08:30',
  '2026-13-01',
  'yesterday',
  'Asia/Kolkata',
  'a@b.example',
  '+919876543210',
  'lunch',
  'daily',
  [],
  {},
  [1],
  { a: 1 },
];

/** Values near what the rules of a property name: each constraint number ±, each listed string. */
function derived(rules: { constraints?: unknown[] }[]): unknown[] {
  const out: unknown[] = [];
  const add = (c: unknown): void => {
    if (typeof c === 'number' && Number.isFinite(c)) out.push(c, c - 1, c + 1, c - 0.5, c + 0.5, c + 0.01);
    else if (typeof c === 'string') out.push(c, c.toUpperCase(), `${c} `);
    else if (Array.isArray(c)) c.forEach(add);
    else if (c && typeof c === 'object') Object.values(c).forEach(add);
  };
  for (const r of rules) (r.constraints ?? []).forEach(add);
  return out;
}

describe('compiled acceptance of request bodies (differential against class-validator)', () => {
  const storage = getMetadataStorage() as unknown as { validationMetadatas: Map<unknown, unknown> };
  const classes = [...storage.validationMetadatas.keys()].filter(
    (k): k is new () => object => typeof k === 'function',
  );

  it('accepts a usual vitals body itself, as the same instance the full pipe gives', async () => {
    const body = {
      blood_pressure_systolic: 128,
      blood_pressure_diastolic: 82,
      heart_rate: 72,
      fasting: true,
    };
    const accepted = planAccept(VitalsCreateDto)!(body);
    expect(accepted).toBeInstanceOf(VitalsCreateDto);
    const full = await outcome(new AppValidationPipe({ compiled: false }), VitalsCreateDto, body);
    expect(full).toStrictEqual({ ok: true, value: accepted });
    // A rule across fields (systolic above diastolic) is the decorator's: the plan declines, the pipe says why.
    expect(planAccept(VitalsCreateDto)!({ ...body, blood_pressure_systolic: 80 })).toBeNull();
  });

  it('gives exactly the full pipe’s answer for random bodies of every DTO class of the app', async () => {
    const fast = new AppValidationPipe();
    const full = new AppValidationPipe({ compiled: false });
    const random = rng(20261202);
    let planned = 0;
    let acceptedByPlan = 0;
    let compared = 0;
    for (const cls of classes) {
      const plan = planAccept(cls);
      if (plan) planned++;
      const rules = getMetadataStorage().getTargetValidationMetadatas(cls, '', false, false, undefined);
      const names = [...new Set(rules.map((r) => r.propertyName))];
      const pools = new Map(names.map((n) => [n, derived(rules.filter((r) => r.propertyName === n))]));
      for (let i = 0; i < 150; i++) {
        const body: Record<string, unknown> = {};
        for (const n of names) {
          if (random() < 0.35) continue;
          const own = pools.get(n)!;
          const pool = own.length && random() < 0.6 ? own : BASE;
          body[n] = pool[Math.floor(random() * pool.length)];
        }
        if (random() < 0.1) body.unknown_field = 'dropped';
        if (plan?.(structuredClone(body))) acceptedByPlan++;
        const a = await outcome(fast, cls, body);
        const b = await outcome(full, cls, body);
        expect({ cls: cls.name, body, ...a }).toStrictEqual({ cls: cls.name, body, ...b });
        compared++;
      }
    }
    // The comparison is worth something only if the plans were used: most classes have one, and many bodies passed.
    expect(compared).toBeGreaterThan(1000);
    expect(planned).toBeGreaterThan(classes.length / 3);
    expect(acceptedByPlan).toBeGreaterThan(300);
  });

  it('answers an empty query string as the full pipe does, the first time and every later time', async () => {
    const fast = new AppValidationPipe();
    const full = new AppValidationPipe({ compiled: false });
    let accepted = 0;
    for (const cls of classes) {
      // The fast pipe's first empty query of a class runs the full pipe and remembers; later ones take the shortcut.
      for (let i = 0; i < 3; i++) {
        const got = await outcome(fast, cls, {}, 'query');
        const expected = await outcome(full, cls, {}, 'query');
        expect({ cls: cls.name, i, ...got }).toStrictEqual({ cls: cls.name, i, ...expected });
        if (i === 0 && expected.ok) accepted++;
        // A fresh instance each time: a handler may change what it is given.
        if (got.ok && expected.ok) expect(got.value).not.toBe(expected.value);
      }
    }
    // Both kinds occur among the app's DTO classes (all-optional query DTOs, and classes with a required field).
    expect(accepted).toBeGreaterThan(5);
    expect(accepted).toBeLessThan(classes.length);
  });
});
