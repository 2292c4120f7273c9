import {
  Body,
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  Param,
  Post,
  Put,
  Query,
  type Type,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentUser, type AuthUser } from '../../common/decorators.js';
import { ApiErrors } from '../../common/swagger.js';
import type { RecordLinks } from '../../locusgraph/locusgraph.types.js';
import { RelatedToQuery } from './dto.js';
import { relatedLinks } from './record-crud.js';

/** What the generated routes of a resource call: its service (records/record-service.ts) or a facade over one. */
export interface RecordResource {
  list?(user: AuthUser, query: object): Promise<unknown>;
  /** The list's JSON body as text (RecordService); the list route prefers it to `list`. */
  listJson?(user: AuthUser, query: object): Promise<string>;
  get?(user: AuthUser, id: string): Promise<unknown>;
  create?(user: AuthUser, body: object, links?: Partial<RecordLinks>): Promise<unknown>;
  update?(user: AuthUser, id: string, body: object): Promise<unknown>;
  remove?(user: AuthUser, id: string): Promise<void>;
}

/** A per-user singleton (the profile, no `param`): the same verbs without an id. */
export interface SingletonResource {
  get?(user: AuthUser): Promise<unknown>;
  create?(user: AuthUser, body: object): Promise<unknown>;
  update?(user: AuthUser, body: object): Promise<unknown>;
  remove?(user: AuthUser): Promise<void>;
}

type Verb = Exclude<keyof RecordResource, 'listJson'>;
type ErrorStatus = Parameters<typeof ApiErrors>[number];

/** One route: its OpenAPI summary and error codes, and what differs from the usual. */
export interface RouteOptions {
  summary: string;
  /** Error statuses besides the defaults of ApiErrors (401, 429). */
  errors?: ErrorStatus[];
  /** Handler name, the second half of the operationId (`Vitals_list`). Default: the verb. */
  name?: string;
  /** Path under the controller's. Default: `''` for list/create, `:<param>` for get/update/remove. */
  path?: string;
  /** Response status. Default: 201 for create, 204 for remove, else 200. */
  status?: 200 | 201 | 204;
  deprecated?: boolean;
}

export interface RecordRoutesOptions<C> {
  /** The resource behind the routes, from the controller instance (usually its injected service). */
  resource: (controller: C) => RecordResource | SingletonResource;
  /** Path parameter of one record (`vitals_id`); none for a per-user singleton (the profile). */
  param?: string;
  dto: {
    /** Response body of one record (the list answers an array of it). */
    response: Type;
    create?: Type;
    update?: Type;
    /** Query of the list route (paging, filters). */
    list?: Type;
    /** Create takes the original's `?related_to=<context id>` and links the new record to it. */
    relatedTo?: boolean;
  };
  /** The routes, in the order the OpenAPI document lists them. */
  routes: Partial<Record<Verb, RouteOptions>>;
}

export interface RecordControllerOptions<C> extends RecordRoutesOptions<C> {
  /** Controller path (`api/vitals`) and Swagger tag. */
  path: string;
  tag: string;
  /**
   * Handler names in document order, when the class adds routes of its own between the generated ones
   * (`['list', 'create', 'batch', 'get', 'update', 'remove']`). Default: the class's own, then the generated.
   */
  order?: string[];
}

type ParamSpec = [ParameterDecorator, Type];

/** The HTTP method and parameters of each verb; the handler passes its arguments on in the same order. */
function routeOf<C>(
  verb: Verb,
  o: RecordRoutesOptions<C>,
  path: string,
): { method: MethodDecorator; params: ParamSpec[] } {
  const user: ParamSpec = [CurrentUser(), Object];
  const id: ParamSpec[] = o.param ? [[Param(o.param), String]] : [];
  const body: ParamSpec = [Body(), (verb === 'create' ? o.dto.create : o.dto.update) ?? Object];
  switch (verb) {
    case 'list':
      return { method: Get(path), params: [user, [Query(), o.dto.list ?? Object]] };
    case 'get':
      return { method: Get(path), params: [user, ...id] };
    case 'create':
      return {
        method: Post(path),
        params: [user, body, ...(o.dto.relatedTo ? [[Query(), RelatedToQuery] as ParamSpec] : [])],
      };
    case 'update':
      return { method: Put(path), params: [user, ...id, body] };
    case 'remove':
      return { method: Delete(path), params: [user, ...id] };
  }
}

