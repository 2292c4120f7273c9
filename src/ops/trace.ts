import { isSpanContextValid, SpanKind, SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';

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
