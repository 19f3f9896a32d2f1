import type { Middleware } from 'koa';
import { z } from 'zod';
import { validationError, type FieldIssue } from './errors.ts';
import { unstorableStrings } from './text-guard.ts';

/** For bodies that carry nothing: anything sent is refused, so a mistaken payload is never silently ignored. */
export const emptyBody = z.object({}).strict();

export interface InputSchemas {
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
}

export type Input<S extends InputSchemas> = {
  [K in keyof S]-?: NonNullable<S[K]> extends z.ZodType ? z.output<NonNullable<S[K]>> : never;
};

/** A zod error as field issues, each field named from `where` (body, query, payload…). */
export function issuesOf(where: string, error: z.ZodError): FieldIssue[] {
  return error.issues.map((i) => ({
    field: [where, ...i.path.map(String)].join('.'),
    message: i.message,
  }));
}

/**
 * Parses params, query and body with their schemas into ctx.state.input. Every
 * failing field is reported at once, so a caller can fix a request in one go.
 * Any string that PostgreSQL could not store (NUL, unpaired surrogates) is
 * refused in every part, whether or not the route reads that part.
 */
export function validate(schemas: InputSchemas): Middleware {
  return async (ctx, next) => {
    const issues: FieldIssue[] = [];
    const input: Record<string, unknown> = {};
    const sources: Record<string, unknown> = {
      params: ctx.params ?? {},
      query: ctx.query,
      body: ctx.request.body ?? {},
    };
    for (const key of ['params', 'query', 'body'] as const) issues.push(...unstorableStrings(sources[key], key));
    if (issues.length) throw validationError(issues);
    for (const key of ['params', 'query', 'body'] as const) {
      const schema = schemas[key];
      if (!schema) continue;
      const parsed = schema.safeParse(sources[key]);
      if (parsed.success) input[key] = parsed.data;
      else issues.push(...issuesOf(key, parsed.error));
    }
    if (issues.length) throw validationError(issues);
    ctx.state.input = input;
    await next();
  };
}
