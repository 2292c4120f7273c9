import { describe, expect, it } from 'vitest';
import { compileSerializer, serializerSchema } from '../../src/common/response-serializers.js';

const components = {
  Reading: {
    type: 'object',
    required: ['id', 'value', 'at'],
    properties: {
      id: { type: 'string', pattern: '^[0-9a-f]{12}$' },
      value: { type: 'number', nullable: true },
      count: { type: 'integer' },
      fasting: { type: 'boolean', nullable: true },
      at: { type: 'string', format: 'date-time' },
      day: { type: 'string', format: 'date' },
      tags: { type: 'array', items: { type: 'string' } },
      links: { $ref: '#/components/schemas/Links' },
      either: { oneOf: [{ type: 'string' }, { type: 'number' }] },
      self: { $ref: '#/components/schemas/Reading' },
    },
  },
  Links: { type: 'object', properties: { related_to: { type: 'array', items: { type: 'string' } } } },
};
const list = compileSerializer(
  serializerSchema({ type: 'array', items: { $ref: '#/components/schemas/Reading' } }, components),
);

/** Same JSON text as JSON.stringify, up to the order of keys. */
const sameAsJson = (value: unknown): void => {
  const text = list(value);
  expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
  expect(text.length).toBe(JSON.stringify(value).length);
};

describe('response serializers derived from the OpenAPI document', () => {
  it('serialises a documented list exactly like JSON.stringify (same text when the keys are in document order)', () => {
    const rows = [
      {
        id: 'f2ea5ecd24e3',
        value: 36.6,
        count: 2,
        fasting: true,
        at: '2026-03-01T08:30:00.000+05:30',
        tags: ['a'],
      },
      {
        id: 'a2ea5ecd24e3',
        value: null,
        count: 0,
        fasting: null,
        at: '2026-03-01T08:30:00.000+05:30',
        tags: [],
      },
    ];
    expect(list(rows)).toBe(JSON.stringify(rows));
  });

  it('never drops or coerces a value: other types, nulls, extra keys, NaN, odd strings and dates', () => {
    sameAsJson([{ id: 5, value: 'abc', count: 1.5, fasting: 'yes', at: null, extra: { deep: [1, 'x'] } }]);
    sameAsJson([{ id: null, day: new Date(Date.UTC(2026, 2, 1, 8)), at: new Date(0), value: NaN }]);
    sameAsJson([{ id: 'quote " slash \\ nl \n ls \u2028 lone \ud800 emoji 🙂', tags: [1, null, { a: 1 }] }]);
    sameAsJson([
      { links: { related_to: ['x'], extends: ['y'] }, either: 3, self: { self: { id: 'x', n: 1 } } },
    ]);
    sameAsJson([{ id: 'x', value: undefined, gone: undefined, fn: () => 1 }]);
    sameAsJson([{ id: 'x', value: Infinity, count: -0 }, null, 'not an object', 7]);
    sameAsJson({ not: 'a list' });
    sameAsJson(null);
  });

  it('leaves undocumented shapes to JSON.stringify (no schema, free-form objects)', () => {
    expect(serializerSchema(undefined, components)).toEqual({});
    expect(serializerSchema({ type: 'object' }, components)).toEqual({});
    expect(serializerSchema({ anyOf: [{ type: 'string' }] }, components)).toEqual({});
    expect(serializerSchema({ $ref: '#/components/schemas/Missing' }, components)).toEqual({});
  });
});
