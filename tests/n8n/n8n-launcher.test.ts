import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createTestContext, type TestContext } from '../support/context.ts';
import { CONTROL_KEYS } from '../support/env.ts';
import { operatorKeyWith } from '../support/dispatch.ts';
import { freePort } from '../../src/platform/launch/free-port.ts';
import { portIsOpen } from '../../src/platform/launch/processes.ts';
import { EXAMPLES_DIR, exampleFiles } from '../../src/platform/launch/n8n-setup.ts';

// `./ops n8n` as a new user runs it (after ./ops start): the launcher itself, its n8n, its data folder.
const bin = process.env.N8N_BIN;
let t: TestContext;
let dataDir: string;
let n8nPort: number;
const launched: ChildProcess[] = [];
const env = () => ({
  ...process.env,
  NODE_OPTIONS: '',
  N8N_BIN: bin!,
  DATA_DIR: dataDir,
  HOST: '127.0.0.1',
  PORT: String((t.server.address() as AddressInfo).port),
  OPS_KEY_N8N: CONTROL_KEYS.n8n,
  N8N_PORT: String(n8nPort),
});

beforeAll(async () => {
  if (!bin) throw new Error('N8N_BIN is not set: run the n8n tier through ./ops test, which installs n8n');
  t = await createTestContext();
  dataDir = mkdtempSync(join(tmpdir(), 'ops-n8n-launch-'));
  n8nPort = await freePort();
  // What ./ops start leaves in the data directory for n8n's cockpit and dispatch flows.
  writeFileSync(join(dataDir, 'generated-n8n-operator-key'), `${await operatorKeyWith(t, 'operator')}\n`, {
    mode: 0o600,
  });
  writeFileSync(join(dataDir, 'generated-n8n-operator-password'), 'n8n-Operator-password-1\n', { mode: 0o600 });
}, 60_000);
afterAll(async () => {
  for (const child of launched) if (child.exitCode === null) await stop(child);
  await t?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function launch(): Promise<{ child: ChildProcess; out: string }> {
  const child = spawn(process.execPath, ['src/platform/launch/n8n.ts'], {
    env: env(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  launched.push(child);
  let out = '';
  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`./ops n8n not ready:\n${out}`)), 150_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      if (out.includes('Press Ctrl-C to stop n8n.')) {
        clearTimeout(timer);
        ready();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => fail(new Error(`./ops n8n exited (${code}):\n${out}`)));
  });
  child.removeAllListeners('exit');
  return { child, out };
}

const stop = async (child: ChildProcess) => {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGINT');
  await exited;
};

/** Signs in to n8n's own REST API as a browser would, and reads what the user would see. */
async function signIn(email: string, password: string) {
  const base = `http://127.0.0.1:${n8nPort}`;
  const headers = { 'content-type': 'application/json', 'browser-id': 'ops-test-browser' };
  const login = await fetch(`${base}/rest/login`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ emailOrLdapLoginId: email, password }),
  });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
  const get = async (path: string) => {
    const text = await (await fetch(`${base}${path}`, { headers: { ...headers, cookie } })).text();
    if (!text.startsWith('{')) throw new Error(`n8n answered ${path} with ${text.slice(0, 200)}`);
    return (JSON.parse(text) as { data: any[] }).data;
  };
  return { status: login.status, workflows: await get('/rest/workflows'), credentials: await get('/rest/credentials') };
}

test('./ops n8n signs a new user in with nothing typed: an owner, every example and its credentials', async () => {
  const first = await launch();
  const [, email, password] = /Sign in:\s+(\S+) \/ (\S+)\s+\(new owner account\)/.exec(first.out) ?? [];
  expect(email).toBe('ops@example.com');
  expect(first.out).toContain('holds the n8n operator key');
  expect(first.out).toContain('holds the n8n operator account');
  expect(first.out).toContain(`The API answers at http://127.0.0.1:${(t.server.address() as AddressInfo).port}`);

  const seen = await signIn(email, password);
  expect(seen.status).toBe(200);
  const names = exampleFiles().map((f) => JSON.parse(readFileSync(join(EXAMPLES_DIR, f), 'utf8')).name);
  expect(seen.workflows.map((w) => w.name).sort()).toEqual([...names].sort());
  expect(seen.credentials.map((c) => c.name).sort()).toEqual([
    'Ops Platform (caller sign-in)',
    'Ops Platform (n8n key)',
    'Ops Platform (operator key)',
  ]);
  // The password is kept for the next start, readable by the user only.
  const ownerFile = join(dataDir, 'n8n', 'ops-owner.json');
  expect(JSON.parse(readFileSync(ownerFile, 'utf8')).password).toBe(password);

  await stop(first.child);
  expect(await portIsOpen(n8nPort)).toBe(false);

  // A second start keeps the owner, the workflows' ids and the sign-in.
  const second = await launch();
  expect(second.out).toContain(`Sign in:  ${email}, password unchanged`);
  expect(second.out).not.toContain(password);
  const again = await signIn(email, password);
  expect(again.status).toBe(200);
  expect(again.workflows.map((w) => w.id).sort()).toEqual(seen.workflows.map((w) => w.id).sort());
  await stop(second.child);
}, 300_000);
