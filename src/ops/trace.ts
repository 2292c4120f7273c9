import {
  context,
  isSpanContextValid,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Span,
} from '@opentelemetry/api';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * Manual spans through @opentelemetry/api only. Tracing off: `inSpan` just calls fn. Tracing on: the span
 * is a child of the active one (the HTTP server span, a queue job's span …).
 */
const tracer = trace.getTracer('podd');
/** Set by startTracing (src/ops/tracing.ts); while false, `inSpan` is a plain call. */
let spansOn = false;

export function enableSpans(): void {
  spansOn = true;
}

export function inSpan<T>(
  name: string,
  attributes: Attributes,
  fn: () => Promise<T>,
  kind: SpanKind = SpanKind.INTERNAL,
): Promise<T> {
  if (!spansOn) return fn();
  // Inside an unsampled trace (most requests at a 10 % ratio) a child would be unsampled too: skip the
  // span and its context switch altogether.
  const parent = trace.getActiveSpan();
  if (parent && !parent.isRecording()) return fn();
  return tracer.startActiveSpan(name, { attributes, kind }, async (span) => {
    try {
      return await fn();
    } catch (e) {
      span.recordException(e as Error);
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw e;
    } finally {
      span.end();
    }
  });
}

/**
 * The active trace id (32 hex), or undefined outside a span or with tracing off. Unsampled requests have
 * one too: it still groups a request's log lines and is what a caller's `traceparent` carried.
 */
export function currentTraceId(): string | undefined {
  const ctx = trace.getActiveSpan()?.spanContext();
  return ctx && isSpanContextValid(ctx) ? ctx.traceId : undefined;
}

const SERVER_SPAN = Symbol('podd.serverSpan');
type WithSpan = FastifyRequest & { [SERVER_SPAN]?: Span };

/**
 * The HTTP server span of each request, from Fastify's hooks (tracing on only). Cheaper than the generic
 * http instrumentation's incoming side (no emitter binding, a handful of attributes): it continues a
 * caller's `traceparent`, is named `<METHOD> <route template>`, and is ERROR on 5xx. Probes and
 * scrapes (`/health*`, `/metrics`) are not traced. Register it before the other onRequest hooks so they
 * (request id, request context, logs) run inside the span.
 */
export function registerServerSpans(fastify: FastifyInstance): void {
  if (!spansOn) return;
  fastify.addHook('onRequest', (req: FastifyRequest, _reply: FastifyReply, done: () => void) => {
    const route = req.routeOptions?.url ?? '';
    if (route.startsWith('/health') || route === '/metrics') return done();
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    const span = tracer.startSpan(
      `${req.method} ${route || 'unmatched'}`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method, 'http.route': route } },
      parent,
    );
    (req as WithSpan)[SERVER_SPAN] = span;
    context.with(trace.setSpan(parent, span), done);
  });
  const end = (req: FastifyRequest, status?: number): void => {
    const span = (req as WithSpan)[SERVER_SPAN];
    if (!span) return;
    (req as WithSpan)[SERVER_SPAN] = undefined;
    if (status !== undefined) span.setAttribute('http.response.status_code', status);
    if (status === undefined || status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  };
  fastify.addHook('onResponse', (req: FastifyRequest, reply: FastifyReply, done: () => void) => {
    end(req, reply.statusCode);
    done();
  });
  fastify.addHook('onRequestAbort', (req: FastifyRequest, done: () => void) => {
    end(req);
    done();
  });
}
