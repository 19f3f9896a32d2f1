import { afterAll, expect, test } from '@jest/globals';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import pg from 'pg';
import { freePort } from '../../src/platform/launch/free-port.ts';
import { isAlive, portIsOpen } from '../../src/platform/launch/processes.ts';
import { MOCK_CREDENTIALS } from '../../src/platform/launch/api-mocks.ts';
import { passwordFileOf } from '../../src/platform/launch/embedded-postgres.ts';
import { testEnv } from '../support/env.ts';

// `./ops start` as a new user runs it: from a clone in a directory only its owner
// can enter (mktemp -d is 0700; as root, PostgreSQL runs as `postgres`, which
// cannot enter it), with the default data directory inside the clone, its own
// ports, and the test run's Stripe/Twilio mocks standing in for the real APIs.
const repo = resolve(import.meta.dirname, '../..');
const privateDir = mkdtempSync(join(tmpdir(), 'ops-clone-'));
const clone = join(privateDir, 'p');
for (const part of ['src', 'workers', 'activities', 'workflows', 'package.json'])
  cpSync(join(repo, part), join(clone, part), { recursive: true });
try {
  execFileSync('cp', ['-al', join(repo, 'node_modules'), join(clone, 'node_modules')]); // hard links: a second of work
} catch {
  cpSync(join(repo, 'node_modules'), join(clone, 'node_modules'), { recursive: true, verbatimSymlinks: true });
}
const started: ChildProcess[] = [];
const pgDataDirs = new Set<string>();
let ports: Record<string, number>;
const ENV_KEY = 'ops_env-admin-key-for-the-launcher-test-000';

async function launch(args: string[] = [], extraEnv: Record<string, string> = {}) {
  ports ??= {
    PORT: await freePort(),
    EMBEDDED_PG_PORT: await freePort(),
    TEMPORAL_DEV_PORT: await freePort(),
    TEMPORAL_UI_PORT: await freePort(),
  };
  const env = testEnv();
  const child = spawn(process.execPath, ['src/launch.ts', ...args], {
    cwd: clone,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_OPTIONS: '',
      LOG_LEVEL: 'warn',
      ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
      ...MOCK_CREDENTIALS,
      STRIPE_API_BASE: env.stripeProxy,
      TWILIO_API_BASE: env.twilioProxy,
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let out = '';
  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`launcher not ready:\n${out}`)), 120_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      if (out.includes('Press Ctrl-C to stop everything.')) {
        clearTimeout(timer);
        ready();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`launcher exited ${code}:\n${out}`));
    });
  });
  child.removeAllListeners('exit');
  child.stdout!.resume();
  child.stderr!.resume();
  const pgDir = /initialising embedded PostgreSQL in (\S+)/.exec(out)?.[1];
  if (pgDir) pgDataDirs.add(pgDir);
  return {
    child,
    out,
    operatorKey: /Operator API key: (ops_\S+)/.exec(out)?.[1],
    supportPassword: /username admin, password (\S+)\s+\(new\)/.exec(out)?.[1],
    api: `http://127.0.0.1:${ports.PORT}`,
  };
}

/** The launcher gave the new cluster a random password, kept (0600) beside its data directory. */
const pgPassword = () => readFileSync(passwordFileOf([...pgDataDirs][0]), 'utf8').trim();
const sql = async (query: string) => {
  const client = new pg.Client({
    connectionString: `postgres://postgres:${encodeURIComponent(pgPassword())}@127.0.0.1:${ports.EMBEDDED_PG_PORT}/ops`,
  });
  await client.connect();
  try {
    return (await client.query(query)).rows;
  } finally {
    await client.end();
  }
};
const allPortsFree = async () => {
  for (const p of Object.values(ports)) if (await portIsOpen(p)) return false;
  return true;
};
const waitUntil = async (check: () => Promise<boolean>, ms: number) => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
};
const stop = async (child: ChildProcess, signal: NodeJS.Signals) => {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await exited;
};
const bearer = (key: string) => ({ headers: { Authorization: `Bearer ${key}` } });
const login = (api: string, password: string) =>
  fetch(`${api}/admin/login`, {
    method: 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password }),
  });

afterAll(async () => {
  for (const c of started) if (c.pid && isAlive(c.pid)) c.kill('SIGINT');
  await waitUntil(allPortsFree, 30_000);
  rmSync(privateDir, { recursive: true, force: true });
  // As root the data directory had to live where `postgres` can reach it.
  for (const dir of pgDataDirs)
    if (dir.startsWith('/var/tmp/ops-platform-')) rmSync(dirname(dir), { recursive: true, force: true });
});

