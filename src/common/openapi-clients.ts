/**
 * Last pass over the OpenAPI document so that client generators (openapi-typescript, openapi-generator's Python
 * and Dart clients) and linters (Redocly, Spectral) read it as the API behaves. Each step fixes a construct that
 * the Swagger plugin produces and that generators misread; docs/api-clients.md lists them and the checks.
 */

type Schema = Record<string, unknown> & {
  type?: string;
  format?: string;
  enum?: unknown[];
  nullable?: boolean;
  default?: unknown;
  description?: string;
  example?: unknown;
  $ref?: string;
  allOf?: Schema[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
};
type Parameter = { name: string; in: string; required?: boolean; schema?: Schema };
type Response = { description?: string; content?: Record<string, { schema?: Schema; example?: unknown }> };
type Operation = {
  operationId?: string;
  summary?: string;
  description?: string;
  tags?: string[];
  security?: unknown[];
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, Response>;
};
type Doc = {
  info?: { description?: string };
  servers?: { url: string; description?: string }[];
  tags?: { name: string; description: string }[];
  paths?: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
};

const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options']);

/** What each tag groups, for the tag list generators and Swagger UI show. */
export const TAG_DESCRIPTIONS: Record<string, string> = {
  auth: 'Accounts and sessions: register, log in, refresh and revoke tokens, export or erase your data, access log.',
  profile: 'Your profile: name, time zone, health background.',
  vitals: 'Blood pressure, heart rate, blood sugar, temperature, SpO2, weight readings.',
  tracking: 'Water, exercise and sleep logs and their summaries.',
  food: 'Meals and their nutrients.',
  medication: 'Medications, their schedules, the doses taken, adherence.',
  meditation: 'The meditation catalogue and your sessions.',
  appointments: 'Doctor visits and check-ups (reminded ahead of time).',
  alarms: 'Reminders at a time of day on chosen days.',
  notifications: 'What reminders and the care circle sent you; read, snooze, act.',
  emergency: 'Emergency contacts and alerts.',
  'care-circle':
    'Family members who follow your health (invitations, grants) and what you can see of theirs.',
  chat: 'The health assistant: messages in, replies and created records out (never blocked on an emergency).',
  voice: 'Speech in and out for the assistant.',
  health:
    'Insights and recommendations from your records; the food and vitals routes here are deprecated duplicates.',
  ops: 'Service status: liveness, readiness, version (public).',
};

/** Integer-valued numbers: counts, minutes, mmHg, bpm, percentages computed as whole numbers, indexes. */
const INTEGER_NAMES = new Set([
  'expires_in',
  'count',
  'total_count',
  'index',
  'status',
  'blood_pressure_systolic',
  'blood_pressure_diastolic',
  'heart_rate',
  'window_days',
  'data_points',
  'data_points_analyzed',
  'duration_minutes',
  'reminder_minutes_before',
  'scheduled',
  'taken',
  'late',
  'missed',
  'pending',
  'upcoming',
  'total_items',
  'successful_items',
  'failed_items',
  'primary_contacts',
  'updated',
  'character_count',
  'version',
]);

/** Realistic values for measurements that declare no example (Swagger UI would show 0). */
const EXAMPLES: Record<string, number> = {
  height_cm: 162,
  weight_kg: 68.5,
  calories: 420,
  protein_g: 18,
  carbs_g: 55,
  fat_g: 12,
  blood_pressure_systolic: 128,
  blood_pressure_diastolic: 84,
  heart_rate: 72,
  blood_sugar: 110,
  temperature: 36.8,
  spo2: 97,
  confidence: 0.8,
  data_points_analyzed: 42,
  amount_ml: 250,
  duration_minutes: 30,
  calories_burned: 150,
  reminder_minutes_before: 60,
  latitude: 12.9716,
  longitude: 77.5946,
  total_count: 12,
  character_count: 48,
};

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const isDateTimeName = (name: string): boolean => /(_at|_until)$/.test(name) || name === 'scheduled_time';
const isDateName = (name: string): boolean => /^date(_from|_to)?$/.test(name);

/** Applies `fix(schema, propertyName)` to every schema reachable from `s`, depth first. */
function eachSchema(s: unknown, fix: (schema: Schema, name: string) => void, name = ''): void {
  if (!s || typeof s !== 'object') return;
  if (Array.isArray(s)) {
    for (const x of s) eachSchema(x, fix, name);
    return;
  }
  const schema = s as Schema;
  fix(schema, name);
  for (const [k, v] of Object.entries(schema.properties ?? {})) eachSchema(v, fix, k);
  for (const k of ['items', 'allOf', 'oneOf', 'anyOf', 'additionalProperties', 'not'] as const) {
    eachSchema(schema[k], fix, name);
  }
}

const refName = (ref: string): string => ref.replace('#/components/schemas/', '');

/** Names of the component schemas reachable from `roots` through $ref. */
function reachable(doc: Doc, roots: unknown[]): Set<string> {
  const seen = new Set<string>();
  const visit = (s: unknown): void =>
    eachSchema(s, (x) => {
      if (typeof x.$ref !== 'string' || seen.has(refName(x.$ref))) return;
      seen.add(refName(x.$ref));
      visit(doc.components?.schemas?.[refName(x.$ref)]);
    });
  for (const r of roots) visit(r);
  return seen;
}

function* operations(doc: Doc): Generator<[string, string, Operation]> {
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(item)) {
      if (METHODS.has(method) && op && typeof op === 'object') yield [path, method, op];
    }
  }
}

