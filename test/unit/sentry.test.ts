import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderError } from '../../src/common/http-exception.filter.js';
import { SentryReporter, setErrorReporter } from '../../src/ops/sentry.js';

describe('Sentry reporting (SENTRY_DSN)', () => {
  const received: { url: string; auth: string; body: any }[] = [];
  let port = 0;
  const server = createServer((req: IncomingMessage, res) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      received.push({
        url: req.url ?? '',
        auth: String(req.headers['x-sentry-auth']),
        body: JSON.parse(data),
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"x"}');
    });
  });
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => {
    setErrorReporter(null);
    server.close();
  });

  it('sends unhandled errors to the store endpoint with the key, never a client-visible stack', async () => {
    setErrorReporter(new SentryReporter(`http://publickey@127.0.0.1:${port}/42`, 'test', '1.0.0'));
    const rendered = renderError(new TypeError('boom at the bottom'));
    expect(rendered.status).toBe(500);
    expect(rendered.body).toEqual({ detail: 'Internal server error', code: 'INTERNAL_ERROR' });
    for (let i = 0; i < 50 && received.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(received).toHaveLength(1);
    expect(received[0].url).toBe('/api/42/store/');
    expect(received[0].auth).toContain('sentry_key=publickey');
    expect(received[0].body.exception.values[0]).toMatchObject({
      type: 'TypeError',
      value: 'boom at the bottom',
    });
    expect(received[0].body.exception.values[0].stacktrace.frames.length).toBeGreaterThan(0);
  });

  it('does not report client errors', async () => {
    const before = received.length;
    renderError(Object.assign(new Error('bad'), { statusCode: 400 }));
    await new Promise((r) => setTimeout(r, 100));
    expect(received.length).toBe(before);
  });
});
