import Router from '@koa/router';
import type { Middleware } from 'koa';
import type { OpsContext } from './state.ts';
import type { z } from 'zod';
import type { Authenticator } from '../auth/operator-auth.ts';
import { requireRole, type Access } from '../auth/roles.ts';
import type { MountedModule } from './app.ts';
import type { OpenApiRegistry } from './openapi.ts';
import { validate, type Input, type InputSchemas } from './validate.ts';

export interface RouteDef<S extends InputSchemas, St = object> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  summary: string;
  /**
   * Who may call it: the least operator role (reads viewer, changes operator,
   * deletion and access management admin), or `public`. Every route says.
   */
  access: Access;
  /** The authenticator that finds the principal; a public route may have its own (a token) or none. */
  auth?: Authenticator;
  input?: S;
  /** Documentation-only schemas, for bodies the handler parses itself. */
  docs?: { body?: z.ZodType };
  /** Middleware between auth and validation (e.g. rate limiting). */
  before?: Middleware[];
  handler: (
    input: Input<S>,
    ctx: OpsContext<St>,
  ) => Promise<{ status?: number; body: unknown; headers?: Record<string, string> }>;
}

/**
 * A module router where every route is declared as
 * envelope → auth → role → (before) → validate(schema) → handler.
 */
export class ModuleRouter {
  readonly router: Router;
  private readonly tag: string;
  private readonly prefix: string;
  private readonly envelope: string;
  private readonly registry: OpenApiRegistry;

  constructor(opts: { prefix: string; tag: string; envelope: string; registry: OpenApiRegistry }) {
    this.router = new Router({ prefix: opts.prefix });
    this.prefix = opts.prefix;
    this.tag = opts.tag;
    this.envelope = opts.envelope;
    this.registry = opts.registry;
  }

  route<S extends InputSchemas, St = object>(def: RouteDef<S, St>): this {
    if (def.access !== 'public' && !def.auth)
      throw new Error(`${def.method} ${this.prefix}${def.path}: a ${def.access} route needs an authenticator`);
    const input = (def.input ?? {}) as S;
    this.registry.add({
      method: def.method,
      path: this.prefix + def.path,
      summary: def.summary,
      tag: this.tag,
      security: def.auth?.schemes ?? [],
      access: def.access,
      input: { ...input, ...def.docs },
    });
    // Errors answer in this route's envelope, even where two modules share a prefix.
    const envelope: Middleware = (ctx, next) => {
      ctx.state.envelope = this.envelope;
      return next();
    };
    const guard = [
      ...(def.auth ? [def.auth.middleware] : []),
      ...(def.access === 'public' ? [] : [requireRole(def.access)]),
    ];
    this.router[def.method](def.path, envelope, ...guard, ...(def.before ?? []), validate(input), async (ctx) => {
      const typed = ctx as OpsContext<St>;
      const out = await def.handler(typed.state.input as Input<S>, typed);
      ctx.status = out.status ?? 200;
      if (out.headers) ctx.set(out.headers);
      ctx.body = out.body;
    });
    return this;
  }

  /** The routes declared so far, to be mounted under this router's prefix and envelope. */
  mounted(): MountedModule {
    return { prefix: this.prefix, envelope: this.envelope, router: this.router };
  }
}
