import type { Middleware } from 'koa';
import { AppError } from '../http/errors.ts';
import type { Principal } from './principal.ts';
import type { OpsContext } from '../http/state.ts';

/** Operator roles, least to most: reads need viewer, changes operator, deletion and access management admin. */
export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who may call a route: a least role, or anyone (public routes authenticate in their own way, or not at all). */
export type Access = Role | 'public';

const rank = (r: Role) => ROLES.indexOf(r);

export const hasRole = (p: Pick<Principal, 'role'>, least: Role): boolean => rank(p.role) >= rank(least);

export const insufficientRole = (least: Role) =>
  new AppError(403, 'FORBIDDEN', `This action requires the ${least} role or higher`, {
    details: { requiredRole: least },
  });

/** Refuses (403) a principal below `least`; runs after the route's authenticator. */
export function requireRole(least: Role): Middleware {
  return async (ctx, next) => {
    const principal = (ctx as OpsContext).state.principal;
    if (!principal || !hasRole(principal, least)) throw insufficientRole(least);
    await next();
  };
}
