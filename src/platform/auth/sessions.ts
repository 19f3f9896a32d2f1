import type { EntityManager } from '@mikro-orm/postgresql';
import { passwordVersion, verifyAgainstNothing, verifyPassword } from './passwords.ts';
import type { Principal } from './principal.ts';
import { randomSecret, secretDigest } from './secrets.ts';

export interface SessionMeta {
  ip: string | null;
  userAgent: string | null;
}

/** A session's last-seen time is written at most this often, so reads stay reads. */
const TOUCH_EVERY_MS = 60_000;

/**
 * Operator sessions in PostgreSQL: a restart or a second API process keeps
 * people logged in. The cookie holds a random token; the table holds its hash.
 * A session ends at its absolute expiry, after `idleMs` without a request, at
 * logout, or when its account's password is reset or the account is disabled.
 */
export function createSessionStore(em: () => EntityManager, opts: { ttlMs: number; idleMs: number }) {
  return {
    /**
     * Checks a username and password; the same work is done for unknown usernames.
     * Answers the account with its password version (for tokens a reset must end).
     */
    async verifyCredentials(
      username: string,
      password: string,
    ): Promise<{ id: string; username: string; passwordVersion: string } | null> {
      const [account] = (await em().execute(
        `select id, username, password_hash from operator_account where username = ? and disabled_at is null`,
        [username],
      )) as { id: string; username: string; password_hash: string }[];
      if (!account) return verifyAgainstNothing(password).then(() => null);
      return (await verifyPassword(password, account.password_hash))
        ? { id: account.id, username: account.username, passwordVersion: passwordVersion(account.password_hash) }
        : null;
    },

    async create(accountId: string, meta: SessionMeta): Promise<{ token: string; expiresAt: Date }> {
      const token = randomSecret(32);
      const expiresAt = new Date(Date.now() + opts.ttlMs);
      await em().execute(
        `insert into operator_session (token_hash, account_id, expires_at, ip, user_agent) values (?, ?, ?, ?, ?)`,
        [secretDigest(token), accountId, expiresAt, meta.ip, meta.userAgent],
      );
      return { token, expiresAt };
    },

    /** The session's operator, or null; a live session is marked seen (at most once a minute). */
    async resolve(token: string): Promise<Principal | null> {
      const [row] = (await em().execute(
        `with s as (
           select token_hash, account_id, last_seen_at from operator_session
            where token_hash = ? and revoked_at is null and expires_at > now()
              and last_seen_at > now() - (? * interval '1 millisecond')),
         touch as (
           update operator_session o set last_seen_at = now() from s
            where o.token_hash = s.token_hash and s.last_seen_at < now() - (? * interval '1 millisecond'))
         select a.id, a.username, a.role from s join operator_account a on a.id = s.account_id where a.disabled_at
           is null`,
        [secretDigest(token), opts.idleMs, TOUCH_EVERY_MS],
      )) as { id: string; username: string; role: Principal['role'] }[];
      return row ? { kind: 'operator-session', id: row.id, name: row.username, role: row.role } : null;
    },

    async revoke(token: string): Promise<void> {
      await em().execute(`update operator_session set revoked_at = now() where token_hash = ? and revoked_at is null`, [
        secretDigest(token),
      ]);
    },
  };
}

export type SessionStore = ReturnType<typeof createSessionStore>;
