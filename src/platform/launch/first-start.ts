import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { EntityManager } from '@mikro-orm/postgresql';
import { generateApiKey, upsertOperatorKey } from '../auth/api-keys.ts';
import { upsertOperatorAccount } from '../auth/operator-accounts.ts';
import { generatePassword } from '../auth/passwords.ts';

/**
 * What `./ops start` does to a database's credentials and demo data. On a fresh
 * database (or when asked with `--demo` / OPS_DEMO=1) it seeds the demo data,
 * mints a demo operator key and gives the `admin` operator a new password. On an
 * existing database it leaves all of that alone: a restart never resets a
 * password, re-mints a key, brings back deleted demo rows or un-revokes a key.
 * OPS_ADMIN_PASSWORD, when set, is always the `admin` operator's password.
 */
export async function prepareCredentials(
  em: EntityManager,
  opts: {
    demo: boolean;
    adminPassword?: string;
    adminApiKey?: string;
    seedDemo: (em: EntityManager) => Promise<void>;
  },
): Promise<string[]> {
  const summary: string[] = [];
  if (opts.demo) {
    await opts.seedDemo(em);
    summary.push('  Demo data:        seeded');
  } else {
    summary.push('  Demo data:        left as it is (existing database; ./ops start --demo seeds it again)');
  }
  if (opts.adminApiKey) {
    summary.push('  Operator API key: OPS_ADMIN_API_KEY (from the environment)');
  } else if (opts.demo) {
    const key = generateApiKey();
    await upsertOperatorKey(em, 'demo-operator', key, 'admin');
    summary.push(`  Operator API key: ${key}   (new; cockpit: Authorization: Bearer <key>)`);
  } else {
    summary.push('  Operator API key: unchanged (shown at the first start; ./ops start --demo mints a new one)');
  }
  const password = opts.adminPassword ?? (opts.demo ? generatePassword() : null);
  if (password) {
    await upsertOperatorAccount(em, 'admin', password);
    summary.push(
      opts.adminPassword
        ? '  Support admin:    username admin, password from OPS_ADMIN_PASSWORD'
        : `  Support admin:    username admin, password ${password}   (new)`,
    );
  } else {
    summary.push(
      '  Support admin:    username admin, password unchanged (set OPS_ADMIN_PASSWORD, or ./ops start --demo for a ' +
        'new one)',
    );
  }
  return summary;
}

/**
 * A secret generated on the first start is kept in the data directory (mode
 * 0600), so every start uses the same one: automation keeps its key, tokens
 * signed before a restart stay valid.
 */
function keptSecret(dataDir: string, name: string, make: () => string) {
  const file = join(resolve(dataDir), name);
  const kept = readSecretFile(file);
  if (kept !== undefined) return { key: kept, file, created: false };
  return { key: writeSecretFile(file, make()), file, created: true };
}

/** A secret file's value, or undefined when there is none. */
export const readSecretFile = (file: string): string | undefined =>
  existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;

/** Writes `key` readable by its owner only (0600, also when the file was there before); answers it. */
function writeSecretFile(file: string, key: string): string {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return key;
}

/** The control plane key generated for the demo (printed once, when made). */
export const demoControlKey = (dataDir: string) => keptSecret(dataDir, 'generated-control-key', generateApiKey);

/** The control plane key of the `n8n` type generated for n8n flows (printed once, when made). */
export const demoN8nKey = (dataDir: string) => keptSecret(dataDir, 'generated-n8n-key', generateApiKey);

/** The operator key n8n's flows read the cockpit and run dispatch with (`./ops n8n` puts it in a credential). */
export const n8nOperatorKeyFile = (dataDir: string) => join(resolve(dataDir), 'generated-n8n-operator-key');

/** The password of the operator account `n8n` (the caller flow's sign-in). */
export const n8nOperatorPasswordFile = (dataDir: string) => join(resolve(dataDir), 'generated-n8n-operator-password');

/**
 * n8n's credentials for the cockpit, dispatch and caller flows: an operator key `n8n-flows` and an
 * operator account `n8n` (spec 003's JWTs come from a sign-in), both role operator. Made with the
 * demo (a fresh database, or --demo), each time anew; any other start leaves them alone, so a key
 * an admin revoked stays revoked and a password an admin changed stays changed.
 */
export async function prepareN8nCredentials(em: EntityManager, dataDir: string, demo: boolean): Promise<string[]> {
  const keyFile = n8nOperatorKeyFile(dataDir);
  const passwordFile = n8nOperatorPasswordFile(dataDir);
  if (!demo) {
    return [
      existsSync(keyFile)
        ? `  n8n operator key: unchanged (in ${keyFile}; ./ops n8n uses it)`
        : '  n8n operator key: none (./ops start --demo makes one; or set OPS_N8N_OPERATOR_KEY for ./ops n8n)',
      existsSync(passwordFile)
        ? `  n8n sign-in:      operator n8n, password unchanged (in ${passwordFile})`
        : '  n8n sign-in:      none (./ops start --demo makes the operator n8n)',
    ];
  }
  await upsertOperatorKey(em, 'n8n-flows', writeSecretFile(keyFile, generateApiKey()), 'operator');
  await upsertOperatorAccount(em, 'n8n', writeSecretFile(passwordFile, generatePassword()), 'operator');
  return [
    `  n8n operator key: new, in ${keyFile}   (role operator; ./ops n8n puts it in n8n's credential)`,
    `  n8n sign-in:      operator n8n, new password in ${passwordFile}   (the caller flow's credential)`,
  ];
}

/** The key caller JWTs are signed with when CALLER_JWT_SECRET is not set. */
export const callerJwtSecret = (dataDir: string) =>
  keptSecret(dataDir, 'generated-caller-jwt-secret', () => randomBytes(32).toString('base64url')).key;
