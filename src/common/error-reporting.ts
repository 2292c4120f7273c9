import { currentRequest } from './request-context.js';

/**
 * Port: where unhandled 5xx errors are reported (the Sentry reporter in ops/sentry.ts, set once at start by
 * app.factory.ts when SENTRY_DSN is set). The exception filter reports here, so it knows no reporter.
 */
export interface ErrorReporter {
  /** Fire-and-forget; a reporting failure never affects the request. */
  capture(err: Error, route: string | null): Promise<void>;
}

let reporter: ErrorReporter | null = null;

export function setErrorReporter(r: ErrorReporter | null): void {
  reporter = r;
}

/** Reports an unhandled error with the route template of the request being served, if any. */
export function reportError(err: Error): void {
  if (reporter) void reporter.capture(err, currentRequest()?.route ?? null);
}
