import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  Global,
  Injectable,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { HttpAdapterHost, ModuleRef } from '@nestjs/core';
import jwt from 'jsonwebtoken';
import { WebSocket, WebSocketServer } from 'ws';
import { JwtStrategy } from '../auth/jwt.strategy.js';
import { TokenService } from '../auth/token.service.js';
import type { AuthUser } from './decorators.js';
import { AppError } from './errors.js';

/**
 * WebSocket routes on the Fastify server, shared by every module (notifications push, voice streaming…).
 *
 * Fastify does not handle `upgrade`; this registry attaches ONE `upgrade` listener to the underlying
 * http.Server and routes each handshake by exact path to a `ws` server in `noServer` mode. A module adds
 * a route in its `onModuleInit`:
 *
 * ```ts
 * constructor(private readonly ws: WebSocketUpgradeRegistry) {}
 * onModuleInit() {
 *   this.ws.register({ path: '/api/voice/ws', onConnection: (socket, { user }) => … });
 * }
 * ```
 * (import `WebSocketUpgradeModule` in the module; it is global, so one registry serves the whole app).
 *
 * Authentication (default on): the access token is read from `?token=…`, `Authorization: Bearer …`, or the
 * `Sec-WebSocket-Protocol` header as `bearer, <token>` (browsers cannot set headers). It is checked exactly
 * like the HTTP guard (signature, HS256, `type: access`, user exists, token version) and a bad or missing
 * token is refused AT THE HANDSHAKE with an HTTP 401 `{"detail","code"}` — no socket is opened. An open
 * socket is closed with code 4001 when its token expires (clients reconnect with a fresh token).
 * Unknown paths get 404. Every socket is pinged every 30 s and dropped when it stops answering.
 */

export interface WsConnectionContext {
  /** The authenticated user (null only for routes registered with `authenticate: false`). */
  user: AuthUser | null;
  req: IncomingMessage;
  url: URL;
}

export interface WsRoute {
  /** Exact path, e.g. `/api/notifications/ws`. */
  path: string;
  /** Default true. */
  authenticate?: boolean;
  /** Largest incoming message in bytes (default 64 KiB). */
  maxPayload?: number;
  onConnection(socket: WebSocket, ctx: WsConnectionContext): void;
}

interface RouteEntry {
  route: WsRoute;
  wss: WebSocketServer;
}

const PING_INTERVAL_MS = 30_000;
/** Close code sent when the access token of an open socket expires. */
export const WS_CLOSE_TOKEN_EXPIRED = 4001;

