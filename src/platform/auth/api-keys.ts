import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { OperatorApiKey } from './entities/operator-api-key.entity.ts';
import type { Principal } from './principal.ts';
import { matchesDigest, randomSecret, secretDigest } from './secrets.ts';

export function generateApiKey(): string {
  return `ops_${randomSecret(32)}`;
}

/** Creates or replaces the named operator key; returns nothing secret but what was passed in. */
export async function upsertOperatorKey(
  em: EntityManager,
  name: string,
  key: string,
  role: Principal['role'],
): Promise<void> {
  const keyHash = secretDigest(key);
  await em.getConnection().execute(
    `insert into operator_api_key (id, name, key_hash, role) values (?, ?, ?, ?)
     on conflict (name) do update set key_hash = excluded.key_hash, role = excluded.role, revoked_at = null`,
    [randomUUID(), name, keyHash, role],
  );
}

/**
 * The operator key given in the environment (OPS_ADMIN_API_KEY), recorded once
 * under a name derived from it. Never updated afterwards: a key an operator
 * revoked stays revoked at every later start; a new value is a new key.
 */
export async function ensureEnvOperatorKey(em: EntityManager, key: string): Promise<void> {
  const keyHash = secretDigest(key);
  await em
    .getConnection()
    .execute(
      `insert into operator_api_key (id, name, key_hash, role) values (?, ?, ?, 'admin') on conflict do nothing`,
      [randomUUID(), `env-admin-${keyHash.slice(0, 8)}`, keyHash],
    );
}

interface Cached {
  principal: Principal | null;
  until: number;
}

/**
 * Resolves a presented key to an operator. Lookups are cached for a few seconds so
 * reads stay cheap; a revoked key therefore stops working within `cacheMs`.
 */
export function createOperatorKeyAuthenticator(em: EntityManager, cacheMs = 5_000) {
  const cache = new Map<string, Cached>();
  return async function authenticate(presented: string): Promise<Principal | null> {
    const hash = secretDigest(presented);
    const hit = cache.get(hash);
    if (hit && hit.until > Date.now()) return hit.principal;
    const row = await em.fork().findOne(OperatorApiKey, {
      keyHash: hash,
      revokedAt: null,
      $or: [{ expiresAt: null }, { expiresAt: { $gt: new Date() } }],
    });
    let principal: Principal | null = null;
    if (row && matchesDigest(row.keyHash, presented)) {
      principal = { kind: 'operator-key', id: row.id, name: row.name, role: row.role };
    }
    if (cache.size > 10_000) cache.clear();
    cache.set(hash, { principal, until: Date.now() + cacheMs });
    return principal;
  };
}

export type OperatorKeyAuthenticator = ReturnType<typeof createOperatorKeyAuthenticator>;
