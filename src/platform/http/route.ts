import Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import type { z } from 'zod';
import type { OpenApiRegistry } from './openapi.ts';
import { validate, type Input, type InputSchemas } from './validate.ts';

export interface RouteDef<S extends InputSchemas> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  summary: string;
  /** Authenticator guarding the route; every module route names one. */
  auth: { middleware: Middleware; scheme: string };
  input?: S;
  /** Documentation-only schemas, for bodies the handler parses itself. */
  docs?: { body?: z.ZodType };
  /** Middleware between auth and validation (e.g. rate limiting). */
  before?: Middleware[];
  handler: (
    input: Input<S>,
    ctx: Context,
  ) => Promise<{ status?: number; body: unknown; headers?: Record<string, string> }>;
}

/** A module router where every route is declared as auth → validate(schema) → handler. */
export class ModuleRouter {
  readonly router: Router;
  private readonly tag: string;
  private readonly prefix: string;
  private readonly registry: OpenApiRegistry;

  constructor(opts: { prefix: string; tag: string; registry: OpenApiRegistry }) {
    this.router = new Router({ prefix: opts.prefix });
    this.prefix = opts.prefix;
    this.tag = opts.tag;
    this.registry = opts.registry;
  }

  route<S extends InputSchemas>(def: RouteDef<S>): this {
    const input = (def.input ?? {}) as S;
    this.registry.add({
      method: def.method,
      path: this.prefix + def.path,
      summary: def.summary,
      tag: this.tag,
      security: def.auth.scheme,
      input: { ...input, ...def.docs },
    });
    this.router[def.method](def.path, def.auth.middleware, ...(def.before ?? []), validate(input), async (ctx) => {
      const out = await def.handler(ctx.state.input as Input<S>, ctx);
      ctx.status = out.status ?? 200;
      if (out.headers) ctx.set(out.headers);
      ctx.body = out.body;
    });
    return this;
  }
}
