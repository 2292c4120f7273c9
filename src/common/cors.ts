import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export interface CorsPolicy {
  /** Exact origins (`https://app.example`) allowed to read responses; `*` allows every origin. Empty: none. */
  origins: readonly string[];
  methods: readonly string[];
  /** Request headers a preflight may ask for. */
  allowedHeaders: readonly string[];
  /** Response headers a browser script may read. */
  exposedHeaders: readonly string[];
  /** How long a browser may keep a preflight's answer. */
  maxAgeSeconds: number;
}

/**
 * CORS (Fetch standard, "CORS protocol") as one `onRequest` hook whose headers are computed at start-up: it runs
 * for every request, so a request without an `Origin` header (every app, device and server client) costs a
 * header lookup. A listed origin gets `Access-Control-Allow-Origin` with itself and credentials; `*` gets `*`
 * without credentials (the standard forbids both together; the API's bearer tokens need no credentials mode).
 * A preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`) is answered here, before the token
 * check a browser's preflight cannot pass; an origin not allowed gets a 204 naming nothing, which the browser
 * treats as a refusal. Any other `OPTIONS` goes on to the router (405 with `Allow`, or 404).
 *
 * Register it before the hooks that answer unrouted requests (method-not-allowed), after the security headers.
 */
export function registerCors(fastify: FastifyInstance, policy: CorsPolicy): void {
  if (!policy.origins.length) return; // CORS off: browsers on other origins may not read any response.
  const anyOrigin = policy.origins.includes('*');
  const listed = new Set(policy.origins);
  const exposed = policy.exposedHeaders.join(', ');
  const simple = (origin: string): Record<string, string> =>
    anyOrigin
      ? { 'access-control-allow-origin': '*', 'access-control-expose-headers': exposed }
      : {
          'access-control-allow-origin': origin,
          'access-control-allow-credentials': 'true',
          'access-control-expose-headers': exposed,
        };
  const preflight = {
    'access-control-allow-methods': policy.methods.join(', '),
    'access-control-allow-headers': policy.allowedHeaders.join(', '),
    'access-control-max-age': String(policy.maxAgeSeconds),
  };

  fastify.addHook('onRequest', (req: FastifyRequest, reply: FastifyReply, done: () => void) => {
    // The answer differs by Origin (allowed or not), so a shared cache must key on it.
    reply.header('vary', 'Origin');
    const origin = req.headers.origin;
    if (origin === undefined) return done();
    const allowed = anyOrigin || listed.has(origin);
    if (allowed) reply.headers(simple(origin));
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
      if (allowed) reply.headers(preflight);
      reply.code(204).send();
      return;
    }
    done();
  });
}