/**
 * Request bodies carry no `default`: openapi-typescript (default options) makes a property with a default
 * required, so an optional field would become mandatory for TypeScript clients. The default goes into the
 * description instead; the server applies it.
 */
function moveRequestDefaults(doc: Doc): void {
  const bodies = [...operations(doc)].flatMap(([, , op]) =>
    Object.values(op.requestBody?.content ?? {}).map((m) => m.schema),
  );
  const names = reachable(doc, bodies);
  const strip = (s: Schema): void => {
    for (const p of Object.values(s.properties ?? {})) {
      if (!('default' in p)) continue;
      const said = `Defaults to \`${JSON.stringify(p.default)}\`.`;
      p.description = p.description ? `${p.description.replace(/\.?$/, '.')} ${said}` : said;
      delete p.default;
    }
  };
  for (const n of names) strip(doc.components?.schemas?.[n] ?? {});
  for (const b of bodies) eachSchema(b, strip);
}

/**
 * OpenAPI 3.0 ignores `nullable` beside `$ref`/`allOf`, and a nullable enum must list null: a `{nullable, allOf:
 * [$ref]}` property becomes a plain $ref to a component that is itself nullable (every use of these components
 * is nullable), and null joins every nullable enum.
 */
function fixNullables(doc: Doc): void {
  const schemas = doc.components?.schemas ?? {};
  eachSchema(Object.values(schemas), (s) => {
    const only = s.allOf?.length === 1 ? s.allOf[0] : undefined;
    if (s.nullable && only?.$ref) {
      const target = schemas[refName(only.$ref)];
      if (target) target.nullable = true;
      for (const k of Object.keys(s)) if (!['description', 'example'].includes(k)) delete s[k];
      if (s.description || s.example !== undefined) s.allOf = [{ $ref: only.$ref }];
      else s.$ref = only.$ref;
    }
  });
  const all = [...Object.values(schemas), ...[...operations(doc)].map(([, , op]) => op)];
  eachSchema(all, (s) => {
    if (s.nullable && Array.isArray(s.enum) && !s.enum.includes(null)) s.enum = [...s.enum, null];
  });
}

/** Formats, integer types and examples by the field's meaning, where the plugin only saw `string` / `number`. */
function fixTypes(doc: Doc): void {
  const fix = (s: Schema, name: string): void => {
    if (s.type === 'number' && INTEGER_NAMES.has(name)) s.type = 'integer';
    if ((s.type === 'number' || s.type === 'integer') && s.example === undefined && name in EXAMPLES) {
      s.example = EXAMPLES[name];
    }
    // A field with a pattern is an input that accepts more than RFC 3339 (a local time without offset, read
    // in the user's zone): `date-time` would make generated clients refuse or rewrite those values.
    if (s.type === 'string' && !s.format && !s.enum && !s.pattern) {
      const ex = typeof s.example === 'string' ? s.example : undefined;
      if (isDateTimeName(name) || (ex && DATE_TIME.test(ex))) s.format = 'date-time';
      else if (isDateName(name) || (ex && DATE_ONLY.test(ex))) s.format = 'date';
    }
  };
  eachSchema(Object.values(doc.components?.schemas ?? {}), fix);
  for (const [, , op] of operations(doc)) {
    for (const p of op.parameters ?? []) if (p.schema) eachSchema(p.schema, fix, p.name);
    for (const r of [op.requestBody, ...Object.values(op.responses ?? {})]) {
      for (const media of Object.values(r?.content ?? {})) eachSchema(media.schema, fix);
    }
  }
}

