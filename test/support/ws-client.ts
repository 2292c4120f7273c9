import { WebSocket } from 'ws';

/** A test WebSocket client that collects JSON messages. */
export interface WsClient {
  socket: WebSocket;
  messages: Record<string, unknown>[];
  /** Resolves when the socket closes, with the close code, reason and time (Date.now()). */
  closed: Promise<{ code: number; reason: string; at: number }>;
  /** Resolves with the first message matching `pred` (already received or future), or rejects after `timeoutMs`. */
  next(pred: (m: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

/** The base ws:// URL of a listening test app (`app.getHttpServer().address()`). */
export function wsBase(server: { address(): unknown }): string {
  const a = server.address() as { port: number };
  return `ws://127.0.0.1:${a.port}`;
}

/**
 * Opens a socket and waits for the server's first frame of type `readyType` (`ready` on the notification
 * socket, `connected` on the voice socket). Rejects with `HTTP <status>` when the handshake is refused.
 */
export function connectWs(
  url: string,
  headers: Record<string, string> = {},
  protocols?: string[],
  readyType = 'ready',
): Promise<WsClient> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, protocols, { headers });
    const messages: Record<string, unknown>[] = [];
    const closed = new Promise<{ code: number; reason: string; at: number }>((res) =>
      socket.once('close', (code, reason) => res({ code, reason: String(reason), at: Date.now() })),
    );
    const waiters: {
      pred: (m: Record<string, unknown>) => boolean;
      resolve: (m: Record<string, unknown>) => void;
    }[] = [];
    socket.on('message', (data) => {
      const m = JSON.parse(String(data)) as Record<string, unknown>;
      messages.push(m);
      for (const w of waiters.filter((x) => x.pred(m))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
      if (m.type === readyType) resolve(client);
    });
    socket.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c));
      res.on('end', () =>
        reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode, body })),
      );
    });
    socket.on('error', (e) => reject(e));
    const client: WsClient = {
      socket,
      messages,
      closed,
      next: (pred, timeoutMs = 10_000) => {
        const hit = messages.find(pred);
        if (hit) return Promise.resolve(hit);
        return new Promise((res, rej) => {
          const w = { pred, resolve: res };
          waiters.push(w);
          setTimeout(() => {
            const i = waiters.indexOf(w);
            if (i >= 0) {
              waiters.splice(i, 1);
              rej(new Error('timed out waiting for a WebSocket message'));
            }
          }, timeoutMs).unref();
        });
      },
      close: () =>
        new Promise((res) => {
          if (socket.readyState === WebSocket.CLOSED) return res();
          socket.once('close', () => res());
          socket.close();
        }),
    };
  });
}

/** Collects a socket's messages; `next(pred)` waits for the next matching one. */
export function collector(ws: WebSocket) {
  const seen: (Record<string, unknown> | Buffer)[] = [];
  const waiters: {
    pred: (m: Record<string, unknown> | Buffer) => boolean;
    resolve: (m: Record<string, unknown> | Buffer) => void;
  }[] = [];
  ws.on('message', (data, isBinary) => {
    const m = isBinary ? (data as Buffer) : (JSON.parse(data.toString()) as Record<string, unknown>);
    const w = waiters.findIndex((x) => x.pred(m));
    if (w >= 0) waiters.splice(w, 1)[0].resolve(m);
    else seen.push(m);
  });
  return {
    next(
      pred: (m: Record<string, unknown> | Buffer) => boolean,
      timeoutMs = 5000,
    ): Promise<Record<string, unknown> | Buffer> {
      const i = seen.findIndex(pred);
      if (i >= 0) return Promise.resolve(seen.splice(i, 1)[0]);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('timed out waiting for a message')), timeoutMs);
        waiters.push({ pred, resolve: (m) => (clearTimeout(timer), resolve(m)) });
      });
    },
  };
}
export const ofType = (type: string) => (m: Record<string, unknown> | Buffer) =>
  !Buffer.isBuffer(m) && m.type === type;