/** The token of a handshake: `?token=`, `Authorization: Bearer`, or `Sec-WebSocket-Protocol: bearer, <token>`. */
export function handshakeToken(
  req: IncomingMessage,
  url: URL,
): { token: string | null; protocol: string | null } {
  const q = url.searchParams.get('token');
  if (q) return { token: q, protocol: null };
  const h = req.headers.authorization;
  const m = typeof h === 'string' ? /^bearer\s+(\S+)\s*$/i.exec(h) : null;
  if (m) return { token: m[1], protocol: null };
  const protos = String(req.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const i = protos.findIndex((p) => p.toLowerCase() === 'bearer');
  if (i >= 0 && protos[i + 1]) return { token: protos[i + 1], protocol: 'bearer' };
  return { token: null, protocol: null };
}

function refuse(
  socket: Duplex,
  status: number,
  reason: string,
  body: { detail: string; code: string },
): void {
  const json = JSON.stringify(body);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(json)}\r\n` +
        `Connection: close\r\n${status === 401 ? 'WWW-Authenticate: Bearer\r\n' : ''}\r\n${json}`,
    );
  }
  socket.destroy();
}

@Injectable()
export class WebSocketUpgradeRegistry implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('WebSocket');
  private readonly routes = new Map<string, RouteEntry>();
  private server: Server | null = null;
  private readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    void this.handleUpgrade(req, socket, head);
  };
  private pinger: NodeJS.Timeout | null = null;
  private readonly alive = new WeakMap<WebSocket, boolean>();

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly moduleRef: ModuleRef,
  ) {}

  register(route: WsRoute): void {
    if (this.routes.has(route.path)) throw new Error(`WebSocket route ${route.path} is already registered`);
    const wss = new WebSocketServer({
      noServer: true,
      maxPayload: route.maxPayload ?? 64 * 1024,
      perMessageDeflate: false,
      // Echo the `bearer` subprotocol when the token came that way (browsers require an accepted protocol).
      handleProtocols: (protocols) => (protocols.has('bearer') ? 'bearer' : false),
    });
    this.routes.set(route.path, { route, wss });
  }

  /** Open sockets on a route (metrics, tests). */
  clientCount(path: string): number {
    return this.routes.get(path)?.wss.clients.size ?? 0;
  }

  onApplicationBootstrap(): void {
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (!server || typeof server.on !== 'function') return;
    this.server = server;
    server.on('upgrade', this.onUpgrade);
    this.pinger = setInterval(() => this.pingAll(), PING_INTERVAL_MS);
    this.pinger.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.pinger) clearInterval(this.pinger);
    this.server?.off('upgrade', this.onUpgrade);
    for (const { wss } of this.routes.values()) {
      for (const c of wss.clients) c.close(1001, 'server shutting down');
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      for (const c of wss.clients) c.terminate();
    }
  }

  private pingAll(): void {
    for (const { wss } of this.routes.values()) {
      for (const c of wss.clients) {
        if (this.alive.get(c) === false) {
          c.terminate();
          continue;
        }
        this.alive.set(c, false);
        try {
          c.ping();
        } catch {
          c.terminate();
        }
      }
    }
  }

  private async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      return refuse(socket, 400, 'Bad Request', { detail: 'Malformed request target', code: 'BAD_REQUEST' });
    }
    const entry = this.routes.get(url.pathname);
    if (!entry) return refuse(socket, 404, 'Not Found', { detail: 'Not Found', code: 'ROUTE_NOT_FOUND' });
    let user: AuthUser | null = null;
    let expiresAt: number | null = null;
    if (entry.route.authenticate !== false) {
      const { token } = handshakeToken(req, url);
      if (!token)
        return refuse(socket, 401, 'Unauthorized', {
          detail: 'Not authenticated',
          code: 'NOT_AUTHENTICATED',
        });
      try {
        const r = await this.authenticate(token);
        user = r.user;
        expiresAt = r.expiresAt;
      } catch (e) {
        const err = e instanceof AppError ? e : null;
        return refuse(socket, 401, 'Unauthorized', {
          detail: err && typeof err.detail === 'string' ? err.detail : 'Invalid token',
          code: err ? String(err.code) : 'INVALID_TOKEN',
        });
      }
    }
    if (socket.destroyed) return;
    entry.wss.handleUpgrade(req, socket, head, (ws) => {
      this.alive.set(ws, true);
      ws.on('pong', () => this.alive.set(ws, true));
      if (expiresAt !== null) {
        const t = setTimeout(
          () => ws.close(WS_CLOSE_TOKEN_EXPIRED, 'token expired'),
          Math.max(0, expiresAt - Date.now()),
        );
        t.unref();
        ws.once('close', () => clearTimeout(t));
      }
      try {
        entry.route.onConnection(ws, { user, req, url });
      } catch (e) {
        this.log.error(
          `WebSocket route ${entry.route.path} failed to accept a connection: ${(e as Error).message}`,
        );
        ws.close(1011, 'internal error');
      }
    });
  }

  /** The same checks as the HTTP guard: signature (HS256), expiry, access type, then the strategy's user/token-version rules. */
  private async authenticate(token: string): Promise<{ user: AuthUser; expiresAt: number | null }> {
    const tokens = this.moduleRef.get(TokenService, { strict: false });
    const strategy = this.moduleRef.get(JwtStrategy, { strict: false });
    let claims: Record<string, unknown>;
    try {
      claims = jwt.verify(token, tokens.key, { algorithms: ['HS256'] }) as Record<string, unknown>;
    } catch {
      throw new AppError(401, 'INVALID_TOKEN', 'Invalid token');
    }
    const user = await strategy.validate(claims as never);
    return { user, expiresAt: typeof claims.exp === 'number' ? claims.exp * 1000 : null };
  }
}

/** Global: import it once anywhere (ReminderModule does); every module can inject WebSocketUpgradeRegistry. */
@Global()
@Module({ providers: [WebSocketUpgradeRegistry], exports: [WebSocketUpgradeRegistry] })
export class WebSocketUpgradeModule {}

export { WebSocket };
