import { createHmac } from 'node:crypto';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP } from 'node:net';

/**
 * Outgoing webhook HTTP: HMAC-SHA256 signature, a timeout, and SSRF protection (unless allowed, targets
 * that resolve to loopback, private, link-local or other non-public addresses are refused — checked on the
 * address actually connected to, so DNS rebinding cannot slip through).
 *
 * Receivers verify: `X-Podd-Signature: sha256=<hex HMAC-SHA256(secret, "<X-Podd-Timestamp>.<raw body>")>`,
 * reject timestamps older than a few minutes, and de-duplicate on `X-Podd-Delivery`.
 */

export const SIGNATURE_HEADER = 'x-podd-signature';
export const TIMESTAMP_HEADER = 'x-podd-timestamp';
export const DELIVERY_HEADER = 'x-podd-delivery';
export const EVENT_HEADER = 'x-podd-event';

export function signWebhook(secret: string, timestamp: number, body: string): string {
  return 'sha256=' + createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  blocked.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['::ffff:0:0', 96],
  ['64:ff9b::', 96],
] as const)
  blocked.addSubnet(net, prefix, 'ipv6');

export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  return !blocked.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** Checks a webhook URL's form (http/https, no credentials, ≤ 2048 chars). Returns an error message or null. */
export function checkWebhookUrl(raw: string): string | null {
  if (typeof raw !== 'string' || raw.length > 2048) return 'url must be at most 2048 characters';
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return 'url must be an absolute http(s) URL';
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return 'url must be an absolute http(s) URL';
  if (u.username || u.password) return 'url must not contain credentials';
  return null;
}

export interface WebhookRequest {
  url: string;
  /** Null: sent unsigned (an emergency contact's endpoint without a secret). */
  secret: string | null;
  deliveryId: string;
  event: string;
  body: string;
  timestamp: number;
}

export interface WebhookResult {
  ok: boolean;
  status: number | null;
  /** Worth retrying (network error, timeout, 408/429/5xx). */
  retryable: boolean;
  error: string | null;
}

export async function sendWebhook(
  req: WebhookRequest,
  opts: { allowPrivate: boolean; timeoutMs: number },
): Promise<WebhookResult> {
  let url: URL;
  try {
    url = new URL(req.url);
  } catch {
    return { ok: false, status: null, retryable: false, error: 'invalid url' };
  }
  const client = url.protocol === 'https:' ? https : http;
  const lookup = (
    hostname: string,
    options: object,
    cb: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
  ) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return cb(err, '', 0);
      const list = addresses as LookupAddress[];
      if (!opts.allowPrivate && list.some((a) => !isPublicAddress(a.address))) {
        const e: NodeJS.ErrnoException = new Error('webhook target resolves to a non-public address');
        e.code = 'EBLOCKED';
        return cb(e, '', 0);
      }
      if ((options as { all?: boolean }).all) return cb(null, list);
      return cb(null, list[0].address, list[0].family);
    });
  };
  if (
    !opts.allowPrivate &&
    isIP(url.hostname.replace(/^\[|\]$/g, '')) &&
    !isPublicAddress(url.hostname.replace(/^\[|\]$/g, ''))
  ) {
    return { ok: false, status: null, retryable: false, error: 'webhook target is a non-public address' };
  }
  return new Promise<WebhookResult>((resolve) => {
    const r = client.request(
      url,
      {
        method: 'POST',
        lookup,
        timeout: opts.timeoutMs,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(req.body),
          'user-agent': 'Podd-Webhooks/1.0',
          [EVENT_HEADER]: req.event,
          [DELIVERY_HEADER]: req.deliveryId,
          [TIMESTAMP_HEADER]: String(req.timestamp),
          ...(req.secret ? { [SIGNATURE_HEADER]: signWebhook(req.secret, req.timestamp, req.body) } : {}),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          const s = res.statusCode ?? 0;
          const ok = s >= 200 && s < 300;
          resolve({
            ok,
            status: s,
            retryable: !ok && (s === 408 || s === 429 || s >= 500),
            error: ok ? null : `HTTP ${s}`,
          });
        });
        res.on('error', () =>
          resolve({ ok: false, status: res.statusCode ?? null, retryable: true, error: 'response error' }),
        );
      },
    );
    r.on('timeout', () => r.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    r.on('error', (e: NodeJS.ErrnoException) =>
      resolve({
        ok: false,
        status: null,
        retryable: e.code !== 'EBLOCKED',
        error: e.code ?? 'network error',
      }),
    );
    r.end(req.body);
  });
}
