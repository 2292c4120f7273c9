import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Walks the committed openapi.json (the drift test ties it to the app) and refuses the constructs client
 * generators misread: see docs/api-clients.md. scripts/check-clients.sh runs the generators themselves.
 */
type Schema = Record<string, unknown>;
type Operation = Schema & {
  operationId?: string;
  description?: string;
  security?: unknown[];
  tags?: string[];
  parameters?: { name: string; in: string }[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, { content?: Record<string, { schema?: Schema; example?: unknown }> }>;
};
const doc = JSON.parse(readFileSync(resolve('openapi.json'), 'utf8')) as {
  servers?: { url: string }[];
  tags?: { name: string; description?: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
};
const schemas = doc.components.schemas;
const ops = Object.entries(doc.paths).flatMap(([path, item]) =>
  Object.entries(item).map(([method, op]) => ({ where: `${method.toUpperCase()} ${path}`, op })),
);

/** Every schema of the document with where it is and the name of the property it describes. */
function allSchemas(): { where: string; name: string; s: Schema }[] {
  const out: { where: string; name: string; s: Schema }[] = [];
  const walk = (s: unknown, where: string, name: string): void => {
    if (!s || typeof s !== 'object') return;
    if (Array.isArray(s)) return s.forEach((x, i) => walk(x, `${where}/${i}`, name));
    const schema = s as Schema;
    out.push({ where, name, s: schema });
    for (const [k, v] of Object.entries((schema.properties as Schema) ?? {})) walk(v, `${where}/${k}`, k);
    for (const k of ['items', 'allOf', 'oneOf', 'anyOf', 'additionalProperties'])
      walk(schema[k], `${where}/${k}`, name);
  };
  for (const [n, s] of Object.entries(schemas)) walk(s, n, '');
  for (const { where, op } of ops) {
    for (const p of op.parameters ?? [])
      walk((p as { schema?: Schema }).schema, `${where} ${p.name}`, p.name);
    for (const [status, r] of Object.entries({ body: op.requestBody, ...op.responses })) {
      for (const m of Object.values(r?.content ?? {})) walk(m.schema, `${where} ${status}`, '');
    }
  }
  return out;
}

const resolveRef = (s?: Schema): Schema | undefined =>
  typeof s?.$ref === 'string' ? schemas[s.$ref.replace('#/components/schemas/', '')] : s;

describe('openapi.json for client generators', () => {
  const every = allSchemas();

  it('nullable only beside a type, and a nullable enum lists null', () => {
    const bad = every.filter(
      ({ s }) =>
        (s.nullable && !s.type) ||
        (s.nullable && Array.isArray(s.enum) && !(s.enum as unknown[]).includes(null)),
    );
    expect(bad.map((b) => b.where)).toEqual([]);
  });

  it('one concrete type per property: no oneOf / anyOf, no untyped object', () => {
    const untyped = (s: Schema) =>
      (s.type === 'object' || s.type === undefined) &&
      !s.properties &&
      !s.additionalProperties &&
      !s.$ref &&
      !s.allOf &&
      !s.enum;
    const bad = every.filter(({ s }) => s.oneOf || s.anyOf || untyped(s));
    expect(bad.map((b) => b.where)).toEqual([]);
  });

  it('no default in request bodies (openapi-typescript would make those fields required)', () => {
    const bodies = ops.flatMap(({ op }) => Object.values(op.requestBody?.content ?? {}).map((m) => m.schema));
    const names = new Set<string>();
    const visit = (s: unknown): void => {
      JSON.stringify(s, (_k, v: unknown) => {
        const ref = (v as Schema | null)?.$ref;
        if (typeof ref === 'string' && !names.has(ref)) {
          names.add(ref);
          visit(resolveRef({ $ref: ref }));
        }
        return v;
      });
    };
    bodies.forEach(visit);
    const withDefault = [...names, ...bodies].filter((s) =>
      JSON.stringify(typeof s === 'string' ? resolveRef({ $ref: s }) : s).includes('"default"'),
    );
    expect(withDefault).toEqual([]);
  });

  it('timestamps are date-time, counts integers, loc entries strings', () => {
    // A patterned input accepts local times without an offset; it keeps its pattern instead of a format.
    const stamps = every.filter(({ name, s }) => /_at$/.test(name) && s.type === 'string' && !s.pattern);
    expect(stamps.length).toBeGreaterThan(40);
    expect(stamps.filter(({ s }) => s.format !== 'date-time').map((b) => b.where)).toEqual([]);
    const counts = every.filter(({ name }) =>
      /^(total_items|failed_items|heart_rate|duration_minutes|count)$/.test(name),
    );
    expect(counts.length).toBeGreaterThan(5);
    expect(counts.filter(({ s }) => s.type !== 'integer').map((b) => b.where)).toEqual([]);
    expect(schemas.ValidationIssueDto.properties).toMatchObject({
      loc: { type: 'array', items: { type: 'string' } },
    });
    expect(schemas.BatchItemResultDto.properties).toMatchObject({
      error: { type: 'string', nullable: true },
      issues: { type: 'array', items: { $ref: '#/components/schemas/ValidationIssueDto' } },
    });
  });

  it('servers, security, tags and descriptions are declared for every operation', () => {
    expect(doc.servers).toEqual([expect.objectContaining({ url: '/' })]);
    const declared = new Map((doc.tags ?? []).map((t) => [t.name, t.description]));
    for (const { where, op } of ops) {
      expect(Array.isArray(op.security), where).toBe(true);
      expect(op.description ?? '', where).toMatch(/\S.{8,}/);
      for (const tag of op.tags ?? []) expect(declared.get(tag), `${where} tag ${tag}`).toBeTruthy();
    }
    const ids = ops.map(({ op }) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('each error response shows an example of its own status; a 422 points at a field of its operation', () => {
    const codes: Record<string, string> = {
      '401': 'INVALID_TOKEN',
      '404': 'NOT_FOUND',
      '429': 'RATE_LIMITED',
    };
    let checked = 0;
    for (const { where, op } of ops) {
      for (const [status, res] of Object.entries(op.responses ?? {})) {
        const example = res.content?.['application/json']?.example as
          { code: string; detail: { loc: string[] }[] } | undefined;
        if (Number(status) < 400 || !res.content?.['application/json']) continue;
        expect(example, `${where} ${status}`).toBeDefined();
        if (codes[status]) expect(example?.code, `${where} ${status}`).toBe(codes[status]);
        if (status !== '422') continue;
        checked++;
        const [where0, ...path] = example!.detail[0].loc;
        const body = resolveRef(op.requestBody?.content?.['application/json']?.schema);
        const item = body?.type === 'array' ? resolveRef(body.items as Schema) : body;
        const field = path[path.length - 1];
        const known =
          where0 === 'body'
            ? field === undefined || field in ((item?.properties as Schema) ?? {})
            : (op.parameters ?? []).some((p) => p.in === where0 && p.name === field);
        expect(known, `${where} 422 ${example!.detail[0].loc.join('.')}`).toBe(true);
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('legacy duplicates are deprecated', () => {
    const legacy = ops.filter(({ where }) => /^(GET|POST) \/api\/health\/(food\/logs?|vitals)$/.test(where));
    expect(legacy.length).toBe(4);
    for (const { op } of legacy) expect(op.deprecated).toBe(true);
  });
});