const ERROR_EXAMPLES: Record<number, { detail: string; code: string }> = {
  400: { detail: 'Malformed JSON body', code: 'MALFORMED_JSON' },
  401: { detail: 'Invalid token', code: 'INVALID_TOKEN' },
  403: { detail: 'Forbidden', code: 'FORBIDDEN' },
  404: { detail: 'Not found', code: 'NOT_FOUND' },
  409: { detail: 'Conflict with the current state', code: 'CONFLICT' },
  413: { detail: 'Request body is too large', code: 'PAYLOAD_TOO_LARGE' },
  415: { detail: 'Unsupported content type', code: 'UNSUPPORTED_MEDIA_TYPE' },
  429: { detail: 'Too many requests, please slow down', code: 'RATE_LIMITED' },
  502: { detail: 'The speech service failed', code: 'UPSTREAM_FAILED' },
  503: { detail: 'Service unavailable', code: 'SERVICE_UNAVAILABLE' },
};

type Issue = { loc: string[]; msg: string; type: string };

/** A 422 issue about a field of this operation: a missing required body field, else a bad value of any field. */
function issueOf(doc: Doc, op: Operation): Issue {
  const resolve = (s?: Schema): Schema | undefined =>
    s?.$ref ? doc.components?.schemas?.[refName(s.$ref)] : s;
  const body = resolve(op.requestBody?.content?.['application/json']?.schema);
  // Batch bodies are arrays: the issue is in an item ("0" is the first).
  const item = body?.type === 'array' ? resolve(body.items) : body;
  const at = (field: string): string[] => (body === item ? ['body', field] : ['body', '0', field]);
  const required = item?.required?.[0];
  if (required) return { loc: at(required), msg: 'Field required', type: 'missing' };
  const bad = { msg: 'Input should be a valid value', type: 'value_error' };
  const field = Object.keys(item?.properties ?? {})[0];
  if (field) return { loc: at(field), ...bad };
  const param = op.parameters?.find((p) => p.in === 'query') ?? op.parameters?.[0];
  return { loc: param ? [param.in, param.name] : ['body'], ...bad };
}

/** Each error response shows an example of its own status (Swagger UI otherwise shows the schema's one). */
function errorExamples(doc: Doc): void {
  for (const [, , op] of operations(doc)) {
    for (const [status, res] of Object.entries(op.responses ?? {})) {
      const media = res.content?.['application/json'];
      if (!media || media.example !== undefined || Number(status) < 400) continue;
      if (status === '422') {
        media.example = {
          detail: [issueOf(doc, op)],
          code: 'VALIDATION_FAILED',
        };
      } else {
        const ex = ERROR_EXAMPLES[Number(status)];
        // A 409 is specific to its route: its description says which conflict.
        if (ex) media.example = status === '409' && res.description ? { ...ex, detail: res.description } : ex;
      }
    }
  }
}

/**
 * Servers, security, tags and descriptions as linters and generators expect: a relative `/` server, `security:
 * []` on public operations, every tag declared with its description, every operation described (its summary is
 * the sentence when the controller wrote no longer description).
 */
function lintShape(doc: Doc): void {
  doc.servers = [{ url: '/', description: 'This server' }];
  const tags = new Set<string>();
  for (const [, , op] of operations(doc)) {
    op.security ??= [];
    op.description ??= op.summary?.replace(/([^.!?])$/, '$1.');
    for (const t of op.tags ?? []) tags.add(t);
  }
  doc.tags = [...tags].sort().map((name) => ({ name, description: TAG_DESCRIPTIONS[name] ?? name }));
}

export function documentForClients<T extends object>(doc: T): T {
  const d = doc as Doc;
  moveRequestDefaults(d);
  fixNullables(d);
  fixTypes(d);
  errorExamples(d);
  lintShape(d);
  return doc;
}
