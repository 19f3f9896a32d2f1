import { z } from 'zod';
import { auditContextFrom } from '../audit/audit.ts';
import type { MountedModule } from '../http/app.ts';
import { ModuleRouter } from '../http/route.ts';
import type { PlatformServices } from '../module.ts';
import { createAccessService } from './access.service.ts';
import { ROLES } from './roles.ts';
import type { EntityManager } from '@mikro-orm/postgresql';

export const ACCESS_PREFIX = '/api/admin';

const name = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9._@-]+$/, 'may only contain letters, digits and . _ @ -');
const password = z.string().min(12, 'must be at least 12 characters').max(1000);
const role = z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` });

const operatorParams = z.object({ username: name });
const keyParams = z.object({ name });
const createOperatorBody = z.object({ username: name, password, role }).strict();
const updateOperatorBody = z
  .object({
    role: role.optional(),
    disabled: z.boolean({ error: 'must be a boolean' }).optional(),
    password: password.optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: 'send role, disabled and/or password' });
const createKeyBody = z
  .object({
    name,
    role,
    expiresAt: z.iso
      .datetime({ offset: true, error: 'must be an ISO 8601 date-time' })
      .transform((v) => new Date(v))
      .refine((d) => d.getTime() > Date.now(), 'must be in the future')
      .optional(),
  })
  .strict();

const ok = <T>(data: T) => ({ success: true as const, data });

/** Operator accounts and keys (admin only; every change audited). */
export function createAccessRoutes(p: PlatformServices): MountedModule {
  const svc = createAccessService(() => p.orm.em as EntityManager);
  const auth = p.operators.guard();
  const r = new ModuleRouter({ prefix: ACCESS_PREFIX, tag: 'access', envelope: 'access', registry: p.openapi });
  r.route({
    method: 'get',
    path: '/operators',
    summary: 'Operator accounts (no passwords)',
    auth,
    access: 'admin',
    handler: async () => ({ body: ok(await svc.listOperators()) }),
  });
  r.route({
    method: 'post',
    path: '/operators',
    summary: 'Create an operator account',
    auth,
    access: 'admin',
    input: { body: createOperatorBody },
    handler: async ({ body }, ctx) => ({
      status: 201,
      body: ok(await svc.createOperator(auditContextFrom(ctx), body)),
    }),
  });
  r.route({
    method: 'patch',
    path: '/operators/:username',
    summary: 'Change role, disable/enable, or reset the password (ends its sessions)',
    auth,
    access: 'admin',
    input: { params: operatorParams, body: updateOperatorBody },
    handler: async ({ params, body }, ctx) => ({
      body: ok(await svc.updateOperator(auditContextFrom(ctx), params.username, body)),
    }),
  });
  r.route({
    method: 'get',
    path: '/operator-keys',
    summary: 'Operator API keys (names, roles, expiry; never the keys)',
    auth,
    access: 'admin',
    handler: async () => ({ body: ok(await svc.listKeys()) }),
  });
  r.route({
    method: 'post',
    path: '/operator-keys',
    summary: 'Create an operator API key; the key is shown once',
    auth,
    access: 'admin',
    input: { body: createKeyBody },
    handler: async ({ body }, ctx) => ({ status: 201, body: ok(await svc.createKey(auditContextFrom(ctx), body)) }),
  });
  r.route({
    method: 'delete',
    path: '/operator-keys/:name',
    summary: 'Revoke an operator API key',
    auth,
    access: 'admin',
    input: { params: keyParams },
    handler: async ({ params }, ctx) => ({ body: ok(await svc.revokeKey(auditContextFrom(ctx), params.name)) }),
  });
  return r.mounted();
}
