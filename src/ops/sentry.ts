import { randomUUID } from 'node:crypto';
import type { ErrorReporter } from '../common/error-reporting.js';

export { setErrorReporter } from '../common/error-reporting.js';

/**
 * Minimal Sentry reporter over Sentry's envelope endpoint (`POST /api/<project>/envelope/`), no SDK: the
 * official @sentry/node costs ~2 s of start-up and ~80 MB of RSS and brings its own OpenTelemetry setup
 * (docs/OPERATIONS.md, "Error tracking"). Unhandled 5xx errors only, and only their type, message, stack
 * frames and route template: never request bodies, headers, URLs, user ids or e-mails, never health values.
 * Messages are scrubbed too (an error can quote the value that broke it): e-mail addresses, tokens and
 * every number are replaced.
 */
export class SentryReporter implements ErrorReporter {
  private readonly endpoint: string;
  private readonly auth: string;

  constructor(
    dsn: string,
    private readonly environment: string,
    private readonly release: string,
  ) {
    const u = new URL(dsn);
    const project = u.pathname.replace(/^\/+|\/+$/g, '');
    if (!u.username || !project) throw new Error('SENTRY_DSN must look like https://<key>@<host>/<project>');
    this.endpoint = `${u.protocol}//${u.host}/api/${project}/envelope/`;
    this.auth = `Sentry sentry_version=7, sentry_client=podd/${release}, sentry_key=${u.username}`;
  }

  /** The envelope for one error: header line, item header line, event line. */
  envelope(err: Error, route: string | null): string {
    const frames = (err.stack ?? '')
      .split('\n')
      .slice(1, 30)
      .map((l) => /at (?:(.*?) \()?(.*?):(\d+):(\d+)\)?$/.exec(l.trim()))
      .filter((m): m is RegExpExecArray => !!m)
      .map((m) => ({ function: m[1] ?? '?', filename: m[2], lineno: Number(m[3]), colno: Number(m[4]) }))
      .reverse();
    const eventId = randomUUID().replace(/-/g, '');
    const event = {
      event_id: eventId,
      timestamp: Date.now() / 1000,
      platform: 'node',
      level: 'error',
      environment: this.environment,
      release: this.release,
      ...(route ? { transaction: route, tags: { route } } : {}),
      exception: { values: [{ type: err.name, value: scrub(err.message), stacktrace: { frames } }] },
    };
    return [
      JSON.stringify({ event_id: eventId, sent_at: new Date().toISOString() }),
      JSON.stringify({ type: 'event', content_type: 'application/json' }),
      JSON.stringify(event),
    ].join('\n');
  }

  /** Fire-and-forget; a reporting failure never affects the request. */
  capture(err: Error, route: string | null = null): Promise<void> {
    return fetch(this.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-sentry-envelope', 'x-sentry-auth': this.auth },
      body: this.envelope(err, route),
      signal: AbortSignal.timeout(3000),
    }).then(
      () => undefined,
      () => undefined,
    );
  }
}

/** Removes what an error message may quote: e-mail addresses, bearer/JWT/hex tokens, numbers. */
export function scrub(message: string): string {
  return message
    .replace(/[^\s@"'<>()]+@[^\s@"'<>()]+\.[a-z]{2,}/gi, '[email]')
    .replace(/\beyJ[\w-]+\.[\w-]+\.[\w-]*/g, '[token]')
    .replace(/\bbearer\s+\S+/gi, 'Bearer [redacted]')
    .replace(/\b(token|secret|password|api[_-]?key)(\s*[=:]\s*)\S+/gi, '$1$2[redacted]')
    .replace(/\b[A-Za-z0-9+/_-]{32,}={0,2}/g, '[token]')
    .replace(/\d+(?:[.,:/-]\d+)*/g, '[n]');
}
