import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import helmet from 'helmet';
import multipart from '@fastify/multipart';
import { ModulesContainer, NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { AppModule } from './app.module.js';
import { AccessLogService } from './auth/access-log/access-log.service.js';
import { MAX_BATCH_ITEMS } from './health-data/batch/batch.js';
import { ErrorCode } from './common/errors.js';
import { registerCors } from './common/cors.js';
import { budgetedJsonParser } from './common/json-body.js';
import { registerMethodNotAllowed } from './common/method-not-allowed.js';
import { registerRequestContext } from './common/request-context.js';
import { documentForClients } from './common/openapi-clients.js';
import { documentFrameworkErrors, documentValidatedTypes } from './common/swagger.js';
import type { AppConfig } from './config/app-config.js';
import { createRootLogger, PinoNestLogger } from './ops/logger.js';
import { histogram } from './ops/metrics.js';
import { SentryReporter, setErrorReporter } from './ops/sentry.js';
import { ShutdownState } from './ops/shutdown-state.js';
import { currentTraceId, registerServerSpans } from './ops/trace.js';

const VERSION: string = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Response headers of every data route (OWASP REST Security Cheat Sheet, "Security Headers"). */
const API_SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
});

/** The Swagger UI and its assets (`/docs`, `/docs/…`); `/docs-json` and `/docs-yaml` are data. */
const isDocsUrl = (url: string): boolean =>
  url === '/docs' || url.startsWith('/docs/') || url.startsWith('/docs?');

const httpDuration = histogram({
  name: 'podd_http_request_duration_seconds',
  help: 'HTTP request duration by method, route template and status',
  labelNames: ['method', 'route', 'status_code'],
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
});

export interface CreateAppOptions {
  /** Root logger; defaults to JSON on stdout at config.logLevel. */
  logger?: Logger;
}

/**
 * Builds the whole application (not yet listening): Fastify adapter, security headers, CORS, request ids,
 * access logs, metrics, Swagger, and the Nest module graph. Used by main.ts and by the e2e tests alike.
 */
