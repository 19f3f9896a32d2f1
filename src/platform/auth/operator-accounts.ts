import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { hashPassword } from './passwords.ts';

/** Creates the account or sets a new password on it. Nothing ships with a fixed password. */
export async function upsertOperatorAccount(em: EntityManager, username: string, password: string, role = 'admin'): Promise<void> {
  await em.execute(
    `insert into operator_account (id, username, password_hash, role) values (?, ?, ?, ?)
     on conflict (username) do update set password_hash = excluded.password_hash, role = excluded.role, disabled_at = null`,
    [randomUUID(), username, await hashPassword(password), role],
  );
}
