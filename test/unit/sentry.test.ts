import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderError } from '../../src/common/http-exception.filter.js';
import { EVENT_STORE } from '../../src/locusgraph/locusgraph.module.js';
import { scrub, SentryReporter, setErrorReporter } from '../../src/ops/sentry.js';
import { appSuite, registerUser } from '../support/app.js';

/**
 * Error reporting (SENTRY_DSN) against a Sentry stand-in speaking the envelope protocol
 * (POST /api/<project>/envelope/, newline-separated header, item header and event). Assertions on the raw
 * bytes received: a forced 500 through the whole app carries type, message, stack and route, and no health
 * value, e-mail address, token or request body.
 */

interface Received {
  url: string;
  auth: string;
  contentType: string;
  raw: string;
}

const received: Received[] = [];
const sentry = createServer((req: IncomingMessage, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    received.push({
      url: req.url ?? '',
      auth: String(req.headers['x-sentry-auth']),
      contentType: String(req.headers['content-type']),
      raw: Buffer.concat(chunks).toString('utf8'),
    });
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"x"}');
  });
});
let port = 0;

/** Parses an envelope: [envelope header, item header, event]. */
function parseEnvelope(raw: string): [any, any, any] {
  const lines = raw.split('\n');
  expect(lines).toHaveLength(3);
  return lines.map((l) => JSON.parse(l)) as [any, any, any];
}

async function nextEnvelope(before: number): Promise<Received> {
  for (let i = 0; i < 100 && received.length <= before; i++) await new Promise((r) => setTimeout(r, 20));
  expect(received.length).toBe(before + 1);
  return received[before];
}

beforeAll(async () => {
  await new Promise<void>((r) => sentry.listen(0, '127.0.0.1', r));
  port = (sentry.address() as AddressInfo).port;
});
afterAll(() => {
  setErrorReporter(null);
  sentry.close();
});

describe('Sentry reporter (envelope endpoint)', () => {
  it('sends unhandled errors as an envelope with the key, never a client-visible stack', async () => {
    setErrorReporter(new SentryReporter(`http://publickey@127.0.0.1:${port}/42`, 'test', '1.0.0'));
    const before = received.length;
    const rendered = renderError(new TypeError('boom at the bottom'));
    expect(rendered.status).toBe(500);
    expect(rendered.body).toEqual({ detail: 'Internal server error', code: 'INTERNAL_ERROR' });
    const got = await nextEnvelope(before);
    expect(got.url).toBe('/api/42/envelope/');
    expect(got.contentType).toBe('application/x-sentry-envelope');
    expect(got.auth).toContain('sentry_key=publickey');
    const [header, item, event] = parseEnvelope(got.raw);
    expect(header.event_id).toBe(event.event_id);
    expect(item).toEqual({ type: 'event', content_type: 'application/json' });
    expect(event.exception.values[0]).toMatchObject({ type: 'TypeError', value: 'boom at the bottom' });
    expect(event.exception.values[0].stacktrace.frames.length).toBeGreaterThan(0);
    expect(event).toMatchObject({ environment: 'test', release: '1.0.0', level: 'error' });
  });

  it('does not report client errors', async () => {
    const before = received.length;
    renderError(Object.assign(new Error('bad'), { statusCode: 400 }));
    await new Promise((r) => setTimeout(r, 100));
    expect(received.length).toBe(before);
  });

  it('scrubs e-mail addresses, tokens and numbers from messages', () => {
    expect(
      scrub(
        'Key (email)=(asha@example.com) exists; weight 71.3 kg, bp 128/82; Bearer eyJhbGciOi.eyJzdWIi.sig; token=abc',
      ),
    ).toBe('Key (email)=([email]) exists; weight [n] kg, bp [n]; Bearer [redacted] token=[redacted]');
    expect(scrub('Cannot read properties of undefined (reading "payload")')).toBe(
      'Cannot read properties of undefined (reading "payload")',
    );
  });
});

describe('a forced 500 through the whole app (SENTRY_DSN set)', () => {
  const { t } = appSuite({ env: () => ({ SENTRY_DSN: `http://publickey@127.0.0.1:${port}/7` }), users: 0 });

  it('reports type, message, stack and route — no health value, e-mail, token or request body', async () => {
    const user = await registerUser(t, { email: 'asha.sentry@example.com' });
    // The event store fails with a message quoting what it was given (as database errors do).
    const store = t.app.get(EVENT_STORE) as { store: (req: unknown) => Promise<unknown> };
    const original = store.store.bind(store);
    store.store = (req) =>
      Promise.reject(
        new Error(
          `insert failed for ${user.email} weight_kg=71.3 ${JSON.stringify(req).slice(0, 80)} auth ${user.accessToken}`,
        ),
      );
    const before = received.length;
    try {
      const res = await t
        .as(user)
        .post('/api/vitals', { weight_kg: 71.3, heart_rate: 97, notes: 'private-note-about-dizziness' });
      expect(res.status).toBe(500);
      expect(res.body).toEqual({ detail: 'Internal server error', code: 'INTERNAL_ERROR' });
    } finally {
      store.store = original;
    }
    const got = await nextEnvelope(before);
    expect(got.url).toBe('/api/7/envelope/');
    const [, , event] = parseEnvelope(got.raw);
    expect(event.exception.values[0].type).toBe('Error');
    expect(event.exception.values[0].value).toMatch(/^insert failed for \[email\] weight_kg=\[n\]/);
    expect(event.exception.values[0].stacktrace.frames.length).toBeGreaterThan(0);
    expect(event.tags).toEqual({ route: '/api/vitals' });
    expect(Object.keys(event).sort()).toEqual(
      [
        'environment',
        'event_id',
        'exception',
        'level',
        'platform',
        'release',
        'tags',
        'timestamp',
        'transaction',
      ].sort(),
    );
    // The raw bytes: none of what the user sent or is.
    for (const secret of [
      user.email,
      'example.com',
      '71.3',
      'private-note-about-dizziness',
      'dizziness',
      user.accessToken,
      user.accessToken.split('.')[1],
      user.refreshToken,
      user.id,
      'heart_rate',
      'weight_kg":',
      'Bearer',
      'authorization',
    ])
      expect(got.raw, secret).not.toContain(secret);
    expect(got.raw).not.toMatch(/[\w.+-]+@[\w-]+\.[\w.]+/);
  });
});
