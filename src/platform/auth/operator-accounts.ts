import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { hashPassword } from './passwords.ts';

/** Every session of the account ends: after a password reset or when it is disabled. */
async function endSessions(em: EntityManager, username: string): Promise<number> {
  const ended = (await em.execute(
    `update operator_session set revoked_at = now()
      where revoked_at is null and account_id = (select id from operator_account where username = ?) returning
        token_hash`,
    [username],
  )) as unknown[];
  return ended.length;
}

/**
 * Creates the account or sets a new password on it (which ends its sessions).
 * Nothing ships with a fixed password.
 */
export async function upsertOperatorAccount(
  em: EntityManager,
  username: string,
  password: string,
  role = 'admin',
): Promise<void> {
  const hash = await hashPassword(password);
  await em.transactional(async (tx) => {
    await endSessions(tx, username);
    await tx.execute(
      `insert into operator_account (id, username, password_hash, role) values (?, ?, ?, ?)
       on conflict (username) do update set password_hash = excluded.password_hash, role = excluded.role,
         disabled_at = null`,
      [randomUUID(), username, hash, role],
    );
  });
}

/** Disables the account and ends its sessions; true when such an account exists. */
export async function disableOperatorAccount(em: EntityManager, username: string): Promise<boolean> {
  return em.transactional(async (tx) => {
    const rows = (await tx.execute(
      `update operator_account set disabled_at = coalesce(disabled_at, now()) where username = ? returning id`,
      [username],
    )) as unknown[];
    await endSessions(tx, username);
    return rows.length > 0;
  });
}
