import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit, type AuditContext } from '../audit/audit.ts';
import { conflict, notFound } from '../http/errors.ts';
import { isoOrNull as iso } from '../http/wire.ts';
import { generateApiKey } from './api-keys.ts';
import { disableOperatorAccount, upsertOperatorAccount } from './operator-accounts.ts';
import { hashPassword } from './passwords.ts';
import type { Role } from './roles.ts';
import { secretDigest } from './secrets.ts';

// Operator accounts and operator API keys, managed by admins over HTTP or from
// the shell (./ops operator …, ./ops key …). Every change is audited in its own
// transaction; passwords and keys never appear in an audit row or an answer
// (a new key is shown once, to whoever created it).

interface AccountRow {
  username: string;
  role: Role;
  disabled_at: Date | null;
  created_at: Date;
}
interface KeyRow {
  name: string;
  role: Role;
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
}

const presentAccount = (a: AccountRow) => ({
  username: a.username,
  role: a.role,
  disabled: a.disabled_at !== null,
  createdAt: iso(a.created_at),
});
const presentKey = (k: KeyRow) => {
  const expired = k.expires_at !== null && new Date(k.expires_at) <= new Date();
  return {
    name: k.name,
    role: k.role,
    createdAt: iso(k.created_at),
    expiresAt: iso(k.expires_at),
    revokedAt: iso(k.revoked_at),
    status: k.revoked_at ? 'revoked' : expired ? 'expired' : 'active',
  };
};

export function createAccessService(em: () => EntityManager) {
  const account = async (tx: EntityManager, username: string) =>
    (
      (await tx.execute(
        `select username, role, disabled_at, created_at from operator_account where username = ? for update`,
        [username],
      )) as AccountRow[]
    )[0];

  return {
    async listOperators() {
      const rows = (await em().execute(
        `select username, role, disabled_at, created_at from operator_account order by username`,
      )) as AccountRow[];
      return rows.map(presentAccount);
    },

    async createOperator(who: AuditContext, body: { username: string; password: string; role: Role }) {
      return em().transactional(async (tx) => {
        const inserted = (await tx.execute(
          `insert into operator_account (id, username, password_hash, role) values (?, ?, ?, ?) on conflict
            (username) do nothing
           returning username, role, disabled_at, created_at`,
          [randomUUID(), body.username, await hashPassword(body.password), body.role],
        )) as AccountRow[];
        if (!inserted.length) throw conflict(`Operator "${body.username}" already exists`, { username: body.username });
        const after = presentAccount(inserted[0]);
        recordAudit(tx, who, {
          action: 'operator.create',
          resourceType: 'operator_account',
          resourceId: body.username,
          outcome: 'success',
          after,
        });
        return after;
      });
    },

    /** Role, disabled flag and/or a new password; disabling or a new password ends every session of the account. */
    async updateOperator(
      who: AuditContext,
      username: string,
      body: { role?: Role; disabled?: boolean; password?: string },
    ) {
      return em().transactional(async (tx) => {
        const current = await account(tx, username);
        if (!current) throw notFound('operator');
        const before = presentAccount(current);
        if (body.password !== undefined) await upsertOperatorAccount(tx, username, body.password, body.role);
        else if (body.role !== undefined)
          await tx.execute(`update operator_account set role = ? where username = ?`, [body.role, username]);
        if (body.disabled === true) await disableOperatorAccount(tx, username);
        if (body.disabled === false)
          await tx.execute(`update operator_account set disabled_at = null where username = ?`, [username]);
        const after = presentAccount(await account(tx, username));
        recordAudit(tx, who, {
          action: 'operator.update',
          resourceType: 'operator_account',
          resourceId: username,
          outcome: 'success',
          before,
          after: { ...after, passwordReset: body.password !== undefined },
        });
        return after;
      });
    },

    async listKeys() {
      return (
        (await em().execute(
          `select name, role, created_at, expires_at, revoked_at from operator_api_key order by name`,
        )) as KeyRow[]
      ).map(presentKey);
    },

    /** A new key, shown once in the answer; only its SHA-256 is stored. */
    async createKey(who: AuditContext, body: { name: string; role: Role; expiresAt?: Date }) {
      return em().transactional(async (tx) => {
        const key = generateApiKey();
        const inserted = (await tx.execute(
          `insert into operator_api_key (id, name, key_hash, role, expires_at) values (?, ?, ?, ?, ?) on conflict
            (name) do nothing
           returning name, role, created_at, expires_at, revoked_at`,
          [randomUUID(), body.name, secretDigest(key), body.role, body.expiresAt ?? null],
        )) as KeyRow[];
        if (!inserted.length)
          throw conflict(`An operator key named "${body.name}" already exists`, { name: body.name });
        const after = presentKey(inserted[0]);
        recordAudit(tx, who, {
          action: 'operator-key.create',
          resourceType: 'operator_api_key',
          resourceId: body.name,
          outcome: 'success',
          after,
        });
        return { ...after, key };
      });
    },

    async revokeKey(who: AuditContext, name: string) {
      return em().transactional(async (tx) => {
        const [row] = (await tx.execute(
          `update operator_api_key set revoked_at = coalesce(revoked_at, now()) where name = ? returning name,
            role, created_at, expires_at, revoked_at`,
          [name],
        )) as KeyRow[];
        if (!row) throw notFound('operator key');
        const after = presentKey(row);
        recordAudit(tx, who, {
          action: 'operator-key.revoke',
          resourceType: 'operator_api_key',
          resourceId: name,
          outcome: 'success',
          after,
        });
        return after;
      });
    },
  };
}

export type AccessService = ReturnType<typeof createAccessService>;
