import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';

/**
 * TLS to PostgreSQL with libpq's meaning of the URL's `sslmode`, `sslrootcert`, `sslcert` and `sslkey`,
 * for every connection the platform opens (the ORM's pool, the migration lock, the rate limiter).
 * MikroORM reads only host, port, user and database from a URL, and `pg` reads `sslmode` its own way
 * (`require` checks the certificate), so the URL's TLS part is resolved here, once, for both.
 *
 * - `disable`: plaintext; no sslmode: plaintext to a loopback host (the embedded PostgreSQL), and
 *   refused for any other host (TLS when remote: say `disable` to mean plaintext);
 * - `require`: encrypted; the certificate is checked only when a root CA is given (as libpq does);
 * - `verify-ca`: the certificate must chain to the root CA (which must be given: the system's CAs
 *   without a name check would accept anyone's certificate); `verify-full`: and name the host.
 * `allow` and `prefer` would fall back to plaintext without saying so: refused.
 */
export interface PgConnection {
  /** The URL without its TLS parameters (which `pg` would otherwise interpret again). */
  connectionString: string;
  ssl: false | ConnectionOptions;
}

const TLS_PARAMS = ['sslmode', 'sslrootcert', 'sslcert', 'sslkey'] as const;
const MODES = ['disable', 'require', 'verify-ca', 'verify-full'];

function readPem(param: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new Error(
      `DATABASE_URL ${param}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`,
    );
  }
}

export function pgConnection(url: string): PgConnection {
  const u = new URL(url);
  const param = (name: (typeof TLS_PARAMS)[number]) => u.searchParams.get(name) ?? undefined;
  const loopback = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i.test(u.hostname);
  if (!param('sslmode') && !loopback) {
    throw new Error(
      `DATABASE_URL sslmode: ${u.hostname} is not this machine; add sslmode=verify-full (with sslrootcert or ` +
        'DATABASE_CA), or sslmode=disable to accept plaintext',
    );
  }
  const mode = param('sslmode') ?? 'disable';
  if (!MODES.includes(mode)) {
    throw new Error(`DATABASE_URL sslmode: expected ${MODES.join(', ')} (${mode} could fall back to plaintext)`);
  }
  const rootCert = param('sslrootcert');
  const cert = param('sslcert');
  const key = param('sslkey');
  if (!cert !== !key) throw new Error('DATABASE_URL sslcert and sslkey: set both (a client certificate) or neither');
  for (const name of TLS_PARAMS) u.searchParams.delete(name);
  const connectionString = u.toString();
  if (mode === 'disable') return { connectionString, ssl: false };

  if (mode === 'verify-ca' && !rootCert) {
    throw new Error('DATABASE_URL sslmode=verify-ca: needs sslrootcert (or DATABASE_CA), the CA to check against');
  }
  const ca = rootCert ? readPem('sslrootcert', rootCert) : undefined;
  const clientPair = cert && key ? { cert: readPem('sslcert', cert), key: readPem('sslkey', key) } : {};
  const verify = mode !== 'require' || ca !== undefined;
  const ssl: ConnectionOptions = {
    ...(ca ? { ca } : {}),
    ...clientPair,
    rejectUnauthorized: verify,
    // verify-ca (and require with a CA) checks the chain, not the name; verify-full checks both.
    ...(verify && mode !== 'verify-full' ? { checkServerIdentity: () => undefined } : {}),
  };
  return { connectionString, ssl };
}

/** Why the URL's TLS settings cannot be used (one line), or undefined when they can. */
export function pgTlsProblems(url: string): string | undefined {
  try {
    pgConnection(url);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}
