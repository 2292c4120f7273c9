import fastJson from 'fast-json-stringify';
import type { FastifyInstance, RouteOptions } from 'fastify';

/**
 * Compiled JSON serializers (fast-json-stringify) for the success responses of every route, derived from the
 * OpenAPI document, i.e. from the Swagger DTOs: one mechanism for all controllers, nothing per route.
 * Fastify's generic `JSON.stringify` of a 100-record list cost about twice the compiled form.
 *
 * The documented schema only speeds serialisation up; it never changes what a response says:
 * - every object keeps its undocumented properties (`additionalProperties: true`);
 * - every scalar may also be null and nothing is coerced: a value of another type than documented makes the
 *   compiled function throw, and that response falls back to `JSON.stringify`;
 * - `format`, `pattern`, `enum`, `required` are left out (fast-json-stringify would format dates or refuse);
 *   `oneOf`/`anyOf` and recursive references stay untyped (serialised by `JSON.stringify`).
 * The only visible difference: documented properties come first, in the document's order.
 */

type Schema = Record<string, unknown>;
type Operation = { responses?: Record<string, { content?: Record<string, { schema?: Schema }> }> };

const SCALARS: Record<string, string> = {
  string: 'string',
  number: 'number',
  integer: 'number',
  boolean: 'boolean',
};
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** A fast-json-stringify schema that serialises exactly like JSON.stringify for values of the documented shape. */
export function serializerSchema(
  schema: Schema | undefined,
  components: Record<string, Schema>,
  seen = new Set<string>(),
): Schema {
  if (!schema) return {};
  const ref = schema.$ref;
  if (typeof ref === 'string') {
    const name = ref.replace('#/components/schemas/', '');
    if (seen.has(name) || !components[name]) return {};
    return serializerSchema(components[name], components, new Set([...seen, name]));
  }
  const all = schema.allOf as Schema[] | undefined;
  if (all?.length === 1) return serializerSchema(all[0], components, seen);
  if (all || schema.oneOf || schema.anyOf) return {};
  const type = schema.type;
  if (type === 'array') {
    return {
      type: ['array', 'null'],
      items: serializerSchema(schema.items as Schema | undefined, components, seen),
    };
  }
  const props = schema.properties as Record<string, Schema> | undefined;
  if ((type === 'object' || type === undefined) && props) {
    const properties: Record<string, Schema> = {};
    for (const [k, v] of Object.entries(props)) properties[k] = serializerSchema(v, components, seen);
    return { type: ['object', 'null'], properties, additionalProperties: true };
  }
  const scalar = typeof type === 'string' ? SCALARS[type] : undefined;
  return scalar ? { type: [scalar, 'null'] } : {};
}

/** The compiled serializer of a schema; a value that does not fit is serialised by JSON.stringify. */
export function compileSerializer(schema: Schema): (data: unknown) => string {
  const fast = fastJson(schema);
  return (data) => {
    try {
      return fast(data);
    } catch {
      return JSON.stringify(data);
    }
  };
}

/**
 * Attaches the compiled serializers of `document` to the routes Fastify registers from now on (call before
 * the Nest application's routes are registered, i.e. before `app.init()`). Only 2xx JSON bodies are affected.
 */
export function registerResponseSerializers(
  fastify: FastifyInstance,
  document: { paths: Record<string, unknown>; components?: { schemas?: Record<string, unknown> } },
): void {
  const components = (document.components?.schemas ?? {}) as Record<string, Schema>;
  const byRoute = new Map<string, Record<string, Schema>>();
  for (const [path, item] of Object.entries(document.paths)) {
    const url = path.replace(/\{([^}]+)\}/g, ':$1');
    for (const method of METHODS) {
      const op = (item as Record<string, Operation | undefined>)[method];
      const response: Record<string, Schema> = {};
      for (const [status, res] of Object.entries(op?.responses ?? {})) {
        const schema = res.content?.['application/json']?.schema;
        if (/^2\d\d$/.test(status) && schema)
          response[status] = {
            content: { 'application/json': { schema: serializerSchema(schema, components) } },
          };
      }
      if (Object.keys(response).length) byRoute.set(`${method.toUpperCase()} ${url}`, response);
    }
  }
  fastify.addHook('onRoute', (route: RouteOptions) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const response = byRoute.get(`${methods[0]} ${route.url}`);
    if (!response || route.schema?.response) return;
    route.schema = { ...route.schema, response };
    route.serializerCompiler = ({ schema }) => compileSerializer(schema as Schema);
  });
}
