import 'reflect-metadata';
import { resolve } from 'node:path';
import { ConfigError, loadConfig, readDotEnv, type AppConfig } from './config/app-config.js';
import { createRootLogger } from './ops/logger.js';
import { ShutdownState } from './ops/shutdown-state.js';

readDotEnv(resolve('.env'), process.env);
let config: AppConfig;
try {
  config = loadConfig(process.env);
} catch (e) {
  if (e instanceof ConfigError) {
    for (const p of e.problems) process.stderr.write(`config error: ${p}\n`);
    process.exit(1);
  }
  throw e;
}

const log = createRootLogger(config.logLevel);
if (config.jwt.generated) {
  log.warn(
    { file: `${config.dataDir}/.jwt_secret` },
    'JWT_SECRET is not set: using a generated development secret (never do this in production)',
  );
}

// Tracing first: its instrumentations patch http, pg and ioredis as the app's modules load (hence the
// dynamic import of the app below). Nothing of the SDK is loaded when OTEL_EXPORTER_OTLP_ENDPOINT is unset.
const stopTracing = config.tracing
  ? await (await import('./ops/tracing.js')).startTracing(config.tracing)
  : null;
if (config.tracing)
  log.info({ endpoint: config.tracing.endpoint, sampler: config.tracing.sampler }, 'tracing on');
const { createApp } = await import('./app.factory.js');
const app = await createApp(config, { logger: log });
await app.listen({ port: config.port, host: config.host });
log.info({ port: config.port, host: config.host, env: config.nodeEnv }, 'Podd API listening');

// Graceful shutdown: readiness goes 503, the server stops accepting, in-flight requests finish, then exit.
let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'shutting down');
  app.get(ShutdownState).begin();
  const timer = setTimeout(() => {
    log.error({ grace_ms: config.shutdownGraceMs }, 'shutdown grace period exceeded, exiting');
    process.exit(1);
  }, config.shutdownGraceMs);
  timer.unref();
  try {
    // Keep serving while readiness reports 503 so balancers stop sending new requests, then close:
    // the server stops accepting, in-flight requests finish, then the modules shut down.
    await new Promise((r) => setTimeout(r, Math.min(config.shutdownDrainMs, config.shutdownGraceMs / 2)));
    await app.close();
    await stopTracing?.().catch(() => undefined); // flushes the spans still batched
    log.info('stopped');
    log.flush();
    process.exit(0);
  } catch (e) {
    log.error({ err: (e as Error).message }, 'error during shutdown');
    process.exit(1);
  }
}
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
