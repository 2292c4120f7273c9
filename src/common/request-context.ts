import { AsyncLocalStorage } from 'node:async_hooks';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * The current HTTP request, readable from any depth of the call chain without threading parameters
 * (AsyncLocalStorage, entered in a Fastify `onRequest` hook — see registerRequestContext in app.factory.ts).
 * Outside a request (scheduler, CLI, start-up) there is no context and every function here is a no-op.
 *
 * Its first user is the access audit: the gateway notes each health-data access (`noteRecordAccess`) and the
 * request's accesses are written to the access log before the response is sent (src/auth/access-log.service.ts).
 */

/** `shared`: someone opened a report through the user's share link (record type `report`, id = the link). */
export type AccessOperation =
  'read' | 'list' | 'create' | 'update' | 'delete' | 'export' | 'erase' | 'shared';

/** One access to health data: what, how, whose. Never a value of the record. */
export interface RecordAccess {
  /** Context type (`vitals`, `food_log`…), or `*` for whole-account operations (export, erase). */
  recordType: string;
  operation: AccessOperation;
  /** The record id for a single-record access; null for lists and whole-account operations. */
  recordId: string | null;
  /** Owner of the data accessed (null: shared records such as the meditation catalogue). */
  ownerId: string | null;
  /** Records touched (items returned by a list). */
  count: number;
}

export interface RequestContext {
  /** `req.id` (echoed as X-Request-Id). */
  readonly requestId: string;
  /** The authenticated user once the guard has run; null for anonymous requests. */
  readonly userId: string | null;
  /** The route template (`/api/vitals/:id`), never the URL; null before routing or outside Fastify. */
  readonly route: string | null;
  /** Health-data accesses noted during this request, in order. */
  readonly accesses: RecordAccess[];
  /** Other people whose data this request may read under a care-circle grant (checked before reading). */
  readonly grantedOwners: Set<string>;
}

interface RequestLike {
  id: string;
  user?: { id?: string } | null;
  routeOptions?: { url?: string };
}

class RequestState implements RequestContext {
  readonly accesses: RecordAccess[] = [];
  readonly grantedOwners = new Set<string>();
  constructor(private readonly req: RequestLike) {}
  get requestId(): string {
    return this.req.id;
  }
  get userId(): string | null {
    return this.req.user?.id ?? null;
  }
  get route(): string | null {
    return this.req.routeOptions?.url ?? null;
  }
}

const storage = new AsyncLocalStorage<RequestState>();
/** Each Fastify request's state, for the `onSend` hook (which may run outside the request's async context). */
const states = new WeakMap<FastifyRequest, RequestState>();

/** The context of the request being served, if any. */
export function currentRequest(): RequestContext | undefined {
  return storage.getStore();
}

/** Notes an access to health data in the current request (ignored outside a request). */
export function noteRecordAccess(access: RecordAccess): void {
  storage.getStore()?.accesses.push(access);
}

/**
 * Notes that the caller reads `ownerId`'s data under a care-circle grant: those accesses are then logged in the
 * owner's access log with the caller as actor (any other access to another person's data is not logged).
 */
export function noteGrantedOwner(ownerId: string): void {
  storage.getStore()?.grantedOwners.add(ownerId);
}

/** Runs `fn` outside any request (background work started by a request that must not be audited as it). */
export function outsideRequest<T>(fn: () => T): T {
  return storage.exit(fn);
}

/** Runs `fn` as if serving `req` (tests, and callers that serve requests outside Fastify). */
export function runInRequestContext<T>(req: RequestLike, fn: () => T): T {
  return storage.run(new RequestState(req), fn);
}

/** What happens with a request's accesses before its response leaves (awaited: the audit is written first). */
export type RequestEndHandler = (ctx: RequestContext) => Promise<void> | void;

/**
 * Registers the context on a Fastify instance: every request runs inside its own context from `onRequest`
 * on, and `onEnd` (if given) sees the context in `onSend`, before the response is written.
 */
export function registerRequestContext(fastify: FastifyInstance, onEnd?: RequestEndHandler): void {
  fastify.addHook('onRequest', (req: FastifyRequest, _reply: FastifyReply, done: () => void) => {
    const state = new RequestState(req as RequestLike);
    states.set(req, state);
    storage.run(state, done);
  });
  if (!onEnd) return;
  fastify.addHook('onSend', async (req: FastifyRequest, _reply: FastifyReply, payload: unknown) => {
    const state = states.get(req);
    if (state && state.accesses.length) await onEnd(state);
    return payload;
  });
}
