import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { hashPassword } from './passwords.ts';
import type { Role } from './roles.ts';

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
  role?: Role,
): Promise<void> {
  const hash = await hashPassword(password);
  await em.transactional(async (tx) => {
    await endSessions(tx, username);
    // A new account gets `role` (admin when none is given). An existing one gets the
    // new password and, only when one is given, the new role: a reset never
    // re-enables a disabled account nor changes its role behind the admin's back.
    await tx.execute(
      `insert into operator_account (id, username, password_hash, role) values (?, ?, ?, ?)
       on conflict (username) do update set password_hash = excluded.password_hash,
         role = case when ?::boolean then excluded.role else operator_account.role end`,
      [randomUUID(), username, hash, role ?? 'admin', role !== undefined],
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
