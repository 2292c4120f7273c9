import 'reflect-metadata';
import { resolve } from 'node:path';
import { ConfigError, loadConfig, readDotEnv, type AppConfig } from './config/app-config.js';
import { createRootLogger } from './ops/logger.js';
import { ShutdownState } from './ops/shutdown-state.js';

/**
 * What an operator reads when start-up fails for a reason outside the code (a port in use, a DATA_DIR that is
 * a file or not writable): one line and exit code 1, not a stack trace. Anything else is a bug: rethrown.
 */
function startupFailure(e: unknown, what: string): never {
  const err = e as NodeJS.ErrnoException;
  const known: Record<string, string> = {
    EADDRINUSE: `port ${what} is already in use (another Podd, or set PORT)`,
    EACCES: `permission denied: ${err.path ?? what} (check PORT and DATA_DIR and who runs Podd)`,
    EADDRNOTAVAIL: `address ${what} is not available on this machine (check HOST)`,
    ENOTDIR: `${err.path ?? what} is not a directory (check DATA_DIR)`,
    EEXIST: `${err.path ?? what} exists and is not a directory (check DATA_DIR)`,
    EROFS: `${err.path ?? what} is on a read-only file system (check DATA_DIR)`,
    ENOSPC: `no space left for ${err.path ?? what} (check DATA_DIR)`,
  };
  const line = err?.code ? known[err.code] : undefined;
  if (!line) throw e;
  process.stderr.write(`startup error: ${line}\n`);
  process.exit(1);
}

readDotEnv(resolve('.env'), process.env);
let config: AppConfig;
try {
  config = loadConfig(process.env);
} catch (e) {
  if (e instanceof ConfigError) {
    for (const p of e.problems) process.stderr.write(`config error: ${p}\n`);
    process.exit(1);
  }
  startupFailure(e, `DATA_DIR ${process.env.DATA_DIR ?? './data'}`);
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
const app = await createApp(config, { logger: log }).catch((e: unknown) =>
  startupFailure(e, `DATA_DIR ${config.dataDir}`),
);
await app
  .listen({ port: config.port, host: config.host })
  .catch((e: unknown) => startupFailure(e, `${config.host}:${config.port}`));
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
