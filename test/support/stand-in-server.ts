import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A tiny real HTTP server on 127.0.0.1 (random port) for standing in for an external API in tests.
 * Switches shared by every stand-in: fail the next N requests (or all) with a status, add latency,
 * and a log of the requests received (method, path, headers, parsed body).
 */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  /** Parsed JSON, parsed multipart (fields + files), or the raw text. */
  body: unknown;
}

export interface MultipartBody {
  fields: Record<string, string>;
  files: Record<string, { filename: string; contentType: string; data: Buffer }>;
}

export type Handler = (
  req: ReceivedRequest,
) => { status: number; body: unknown } | Promise<{ status: number; body: unknown }>;

export class StandInServer {
  readonly requests: ReceivedRequest[] = [];
  url = '';
  /** Milliseconds to wait before answering (to trigger client timeouts). */
  latencyMs = 0;
  private failures: { status: number; remaining: number; path?: string }[] = [];
  private server: Server | null = null;

  constructor(private readonly handler: Handler) {}

  /** Fails the next `count` requests (to `path` when given) with `status` and an error body. */
  failNext(status: number, count = 1, path?: string): void {
    this.failures.push({ status, remaining: count, path });
  }

  /** Every request fails with `status` until `reset()`. */
  failAll(status: number, path?: string): void {
    this.failures.push({ status, remaining: Number.POSITIVE_INFINITY, path });
  }

  reset(): void {
    this.failures = [];
    this.latencyMs = 0;
    this.requests.length = 0;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const type = String(req.headers['content-type'] ?? '');
    let body: unknown = raw.toString('utf8');
    if (type.startsWith('application/json')) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        return send(res, 400, { error: { message: 'Invalid JSON body', code: 'invalid_request_error' } });
      }
    } else if (type.startsWith('multipart/form-data')) {
      const parsed = parseMultipart(raw, type);
      if (!parsed)
        return send(res, 400, {
          error: { message: 'Malformed multipart body', code: 'invalid_request_error' },
        });
      body = parsed;
    }
    const received: ReceivedRequest = {
      method: req.method ?? 'GET',
      path: (req.url ?? '/').split('?')[0],
      headers: req.headers,
      body,
    };
    this.requests.push(received);
    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
    if (res.destroyed) return;
    const f = this.failures.find((x) => x.remaining > 0 && (!x.path || x.path === received.path));
    if (f) {
      f.remaining--;
      return send(res, f.status, {
        error: {
          message: `stand-in failure ${f.status}`,
          code: f.status >= 500 ? 'internal_server_error' : 'invalid_request_error',
        },
      });
    }
    try {
      const out = await this.handler(received);
      send(res, out.status, out.body);
    } catch (e) {
      send(res, 500, { error: { message: (e as Error).message, code: 'internal_server_error' } });
    }
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Minimal multipart/form-data parser (enough to check what a client really sent). */
export function parseMultipart(raw: Buffer, contentType: string): MultipartBody | null {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  if (!m) return null;
  const boundary = Buffer.from(`--${m[1] ?? m[2]}`);
  const out: MultipartBody = { fields: {}, files: {} };
  let pos = raw.indexOf(boundary);
  if (pos < 0) return null;
  while (true) {
    pos += boundary.length;
    if (raw.subarray(pos, pos + 2).toString() === '--') return out;
    pos += 2; // CRLF
    const headerEnd = raw.indexOf('\r\n\r\n', pos);
    if (headerEnd < 0) return null;
    const headers = raw.subarray(pos, headerEnd).toString('utf8');
    const next = raw.indexOf(boundary, headerEnd + 4);
    if (next < 0) return null;
    const data = raw.subarray(headerEnd + 4, next - 2); // strip CRLF before the boundary
    const name = /name="([^"]*)"/i.exec(headers)?.[1];
    const filename = /filename="([^"]*)"/i.exec(headers)?.[1];
    const ctype = /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1] ?? 'application/octet-stream';
    if (name !== undefined) {
      if (filename !== undefined) out.files[name] = { filename, contentType: ctype, data: Buffer.from(data) };
      else out.fields[name] = data.toString('utf8');
    }
    pos = next;
  }
}

export const requestId = (): string => randomBytes(8).toString('hex');

/** A chat-completions response body in OpenAI's shape. */
export function completionBody(model: string, content: string, promptChars: number): unknown {
  return {
    id: `chatcmpl-${requestId()}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage: {
      prompt_tokens: Math.ceil(promptChars / 4),
      completion_tokens: Math.ceil(content.length / 4),
      total_tokens: Math.ceil((promptChars + content.length) / 4),
    },
  };
}

/** Checks a chat-completions request body; returns an error message or null. */
export function checkCompletionRequest(body: unknown): string | null {
  const b = body as { model?: unknown; messages?: unknown };
  if (!b || typeof b !== 'object') return 'body must be a JSON object';
  if (typeof b.model !== 'string' || !b.model) return "'model' is required";
  if (!Array.isArray(b.messages) || b.messages.length === 0) return "'messages' must be a non-empty array";
  for (const msg of b.messages as { role?: unknown; content?: unknown }[]) {
    if (!['system', 'user', 'assistant', 'tool', 'developer'].includes(String(msg?.role)))
      return 'invalid message role';
    if (typeof msg.content !== 'string') return 'message content must be a string';
  }
  return null;
}

/** The default model behaviour of the stand-ins: rephrase = return the DRAFT line of the prompt, marked. */
export function draftOf(body: unknown): string {
  const messages = (body as { messages: { role: string; content: string }[] }).messages;
  const last = [...messages].reverse().find((m) => m.role === 'user')?.content ?? '';
  return /^DRAFT: (.*)$/m.exec(last)?.[1] ?? last;
}
