import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { AppError, ErrorCode } from './errors.js';
import { sendError } from './http-exception.filter.js';

/**
 * How specific a route path is, segment by segment (static 0, parameter 1, wildcard 2), compared the way the
 * router prefers: the first segment that differs decides. `/api/appointments/batch` beats `/api/appointments/:id`.
 */
function specificity(url: string): number[] {
  return url.split('/').map((seg) => (seg.startsWith(':') ? 1 : seg === '*' ? 2 : 0));
}

function compareSpecificity(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** A route path of Fastify (`/api/vitals/:id`) as an anchored regular expression over request paths. */
function pathPattern(url: string): RegExp {
  const source = url
    .split('/')
    .map((seg) =>
      seg.startsWith(':') ? '[^/]+' : seg === '*' ? '.*' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('/');
  return new RegExp(`^${source}/?$`);
}

/**
 * 405 with `Allow` for a method a path does not support (TRACE on /api/vitals), where Fastify would say 404:
 * the routes are collected as they are added (call this before they are), and a request that matched no route
 * but whose path matches routes of other methods is answered in `onRequest`, before any other work.
 */
export function registerMethodNotAllowed(fastify: FastifyInstance): void {
  const routes = new Map<string, { pattern: RegExp; rank: number[]; methods: Set<string> }>();
  fastify.addHook('onRoute', (route: RouteOptions) => {
    if (route.url.includes('*')) return; // catch-alls (static files) allow nothing by path
    let entry = routes.get(route.url);
    if (!entry) {
      entry = { pattern: pathPattern(route.url), rank: specificity(route.url), methods: new Set() };
      routes.set(route.url, entry);
    }
    for (const m of [route.method].flat()) entry.methods.add(m.toUpperCase());
  });

  fastify.addHook('onRequest', (req: FastifyRequest, reply: FastifyReply, done: () => void) => {
    if (req.routeOptions.url !== undefined) return done();
    const path = req.url.split('?', 1)[0];
    // The methods of the most specific route path that matches: the resource the path names, as the API
    // document has it (`/api/appointments/batch` allows POST, not the GET/PUT/DELETE of `/:id`).
    let best: number[] | null = null;
    let allowed = new Set<string>();
    for (const { pattern, rank, methods } of routes.values()) {
      if (!pattern.test(path)) continue;
      const order = best ? compareSpecificity(rank, best) : -1;
      if (order < 0) {
        best = rank;
        allowed = new Set(methods);
      } else if (order === 0) for (const m of methods) allowed.add(m);
    }
    if (allowed.size === 0 || allowed.has(req.method)) return done();
    const allow = [...allowed].sort().join(', ');
    sendError(
      reply,
      new AppError(405, ErrorCode.METHOD_NOT_ALLOWED, `Method ${req.method} not allowed; allowed: ${allow}`, {
        allow,
      }),
    );
  });
}
