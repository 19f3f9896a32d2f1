import { userInfo } from 'node:os';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ConfigError, loadConfig } from '../platform/config.ts';
import { migrate } from '../platform/db/orm.ts';
import { AppError } from '../platform/http/errors.ts';
import { createAccessService } from '../platform/auth/access.service.ts';
import { generatePassword } from '../platform/auth/passwords.ts';
import { ROLES, type Role } from '../platform/auth/roles.ts';
import { openAppOrm } from '../modules.ts';
import { embeddedPassword } from '../platform/launch/embedded-postgres.ts';

// `./ops operator add|disable|reset-password …` and `./ops key create|revoke|list …`:
// the admin API's operator and key management from the shell, audited as the OS user.

const USAGE = `usage:
  ./ops operator add <username> [--role viewer|operator|admin]   (prints a new password; OPS_OPERATOR_PASSWORD sets it)
  ./ops operator disable <username>
  ./ops operator reset-password <username>                         (prints a new password; ends its sessions)
  ./ops key create <name> [--role viewer|operator|admin] [--expires <ISO date-time>]   (prints the key once)
  ./ops key revoke <name>
  ./ops key list
The database is DATABASE_URL, or the embedded PostgreSQL of ./ops start on EMBEDDED_PG_PORT.`;

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function roleOf(args: string[], fallback: Role): Role {
  const role = option(args, '--role') ?? fallback;
  if (!(ROLES as readonly string[]).includes(role))
    throw new AppError(400, 'VALIDATION_ERROR', `--role must be one of ${ROLES.join(', ')}`);
  return role as Role;
}

const COMMANDS = [
  'operator add',
  'operator disable',
  'operator reset-password',
  'key create',
  'key revoke',
  'key list',
];

async function run(argv: string[]): Promise<string> {
  const [group, verb, subject, ...rest] = argv;
  if (!COMMANDS.includes(`${group} ${verb}`)) throw new AppError(400, 'USAGE', USAGE);
  const config = loadConfig();
  const url =
    config.db.url ??
    `postgres://postgres:${encodeURIComponent(embeddedPassword(config.db.embedded.dir))}@127.0.0.1:${config.db.embedded.port}/ops`;
  const orm = await openAppOrm(url, 2);
  try {
    await migrate(orm, url);
    const svc = createAccessService(() => orm.em.fork() as EntityManager);
    const who = { actorType: 'cli', actorId: userInfo().username, ip: null, userAgent: 'ops cli', requestId: null };
    const need = (what: string) => {
      if (!subject) throw new AppError(400, 'VALIDATION_ERROR', `${what} is required\n${USAGE}`);
      return subject;
    };
    if (group === 'operator' && verb === 'add') {
      const password = process.env.OPS_OPERATOR_PASSWORD ?? generatePassword();
      const a = await svc.createOperator(who, {
        username: need('a username'),
        password,
        role: roleOf(rest, 'operator'),
      });
      return `operator ${a.username} (${a.role}) created${
        process.env.OPS_OPERATOR_PASSWORD ? '' : `; password: ${password}`
      }`;
    }
    if (group === 'operator' && verb === 'disable') {
      const a = await svc.updateOperator(who, need('a username'), { disabled: true });
      return `operator ${a.username} disabled; its sessions ended`;
    }
    if (group === 'operator' && verb === 'reset-password') {
      const password = generatePassword();
      const a = await svc.updateOperator(who, need('a username'), { password });
      return `operator ${a.username}: new password ${password}; its sessions ended`;
    }
    if (group === 'key' && verb === 'create') {
      const expires = option(rest, '--expires');
      const expiresAt = expires ? new Date(expires) : undefined;
      if (expiresAt && Number.isNaN(expiresAt.getTime()))
        throw new AppError(400, 'VALIDATION_ERROR', '--expires must be an ISO date-time');
      const k = await svc.createKey(who, { name: need('a key name'), role: roleOf(rest, 'operator'), expiresAt });
      return (
        `key ${k.name} (${k.role}${k.expiresAt ? `, expires ${k.expiresAt}` : ''}): ${k.key}\n` +
        '(shown once; only its hash is stored)'
      );
    }
    if (group === 'key' && verb === 'revoke') {
      const k = await svc.revokeKey(who, need('a key name'));
      return `key ${k.name} revoked at ${k.revokedAt}`;
    }
    if (group === 'key' && verb === 'list') {
      return (
        (await svc.listKeys())
          .map((k) => `${k.name.padEnd(28)} ${k.role.padEnd(9)} ${k.status.padEnd(8)} ${k.expiresAt ?? ''}`)
          .join('\n') || '(no keys)'
      );
    }
    throw new AppError(400, 'USAGE', USAGE);
  } finally {
    await orm.close();
  }
}

run(process.argv.slice(2)).then(
  (out) => console.log(out),
  (err) => {
    // One line saying what went wrong, never a stack trace.
    console.error(
      err instanceof AppError || err instanceof ConfigError ? err.message : `failed: ${(err as Error).message}`,
    );
    process.exit(err instanceof AppError && err.code === 'USAGE' ? 2 : 1);
  },
);
