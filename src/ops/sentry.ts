import { randomUUID } from 'node:crypto';

/**
 * Minimal Sentry reporter over its HTTP store API (no SDK dependency): unhandled 5xx errors only,
 * with type, message, stack and route — never request bodies, headers, user e-mails or health values.
 */
export class SentryReporter {
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
    this.endpoint = `${u.protocol}//${u.host}/api/${project}/store/`;
    this.auth = `Sentry sentry_version=7, sentry_client=podd/${release}, sentry_key=${u.username}`;
  }

  /** Fire-and-forget; a reporting failure never affects the request. */
  capture(err: Error, tags: Record<string, string> = {}): Promise<void> {
    const frames = (err.stack ?? '')
      .split('\n')
      .slice(1, 30)
      .map((l) => /at (?:(.*?) \()?(.*?):(\d+):(\d+)\)?$/.exec(l.trim()))
      .filter((m): m is RegExpExecArray => !!m)
      .map((m) => ({ function: m[1] ?? '?', filename: m[2], lineno: Number(m[3]), colno: Number(m[4]) }))
      .reverse();
    const event = {
      event_id: randomUUID().replace(/-/g, ''),
      timestamp: new Date().toISOString(),
      platform: 'node',
      level: 'error',
      environment: this.environment,
      release: this.release,
      tags,
      exception: { values: [{ type: err.name, value: err.message, stacktrace: { frames } }] },
    };
    return fetch(this.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-sentry-auth': this.auth },
      body: JSON.stringify(event),
      signal: AbortSignal.timeout(3000),
    }).then(
      () => undefined,
      () => undefined,
    );
  }
}

let reporter: SentryReporter | null = null;

export function setErrorReporter(r: SentryReporter | null): void {
  reporter = r;
}

export function reportError(err: Error, tags: Record<string, string> = {}): void {
  if (reporter) void reporter.capture(err, tags);
}
