import { register } from 'node:module';
import type { TracingConfig } from '../config/app-config.js';
import { enableSpans } from './trace.js';

/**
 * OpenTelemetry tracing, started by main.ts BEFORE the app's modules are imported (the instrumentations
 * patch http, pg and ioredis as they load; ESM imports need the loader hook registered first). Never
 * imported when OTEL_EXPORTER_OTLP_ENDPOINT is unset: the app then only sees @opentelemetry/api's no-op
 * tracer (src/ops/trace.ts), which costs a function call per span.
 *
 * Spans go to OTLP/HTTP JSON at <endpoint>/v1/traces (the exporter reads OTEL_EXPORTER_OTLP_* itself);
 * OTEL_SERVICE_NAME names the resource; the sampler is built from OTEL_TRACES_SAMPLER(_ARG).
 */
/** The root samplers; each also exists as `parentbased_<root>`. */
const ROOT_SAMPLERS = ['always_on', 'always_off', 'traceidratio'] as const;

export async function startTracing(cfg: TracingConfig): Promise<() => Promise<void>> {
  // The ESM hook wraps only the modules instrumented below: wrapping every module costs CPU per request.
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url, {
    data: { include: ['pg', 'ioredis'] },
  });
  const [api, core, hooks, sdk, resources, exporter, instr, http, pg, ioredis] = await Promise.all([
    import('@opentelemetry/api'),
    import('@opentelemetry/core'),
    import('@opentelemetry/context-async-hooks'),
    import('@opentelemetry/sdk-trace'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/instrumentation'),
    import('@opentelemetry/instrumentation-http'),
    import('@opentelemetry/instrumentation-pg'),
    import('@opentelemetry/instrumentation-ioredis'),
  ]);
  const ratio = new sdk.TraceIdRatioBasedSampler(cfg.ratio);
  const root = {
    always_on: new sdk.AlwaysOnSampler(),
    always_off: new sdk.AlwaysOffSampler(),
    traceidratio: ratio,
  };
  // `<root>` or `parentbased_<root>` (validated at boot against TRACE_SAMPLERS).
  const base = ROOT_SAMPLERS.find((r) => cfg.sampler === r || cfg.sampler === `parentbased_${r}`);
  if (!base) throw new Error(`Unknown trace sampler ${cfg.sampler}`);
  const sampler = cfg.sampler.startsWith('parentbased_')
    ? new sdk.ParentBasedSampler({ root: root[base] })
    : root[base];

  const provider = new sdk.TracerProvider({
    sampler,
    resource: resources
      .resourceFromAttributes({ 'service.name': cfg.serviceName })
      .merge(resources.detectResources({ detectors: [resources.envDetector] })),
    spanProcessors: [new sdk.BatchSpanProcessor({ exporter: new exporter.OTLPTraceExporter() })],
  });
  api.context.setGlobalContextManager(new hooks.AsyncLocalStorageContextManager().enable());
  api.propagation.setGlobalPropagator(new core.W3CTraceContextPropagator());
  api.trace.setGlobalTracerProvider(provider);
  enableSpans();
  instr.registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      // Outgoing requests only (webhooks): incoming requests get their server span from Fastify's hooks
      // (registerServerSpans in trace.ts), which costs less per request than patching the server's emit.
      new http.HttpInstrumentation({ disableIncomingRequestInstrumentation: true }),
      new pg.PgInstrumentation({ requireParentSpan: true }),
      new ioredis.IORedisInstrumentation({ requireParentSpan: true }),
    ],
  });
  return () => provider.shutdown();
}