test(
  './ops start from a private directory serves demo data once, keeps credentials across restarts, stops on Ctrl-C ' +
    'and recovers from kill -9',
  async () => {
    expect(statSync(privateDir).mode & 0o777).toBe(0o700);
    const passwordMode = () => statSync(passwordFileOf([...pgDataDirs][0])).mode & 0o777;

    // 1. A fresh database: demo data, a new operator key, a new admin password.
    const first = await launch();
    expect(first.out).toContain('Demo data:        seeded');
    // The superuser password is the cluster's own, readable by us only.
    expect([passwordMode(), pgPassword()]).toEqual([0o600, expect.not.stringMatching(/^postgres$/)]);
    expect(first.operatorKey).toEqual(expect.any(String));
    expect(first.supportPassword).toEqual(expect.any(String));
    const client = await fetch(`${first.api}/api/admin/clients/default-client`, bearer(first.operatorKey!));
    expect(client.status).toBe(200);
    expect(((await client.json()) as any).data.businessName).toBe('Test Business');
    expect((await login(first.api, first.supportPassword!)).status).toBe(200);
    expect(first.out).toContain(`Temporal Web UI:  http://127.0.0.1:${ports.TEMPORAL_UI_PORT}`);
    const controlKey = /Control plane key: (ops_\S+)\s+\(new\)/.exec(first.out)![1];
    // n8n's operator key (for ./ops n8n): kept beside the others, readable by us only, and it works.
    const n8nKeyFile = join(clone, '.data', 'generated-n8n-operator-key');
    const n8nOperatorKey = readFileSync(n8nKeyFile, 'utf8').trim();
    expect(statSync(n8nKeyFile).mode & 0o777).toBe(0o600);
    expect((await fetch(`${first.api}/api/admin/clients`, bearer(n8nOperatorKey))).status).toBe(200);
    // …and the caller flow's operator account n8n signs in to the caller admin API.
    const n8nPassword = readFileSync(join(clone, '.data', 'generated-n8n-operator-password'), 'utf8').trim();
    const signIn = await fetch(`${first.api}/auth/admin/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'n8n', password: n8nPassword }),
    });
    expect(signIn.status).toBe(200);
    // The operator revokes the key: no later start (but --demo) brings it back.
    await sql(`update operator_api_key set revoked_at = now() where name = 'n8n-flows'`);
    // An operator deletes a demo row.
    await sql(`delete from onboarding_state where client_id = 'new-signup'`);
    await sql(`delete from client where id = 'new-signup'`);

    // Ctrl-C: every process it started is gone and every port is free.
    await stop(first.child, 'SIGINT');
    expect(await waitUntil(allPortsFree, 30_000)).toBe(true);

    // 2. The same database again: nothing reset, nothing re-minted, nothing brought back.
    const second = await launch([], { OPS_ADMIN_API_KEY: ENV_KEY });
    expect(second.out).toContain('Demo data:        left as it is');
    expect(second.out).toContain('Operator API key: OPS_ADMIN_API_KEY');
    expect(second.out).toContain('password unchanged');
    expect(second.supportPassword).toBeUndefined();
    expect((await login(second.api, first.supportPassword!)).status).toBe(200);
    expect((await fetch(`${second.api}/api/admin/clients/new-signup`, bearer(first.operatorKey!))).status).toBe(404);
    expect((await fetch(`${second.api}/api/admin/clients`, bearer(ENV_KEY))).status).toBe(200);
    // The control key is kept, and not printed again.
    expect(second.out).toContain('Control plane key: unchanged');
    expect(second.out).toContain('n8n operator key: unchanged');
    expect((await fetch(`${second.api}/api/admin/clients`, bearer(n8nOperatorKey))).status).toBe(401);
    expect(second.out).not.toContain(controlKey);
    expect(readFileSync(join(clone, '.data', 'generated-control-key'), 'utf8').trim()).toBe(controlKey);
    // The operator revokes the key from the environment.
    await sql(`update operator_api_key set revoked_at = now() where name like 'env-admin-%'`);

    // A launcher killed with SIGKILL leaves PostgreSQL, Temporal, the API and the worker behind...
    await stop(second.child, 'SIGKILL');
    expect(await portIsOpen(ports.PORT)).toBe(true);

    // 3. ...and the next start clears them away; --demo seeds again, OPS_ADMIN_PASSWORD sets the
    // password, and the revoked key stays revoked although the environment still names it.
    const third = await launch(['--demo'], {
      OPS_ADMIN_API_KEY: ENV_KEY,
      OPS_ADMIN_PASSWORD: 'chosen-by-the-operator-42',
    });
    expect(third.out).toContain('left running by an earlier start');
    expect(third.out).toContain('Demo data:        seeded');
    expect(third.out).toContain('password from OPS_ADMIN_PASSWORD');
    expect((await login(third.api, 'chosen-by-the-operator-42')).status).toBe(200);
    expect((await login(third.api, first.supportPassword!)).status).toBe(401);
    expect((await fetch(`${third.api}/api/admin/clients/new-signup`, bearer(first.operatorKey!))).status).toBe(200);
    expect((await fetch(`${third.api}/api/admin/clients`, bearer(ENV_KEY))).status).toBe(401);
    await stop(third.child, 'SIGINT');
    expect(await waitUntil(allPortsFree, 30_000)).toBe(true);
  },
  400_000,
);
