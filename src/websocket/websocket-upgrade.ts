import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  Injectable,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { WebSocket, WebSocketServer } from 'ws';
import { AccessTokenVerifier } from '../auth/access-token-verifier.js';
import { AuthModule } from '../auth/auth.module.js';
import type { Revocation } from '../auth/session-revocations.js';
import type { AuthUser } from '../common/decorators.js';
import { AppError } from '../common/errors.js';

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
 * (import `WebSocketUpgradeModule` in the module; one registry serves the whole app).
 *
 * Authentication (default on): the access token is read from `?token=…`, `Authorization: Bearer …`, or the
 * `Sec-WebSocket-Protocol` header as `bearer, <token>` (browsers cannot set headers). It is checked by the
 * HTTP guard's own AccessTokenVerifier (signature, HS256, expiry, `type: access`, user exists, token version)
 * and a bad or missing token is refused AT THE HANDSHAKE with an HTTP 401 `{"detail","code"}` — no socket
 * is opened.
 *
 * An open socket lives no longer than its session: it is closed with code 4401 when its token expires or
 * is revoked (logout-all, password change, account erasure). Revocations close sockets at once on every
 * replica (the verifier's onRevoked: SessionRevocations, Redis pub/sub), and every second each socket's
 * expiry and token version are re-checked against the database as a safety net. Clients reconnect with a
 * fresh token.
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
/** How often open sockets are re-checked (expiry, token version): the cross-replica revocation bound. */
const SESSION_CHECK_MS = 1000;
/** Close code (HTTP 401 + 4000) sent when the session of an open socket expires or is revoked. */
export const WS_CLOSE_UNAUTHORIZED = 4401;

/** The session an authenticated socket was opened with. */
interface SocketSession {
  userId: string;
  /** Token version of the access token. */
  tv: number;
  /** Expiry of the access token (ms since the epoch). */
  expiresAt: number;
}

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
  private checker: NodeJS.Timeout | null = null;
  private checking = false;
  private stopRevocations: (() => void) | null = null;
  private readonly alive = new WeakMap<WebSocket, boolean>();
  private readonly sessions = new Map<WebSocket, SocketSession>();
  private readonly byUser = new Map<string, Set<WebSocket>>();

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly verifier: AccessTokenVerifier,
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
    this.checker = setInterval(() => void this.checkAll(), SESSION_CHECK_MS);
    this.checker.unref();
    this.stopRevocations = this.verifier.onRevoked((r) => this.revoke(r));
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.pinger) clearInterval(this.pinger);
    if (this.checker) clearInterval(this.checker);
    this.stopRevocations?.();
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
    let session: SocketSession | null = null;
    if (entry.route.authenticate !== false) {
      const { token } = handshakeToken(req, url);
      if (!token)
        return refuse(socket, 401, 'Unauthorized', {
          detail: 'Not authenticated',
          code: 'NOT_AUTHENTICATED',
        });
      try {
        ({ user, session } = await this.authenticate(token));
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
      if (session) this.track(ws, session);
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

  /**
   * Whether a socket may still receive data: open, and (when authenticated) its token not expired. A socket
   * found expired is closed now rather than at the next re-check, so nothing reaches it after expiry.
   */
  isLive(ws: WebSocket): boolean {
    if (ws.readyState !== WebSocket.OPEN) return false;
    const s = this.sessions.get(ws);
    if (s && s.expiresAt <= Date.now()) {
      this.end(ws, 'token expired');
      return false;
    }
    return true;
  }

  private track(ws: WebSocket, session: SocketSession): void {
    this.sessions.set(ws, session);
    let set = this.byUser.get(session.userId);
    if (!set) this.byUser.set(session.userId, (set = new Set()));
    set.add(ws);
    ws.once('close', () => {
      this.sessions.delete(ws);
      const s = this.byUser.get(session.userId);
      s?.delete(ws);
      if (s && !s.size) this.byUser.delete(session.userId);
    });
  }

  private end(ws: WebSocket, reason: string): void {
    if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING)
      ws.close(WS_CLOSE_UNAUTHORIZED, reason);
  }

  /**
   * Synchronous on purpose: the sockets are closing before the revoking request answers (this replica) or
   * before the next message from Redis is handled (other replicas), so no later push reaches them.
   */
  private revoke({ userId, validFrom }: Revocation): void {
    for (const ws of this.byUser.get(userId) ?? []) {
      const tv = this.sessions.get(ws)?.tv ?? -1;
      if (validFrom === null || tv < validFrom) this.end(ws, 'session revoked');
    }
  }

  /** Every second: close expired sockets, then those whose user's token version moved on (or who is gone). */
  private async checkAll(): Promise<void> {
    if (this.checking || !this.sessions.size) return;
    this.checking = true;
    try {
      const now = Date.now();
      for (const [ws, s] of this.sessions) if (s.expiresAt <= now) this.end(ws, 'token expired');
      await this.checkUsers([...this.byUser.keys()]);
    } catch (e) {
      this.log.warn(`WebSocket session re-check failed: ${(e as Error).message}`);
    } finally {
      this.checking = false;
    }
  }

  /** Closes the sockets of these users opened with a token version older than the current one (or whose account is gone). */
  private async checkUsers(userIds: string[]): Promise<void> {
    const ids = userIds.filter((u) => this.byUser.has(u));
    if (!ids.length) return;
    const versions = await this.verifier.currentVersions(ids);
    for (const id of ids) {
      const current = versions.get(id);
      for (const ws of this.byUser.get(id) ?? []) {
        // `<`, not `!==`: a socket opened with a newer token while the query ran is not stale.
        const tv = this.sessions.get(ws)?.tv ?? -1;
        if (current === undefined || tv < current) this.end(ws, 'session revoked');
      }
    }
  }

  /** The HTTP guard's checks (AccessTokenVerifier); the session keeps what the re-checks need. */
  private async authenticate(token: string): Promise<{ user: AuthUser; session: SocketSession }> {
    const { user, tokenVersion, expiresAt } = await this.verifier.verify(token);
    return { user, session: { userId: user.id, tv: tokenVersion, expiresAt } };
  }
}

/** Imported by every module that serves a WebSocket route (reminders, voice); one registry for the app. */
@Module({
  imports: [AuthModule],
  providers: [WebSocketUpgradeRegistry],
  exports: [WebSocketUpgradeRegistry],
})
export class WebSocketUpgradeModule {}

export { WebSocket };
