import { Ajv } from 'ajv';
import type { TestApp } from './app.js';

/**
 * The app's own OpenAPI document (GET /docs-json) as test data: the operations to walk (auth matrix, size
 * limits, fuzz regressions) and a validator of response bodies against the documented schemas — so these
 * suites follow the routes as they are added instead of listing them by hand.
 */

type Schema = Record<string, unknown>;

export interface OpenApiDoc {
  openapi: string;
  paths: Record<string, Record<string, OperationObject>>;
  components?: { schemas?: Record<string, Schema> };
}

export interface OperationObject {
  operationId?: string;
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string; required?: boolean; schema?: Schema; example?: unknown }[];
  requestBody?: { content: Record<string, { schema?: Schema; example?: unknown }>; required?: boolean };
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
}

export interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI path template, e.g. `/api/vitals/{vitals_id}`. */
  path: string;
  op: OperationObject;
  /** Needs a bearer token (declares a security requirement). */
  secured: boolean;
  /** Names of the `{…}` path parameters. */
  pathParams: string[];
  /** `application/json`, `multipart/form-data` or null when the operation takes no body. */
  bodyType: string | null;
  /** `METHOD /path`. */
  label: string;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

export async function fetchOpenApi(t: TestApp): Promise<OpenApiDoc> {
  const res = await t.http.get('/docs-json');
  if (res.status !== 200) throw new Error(`GET /docs-json answered ${res.status}`);
  return res.body as OpenApiDoc;
}

/** Every operation of the document, in document order. */
export function operations(doc: OpenApiDoc): Operation[] {
  const out: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const content = op.requestBody?.content ?? {};
      const bodyType = content['application/json']
        ? 'application/json'
        : content['multipart/form-data']
          ? 'multipart/form-data'
          : (Object.keys(content)[0] ?? null);
      out.push({
        method,
        path,
        op,
        secured: Boolean(op.security?.length),
        pathParams: [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]),
        bodyType,
        label: `${method.toUpperCase()} ${path}`,
      });
    }
  }
  return out;
}

/** Fills a path template: `/api/vitals/{vitals_id}` with `{ vitals_id: 'abc' }` (or one value for all). */
export function fillPath(path: string, values: Record<string, string> | string): string {
  return path.replace(/\{([^}]+)\}/g, (_, name: string) =>
    encodeURIComponent(typeof values === 'string' ? values : (values[name] ?? 'missing')),
  );
}

/** Resolves a local `$ref` of the document. */
export function resolveRef(doc: OpenApiDoc, schema: Schema | undefined): Schema | undefined {
  let s = schema;
  for (let i = 0; s && typeof s.$ref === 'string' && i < 10; i++) {
    const name = (s.$ref as string).replace('#/components/schemas/', '');
    s = doc.components?.schemas?.[name];
  }
  return s;
}

/** OpenAPI 3.0's `nullable: true` as JSON Schema (`anyOf` with null), as Schemathesis reads it. */
function openApiToJsonSchema(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(openApiToJsonSchema);
  if (!value || typeof value !== 'object') return value;
  const out: Schema = {};
  for (const [k, v] of Object.entries(value)) if (k !== 'nullable') out[k] = openApiToJsonSchema(v);
  return (value as Schema).nullable === true ? { anyOf: [out, { type: 'null' }] } : out;
}

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
const compiled = new WeakMap<OpenApiDoc, Map<string, ReturnType<Ajv['compile']>>>();

/**
 * Checks a response against the document: its status must be documented for the operation and its JSON body
 * must match the documented schema. Returns the problems (empty when it conforms).
 */
export function conformance(
  doc: OpenApiDoc,
  method: string,
  path: string,
  status: number,
  body: unknown,
): string[] {
  const op = doc.paths[path]?.[method.toLowerCase()];
  if (!op) return [`${method} ${path} is not documented`];
  const res = op.responses[String(status)] ?? op.responses.default;
  if (!res) return [`${method} ${path}: status ${status} is not documented (${Object.keys(op.responses)})`];
  const schema = res.content?.['application/json']?.schema;
  if (!schema) return [];
  let byKey = compiled.get(doc);
  if (!byKey) compiled.set(doc, (byKey = new Map()));
  const key = `${method} ${path} ${status}`;
  let validate = byKey.get(key);
  if (!validate) {
    validate = ajv.compile(openApiToJsonSchema({ ...schema, components: doc.components }) as Schema);
    byKey.set(key, validate);
  }
  return validate(body)
    ? []
    : (validate.errors ?? []).map((e) => `${key}: ${e.instancePath || '/'} ${e.message} (${e.schemaPath})`);
}

/**
 * A request body built from the documented schema: every property's `example` (or `default`), plus a value of
 * the right type for each required property that has none. Arrays (batch routes) get one such item.
 */
export function exampleOf(doc: OpenApiDoc, schema: Schema | undefined, depth = 0): unknown {
  const s = resolveRef(doc, schema);
  if (!s || depth > 6) return undefined;
  if (s.example !== undefined) return s.example;
  if (s.default !== undefined) return s.default;
  if (Array.isArray(s.enum) && s.enum.length) return s.enum[0];
  for (const k of ['allOf', 'oneOf', 'anyOf'] as const) {
    const list = s[k] as Schema[] | undefined;
    if (list?.length) return exampleOf(doc, list[0], depth + 1);
  }
  switch (s.type) {
    case 'array':
      return [exampleOf(doc, s.items as Schema, depth + 1)].filter((v) => v !== undefined);
    case 'integer':
    case 'number':
      return typeof s.minimum === 'number' ? s.minimum : 1;
    case 'boolean':
      return true;
    case 'string':
      return s.format === 'date-time' ? new Date().toISOString() : 'example';
  }
  const props = s.properties as Record<string, Schema> | undefined;
  if (props || s.type === 'object') {
    const out: Record<string, unknown> = {};
    const required = new Set((s.required as string[] | undefined) ?? []);
    for (const [name, p] of Object.entries(props ?? {})) {
      const r = resolveRef(doc, p);
      if (!required.has(name) && r?.example === undefined) continue;
      const v = exampleOf(doc, p, depth + 1);
      if (v !== undefined) out[name] = v;
    }
    return out;
  }
  return undefined;
}

/** The JSON request body of an operation, from its schema's examples (undefined when it takes none). */
export function exampleBody(doc: OpenApiDoc, o: Operation): unknown {
  const content = o.op.requestBody?.content['application/json'];
  if (!content) return undefined;
  return content.example ?? exampleOf(doc, content.schema);
}
