import type { LoggerService } from '@nestjs/common';
import pino, { type Logger } from 'pino';
import type { LogLevel } from '../config/app-config.js';
import { currentTraceId } from './trace.js';

/**
 * Structured JSON logs (pino). Request bodies are never logged; these paths are redacted as a second line of
 * defence in case a caller passes a request/headers object.
 */
const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  '*.password',
  '*.new_password',
  '*.current_password',
  '*.access_token',
  '*.refresh_token',
  '*.token',
  '*.secret',
];

export function createRootLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'podd' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
      // Every line written inside a traced request or job carries its trace id (tracing on).
      mixin: () => {
        const trace_id = currentTraceId();
        return trace_id ? { trace_id } : {};
      },
    },
    destination ?? pino.destination({ dest: 1, sync: false }),
  );
}

/** Routes Nest's own logging into the same JSON stream. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  private write(
    level: 'info' | 'error' | 'warn' | 'debug' | 'trace',
    message: unknown,
    rest: unknown[],
  ): void {
    const context =
      rest.length && typeof rest[rest.length - 1] === 'string'
        ? (rest[rest.length - 1] as string)
        : undefined;
    if (
      level === 'error' &&
      rest.length >= 2 &&
      typeof rest[0] === 'string' &&
      rest[0].includes('\n    at ')
    ) {
      this.logger.error({ context, stack: rest[0] }, String(message));
      return;
    }
    this.logger[level]({ context }, typeof message === 'string' ? message : JSON.stringify(message));
  }
  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }
}