/** Calls `verb` of the resource with the handler's arguments (create: `?related_to` becomes links). */
function call(resource: object, verb: Verb, args: unknown[]): Promise<unknown> {
  const r = resource as RecordResource;
  if (verb === 'list' && typeof r.listJson === 'function') return r.listJson(...(args as [AuthUser, object]));
  const f: unknown = (resource as Partial<Record<Verb, unknown>>)[verb];
  if (typeof f !== 'function') throw new Error(`RecordController: the resource has no ${verb}()`);
  if (verb === 'create' && args.length === 3) {
    const [user, body, q] = args;
    return f.call(resource, user, body, relatedLinks((q as RelatedToQuery).related_to)) as Promise<unknown>;
  }
  return f.apply(resource, args) as Promise<unknown>;
}

/** The Swagger response of a verb: the record, an array of them, or 204. */
function responseOf(verb: Verb, status: number, type: Type): MethodDecorator {
  if (status === 204) return ApiNoContentResponse({ description: 'Erased' });
  if (verb === 'list') return ApiOkResponse({ type: [type] });
  return status === 201 ? ApiCreatedResponse({ type }) : ApiOkResponse({ type });
}

/**
 * Adds the plain CRUD routes of one resource to a controller class: each handler with its HTTP method,
 * status, parameters (typed for the validation pipe: `design:paramtypes` names the DTO classes) and its
 * Swagger operation, response type and error codes, exactly as if written by hand. Several can be stacked
 * on one class (the legacy `/api/health` routes serve food and vitals).
 */
export function RecordRoutes<C>(o: RecordRoutesOptions<C>): (target: Type<C>) => void {
  return (target) => {
    const proto = target.prototype as Record<string, unknown>;
    for (const [verb, r] of Object.entries(o.routes) as [Verb, RouteOptions][]) {
      const name = r.name ?? verb;
      const status = r.status ?? (verb === 'create' ? 201 : verb === 'remove' ? 204 : 200);
      const idPath = o.param ? `:${o.param}` : '';
      const path = r.path ?? (verb === 'list' || verb === 'create' ? '' : idPath);
      const route = routeOf(verb, o, path);
      const resource = o.resource;
      const handler = function (this: C, ...args: unknown[]): Promise<unknown> {
        return call(resource(this), verb, args);
      };
      // Nest and Swagger read a handler's metadata by its function name too (the operationId comes from it).
      Object.defineProperty(handler, 'name', { value: name });
      Object.defineProperty(proto, name, { value: handler, writable: true, configurable: true });
      const descriptor = Object.getOwnPropertyDescriptor(proto, name)!;
      // Written-out order of a hand-made handler; TypeScript applies method decorators bottom-up.
      const decorators: MethodDecorator[] = [
        route.method,
        HttpCode(status),
        // A list may answer its body as text (listJson): sent as is under the type Fastify gives JSON.
        ...(verb === 'list' ? [Header('Content-Type', 'application/json; charset=utf-8')] : []),
        ApiOperation({ summary: r.summary, ...(r.deprecated ? { deprecated: true } : {}) }),
        responseOf(verb, status, o.dto.response),
        ApiErrors(...(r.errors ?? [])),
      ];
      for (const d of decorators.reverse()) d(proto, name, descriptor);
      route.params.forEach(([decorate], i) => decorate(proto, name, i));
      Reflect.defineMetadata(
        'design:paramtypes',
        route.params.map(([, type]) => type),
        proto,
        name,
      );
    }
  };
}

/**
 * A controller of one record resource: `@RecordController({...}) export class VitalsController { constructor(readonly vitals: VitalsService) {} }`
 * declares the path, tag, bearer auth and the plain routes; the class adds only routes with rules of their
 * own (batches, sub-resources). See docs/health-data.md, "Adding a record type".
 */
export function RecordController<C>(o: RecordControllerOptions<C>): (target: Type<C>) => void {
  return (target) => {
    RecordRoutes(o)(target);
    ApiTags(o.tag)(target);
    ApiBearerAuth()(target);
    Controller(o.path)(target);
    if (o.order) reorder(target.prototype as object, o.order);
  };
}

/** Moves handlers to the given order (the OpenAPI document lists paths in handler order). */
export function reorder(proto: object, names: string[]): void {
  for (const name of names) {
    const d = Object.getOwnPropertyDescriptor(proto, name);
    if (!d) throw new Error(`reorder: no handler ${name}`);
    delete (proto as Record<string, unknown>)[name];
    Object.defineProperty(proto, name, d);
  }
}