export async function createApp(
  config: AppConfig,
  options: CreateAppOptions = {},
): Promise<NestFastifyApplication> {
  const log = options.logger ?? createRootLogger(config.logLevel);
  setErrorReporter(config.sentryDsn ? new SentryReporter(config.sentryDsn, config.nodeEnv, VERSION) : null);
  const adapter = new FastifyAdapter({
    bodyLimit: config.bodyLimitBytes,
    // Fastify's options type has no hop count (a number), which Fastify (proxy-addr) accepts and TRUST_PROXY allows.
    trustProxy: config.trustProxy as never,
    logger: false,
    return503OnClosing: true,
    // Path parameters up to 1,000 characters reach the route (token check first: 401 without one, then the
    // lookup's 404); the router's own 100 answered an unknown id before the token with a 414 echoing the path.
    routerOptions: { maxParamLength: 1000 },
    // What the router still refuses before any handler (a longer parameter, a malformed percent-encoding), in
    // the shape of every error and without echoing the path: no id is that long, so it is the 404 of an unknown id.
    frameworkErrors: (error: { code: string }, _req: FastifyRequest, reply: FastifyReply) => {
      reply.headers(API_SECURITY_HEADERS); // answered before any hook: the security headers are set here
      if (error.code === 'FST_ERR_MAX_PARAM_LENGTH')
        return reply.code(404).send({ detail: 'Not found', code: ErrorCode.NOT_FOUND });
      if (error.code === 'FST_ERR_BAD_URL')
        return reply.code(400).send({ detail: 'Malformed request target', code: ErrorCode.BAD_REQUEST });
      return reply.code(500).send({ detail: 'Internal server error', code: ErrorCode.INTERNAL_ERROR });
    },
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    logger: new PinoNestLogger(log.child({ component: 'nest' })),
    abortOnError: false,
    // JSON only (the API documents no other body type), through the budgeted parser below.
    bodyParser: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  app.useBodyParser('application/json', { bodyLimit: config.bodyLimitBytes }, budgetedJsonParser(fastify));

  // Security headers. Everything but the Swagger UI answers data (JSON, the doctor's report, metrics): OWASP's
  // REST set, one precomputed object — no cache may keep health data, nothing may frame or run it. Helmet's
  // browser set (twelve headers, built once) only for the Swagger UI, an HTML application.
  const docsHeaders = helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'validator.swagger.io'],
        styleSrc: ["'self'", "'unsafe-inline'"],
        scriptSrc: ["'self'", "'unsafe-inline'"],
      },
    },
    crossOriginEmbedderPolicy: false,
  });
  fastify.addHook('onRequest', (req: FastifyRequest, reply: FastifyReply, done: (e?: Error) => void) => {
    if (!isDocsUrl(req.url)) {
      reply.headers(API_SECURITY_HEADERS);
      return done();
    }
    docsHeaders(req.raw, reply.raw, (e?: unknown) => done(e as Error | undefined));
  });
  registerServerSpans(fastify); // early, so every later hook runs inside the request's span
  const access = log.child({ component: 'http' });
  const shutdown = app.get(ShutdownState);
  fastify.addHook('onRequest', (req: FastifyRequest, reply: FastifyReply, done: () => void) => {
    reply.header('x-request-id', req.id);
    // With tracing on, every response (errors included) names its trace beside the request id.
    const traceId = currentTraceId();
    if (traceId) reply.header('x-trace-id', traceId);
    // While draining, answer and close the connection so keep-alive sockets do not hold the shutdown open.
    if (shutdown.shuttingDown) reply.header('connection', 'close');
    done();
  });
  registerCors(fastify, {
    origins: config.corsOrigins,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    allowedHeaders: ['Authorization', 'Content-Type', 'X-Request-Id', 'Accept', 'Accept-Language'],
    exposedHeaders: [
      'X-Request-Id',
      'X-Trace-Id',
      'X-RateLimit-Limit',
      'X-RateLimit-Remaining',
      'X-RateLimit-Reset',
      'Retry-After',
    ],
    maxAgeSeconds: 600,
  }); // after the headers and ids (a preflight carries them), before the 405s (a preflight is answered, not refused)
  registerMethodNotAllowed(fastify); // its 405 is answered from an onRequest hook
  await app.register(multipart, {
    limits: { fileSize: config.uploadLimitBytes, files: 1, fields: 20 },
  });

  // Request context (request id, user) for deep layers; the health-data accesses it collects are audited.
  const accessLog = app.get(AccessLogService);
  registerRequestContext(fastify, (ctx) => accessLog.record(ctx));
  // One access-log line and one histogram sample per request: method, route template, status, duration.
  // No URLs with query strings, no bodies, no headers: nothing here can carry a token or a health value.
  fastify.addHook('onResponse', (req: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const route = req.routeOptions?.url ?? 'unmatched';
    const seconds = reply.elapsedTime / 1000;
    httpDuration.observe({ method: req.method, route, status_code: String(reply.statusCode) }, seconds);
    if (route !== '/health/live' && route !== '/metrics') {
      const user = (req as { user?: { id?: string } }).user?.id;
      access.info(
        {
          req_id: req.id,
          method: req.method,
          route,
          status: reply.statusCode,
          ms: Math.round(reply.elapsedTime * 10) / 10,
          user,
        },
        'request',
      );
    }
    done();
  });

  SwaggerModule.setup('docs', app, buildOpenApi(app), {
    jsonDocumentUrl: 'docs-json',
    yamlDocumentUrl: 'docs-yaml',
    // Keep the token across reloads of the page while trying routes out.
    swaggerOptions: { persistAuthorization: true },
  });
  await app.init();
  await fastify.ready();
  return app;
}

export function buildOpenApi(app: NestFastifyApplication): OpenAPIObject {
  const doc = new DocumentBuilder()
    .setTitle('Podd API')
    .setDescription(
      'Personal health assistant API. Every /api route needs `Authorization: Bearer <access token>` unless marked public. ' +
        'Errors are `{"detail", "code"}`; validation errors are 422 with `detail` as a list of `{loc, msg, type}` ' +
        '(`loc` entries are strings, array indexes too). Timestamps of records are in your time zone; account ' +
        'metadata (user, access log, export envelope) is UTC.\n\n' +
        '**Getting a token:** call `POST /api/auth/register` (or `POST /api/auth/login`), copy `access_token` ' +
        'from the response, press **Authorize** and paste it. Refresh it with `POST /api/auth/refresh`.',
    )
    .setVersion(VERSION)
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  // Request DTO classes of every route (parameters of the controllers' handlers) and of each operation,
  // for documentValidatedTypes.
  const dtos: object[] = [];
  const operations = new Map<string, object[]>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const { metatype } of module.controllers.values()) {
      const proto = (metatype as { prototype?: object } | null)?.prototype;
      if (!proto) continue;
      for (const method of Object.getOwnPropertyNames(proto)) {
        const params = Reflect.getMetadata('design:paramtypes', proto, method) as unknown[] | undefined;
        const classes = (params ?? []).filter((p): p is object => typeof p === 'function');
        dtos.push(...classes);
        operations.set(operationId((metatype as { name: string }).name, method), classes);
      }
    }
  }
  return documentForClients(
    documentValidatedTypes(
      documentFrameworkErrors(SwaggerModule.createDocument(app, doc, { operationIdFactory: operationId })),
      dtos,
      operations,
      { minItems: 1, maxItems: MAX_BATCH_ITEMS },
    ),
  );
}

const operationId = (controller: string, method: string): string =>
  `${controller.replace(/Controller$/, '')}_${method}`;
