import Koa, { type Context, type Middleware } from 'koa';
import Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import { RequestContext } from '@mikro-orm/core';
import type { MikroORM } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { TemporalHandle } from '../temporal/client.ts';
import { AppError } from './errors.ts';
import { platformEnvelope, type ErrorRenderer } from './envelopes.ts';
import type { OpenApiRegistry } from './openapi.ts';
import type { OpsContext } from './state.ts';

export interface MountedModule {
  prefix: string;
  /** The envelope of errors under this prefix that no route answered (a route names its own). */
  envelope: string;
  router: Router;
}

export interface AppDeps {
  orm: MikroORM;
  temporal: TemporalHandle;
  logger: Logger;
  metrics: Metrics;
  openapi: OpenApiRegistry;
  bodyLimit: string;
  /** Proxies in front of the API whose X-Forwarded-* headers are believed (0: none). */
  trustedProxyHops: number;
  modules: MountedModule[];
  /** Every module's envelopes by name. */
  envelopes: Record<string, ErrorRenderer>;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The route's own envelope, else that of the prefix the path falls under, else the platform's. */
function rendererFor(ctx: Context, deps: AppDeps): ErrorRenderer {
  const path = ctx.path;
  const name =
    (ctx as OpsContext).state.envelope ??
    deps.modules.find((m) => path === m.prefix || path.startsWith(`${m.prefix}/`))?.envelope;
  return (name && deps.envelopes[name]) || platformEnvelope;
}

/** Turns anything thrown below into the module's error envelope; unknown errors never leak details. */
function errorMiddleware(deps: AppDeps): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined)
        throw new AppError(404, 'NOT_FOUND', `No route for ${ctx.method} ${ctx.path}`);
    } catch (raw) {
      const err = toAppError(raw, ctx, deps.logger);
      ctx.status = err.status;
      if (err.headers) ctx.set(err.headers);
      ctx.body = rendererFor(ctx, deps)(err);
    }
  };
}

function toAppError(raw: unknown, ctx: Context, logger: Logger): AppError {
  if (raw instanceof AppError) {
    // A typed 5xx answers in general terms; what really happened is logged here.
    if (raw.status >= 500)
      logger.error(
        { err: raw.cause ?? raw, code: raw.code, requestId: ctx.state.requestId, path: decodedPath(ctx.path) },
        'request failed',
      );
    return raw;
  }
  const e = raw as { status?: number; type?: string; message?: string; expose?: boolean };
  if (e?.status === 413) return new AppError(413, 'PAYLOAD_TOO_LARGE', 'Request body is too large');
  if (e?.status === 415) return new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json');
  // Only the body parser throws plain 400s here (our own errors are AppErrors).
  if (e?.status === 400) return new AppError(400, 'INVALID_JSON', 'Request body is not valid JSON');
  if (e?.status === 405 || e?.status === 501)
    return new AppError(405, 'METHOD_NOT_ALLOWED', `${ctx.method} is not allowed on ${ctx.path}`);
  logger.error({ err: raw, requestId: ctx.state.requestId, path: decodedPath(ctx.path) }, 'unhandled error');
  return new AppError(500, 'INTERNAL_ERROR', `Internal error; see the server logs for request ${ctx.state.requestId}`);
}

function observe(deps: AppDeps): Middleware {
  return async (ctx, next) => {
    const incoming = ctx.get('x-request-id');
    const requestId = REQUEST_ID.test(incoming) ? incoming : randomUUID();
    ctx.state.requestId = requestId;
    ctx.set('X-Request-Id', requestId);
    // Behind TLS (directly or through a trusted proxy) browsers are told to stay on https.
    if (ctx.secure) ctx.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    const end = deps.metrics.httpDuration.startTimer();
    try {
      await next();
    } finally {
      const route = (ctx as Context & { _matchedRoute?: string })._matchedRoute ?? 'unmatched';
      end({ method: ctx.method, route: String(route), status: String(ctx.status) });
      // The path is logged decoded, so the logger's scrubbing sees a phone number or email in it.
      deps.logger.info(
        {
          requestId,
          method: ctx.method,
          route,
          path: decodedPath(ctx.path),
          status: ctx.status,
          workflowId: ctx.state.workflowId,
        },
        'request',
      );
    }
  };
}

function decodedPath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

function platformRoutes(deps: AppDeps): Router {
  const router = new Router();
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    // What failed is logged with the request id; the answer says only that it is down.
    const probe = (name: string, check: () => Promise<unknown>) =>
      check().then(
        () => 'ok',
        (err: Error) => {
          deps.logger.warn({ err, requestId: ctx.state.requestId, dependency: name }, 'readiness check failed');
          return 'down';
        },
      );
    const checks = await Promise.all([
      probe('database', () => deps.orm.em.getConnection().execute('select 1')),
      probe('temporal', () => deps.temporal.connection.healthService.check({})),
    ]);
    const [database, temporal] = checks;
    const ready = checks.every((c) => c === 'ok');
    ctx.status = ready ? 200 : 503;
    ctx.body = { status: ready ? 'ready' : 'not_ready', checks: { database, temporal } };
  });
  router.get('/metrics', async (ctx) => {
    ctx.type = deps.metrics.registry.contentType;
    ctx.body = await deps.metrics.registry.metrics();
  });
  router.get('/openapi.json', (ctx) => {
    ctx.body = deps.openapi.document({ title: 'Ops Platform', version: '1.0.0' });
  });
  return router;
}

/** Builds the Koa app from its dependencies; nothing listens until the caller says so. */
export function createApp(deps: AppDeps): Koa {
  // Only the addresses the trusted proxies appended count: anything to their left
  // in X-Forwarded-For was written by the caller and is ignored.
  const app = new Koa({ proxy: deps.trustedProxyHops > 0, maxIpsCount: deps.trustedProxyHops });
  app.use(observe(deps));
  app.use(errorMiddleware(deps));
  app.use(
    bodyParser({
      enableTypes: ['json', 'form'],
      jsonLimit: deps.bodyLimit,
      encoding: 'utf-8',
      parsedMethods: ['POST', 'PUT', 'PATCH', 'DELETE'],
    }),
  );
  // One identity map per request: entities never leak between requests.
  app.use((_ctx, next) => RequestContext.create(deps.orm.em, next));
  const platform = platformRoutes(deps);
  app.use(platform.routes());
  for (const m of deps.modules) {
    app.use(m.router.routes());
    app.use(m.router.allowedMethods({ throw: true }));
  }
  return app;
}
