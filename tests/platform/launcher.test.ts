import { afterAll, expect, test } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/platform/launch/free-port.ts';
import { isAlive, portIsOpen } from '../../src/platform/launch/processes.ts';
import { MOCK_CREDENTIALS } from '../../src/platform/launch/api-mocks.ts';
import { testEnv } from '../support/env.ts';

// `./ops start` as a user runs it: its own data directory and ports; the
// Stripe/Twilio mocks of the test run stand in for the real APIs.
const dataDir = mkdtempSync(join(tmpdir(), 'ops-launcher-'));
chmodSync(dataDir, 0o755); // as root, PostgreSQL runs as 'postgres' and must reach its data directory
const started: ChildProcess[] = [];
let ports: Record<string, number>;

async function launch() {
  ports ??= { PORT: await freePort(), EMBEDDED_PG_PORT: await freePort(), TEMPORAL_DEV_PORT: await freePort(), TEMPORAL_UI_PORT: await freePort() };
  const env = testEnv();
  const child = spawn(process.execPath, ['src/platform/launch/start.ts'], {
    env: {
      PATH: process.env.PATH, HOME: process.env.HOME, NODE_OPTIONS: '', LOG_LEVEL: 'warn', DATA_DIR: dataDir,
      ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
      ...MOCK_CREDENTIALS, STRIPE_API_BASE: env.stripeProxy, TWILIO_API_BASE: env.twilioProxy,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`launcher not ready:\n${out}`)), 90_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      if (out.includes('Press Ctrl-C to stop everything.')) { clearTimeout(timer); resolve(); }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`launcher exited ${code}:\n${out}`)); });
  });
  child.removeAllListeners('exit');
  child.stdout!.resume();
  child.stderr!.resume();
  const operatorKey = /Operator API key: (\S+)/.exec(out)![1];
  const supportPassword = /username admin, password (\S+)\)/.exec(out)![1];
  return { child, out, operatorKey, supportPassword, api: `http://127.0.0.1:${ports.PORT}` };
}

const allPortsFree = async () => {
  for (const p of Object.values(ports)) if (await portIsOpen(p)) return false;
  return true;
};
const waitUntil = async (check: () => Promise<boolean>, ms: number) => {
  const end = Date.now() + ms;
  while (Date.now() < end) { if (await check()) return true; await new Promise((r) => setTimeout(r, 200)); }
  return false;
};

afterAll(async () => {
  for (const c of started) if (c.pid && isAlive(c.pid)) c.kill('SIGINT');
  await waitUntil(allPortsFree, 30_000);
  rmSync(dataDir, { recursive: true, force: true });
});

test('./ops start serves demo data, stops everything on Ctrl-C, and recovers from a launcher killed outright', async () => {
  const first = await launch();
  const clients = await fetch(`${first.api}/api/admin/clients/default-client`, { headers: { Authorization: `Bearer ${first.operatorKey}` } });
  expect(clients.status).toBe(200);
  expect(((await clients.json()) as any).data.businessName).toBe('Test Business');
  const login = await fetch(`${first.api}/admin/login`, { method: 'POST', headers: { accept: 'application/json', 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: first.supportPassword }) });
  expect(login.status).toBe(200);
  expect(first.out).toContain(`Temporal Web UI:  http://127.0.0.1:${ports.TEMPORAL_UI_PORT}`);

  // Ctrl-C: every process it started is gone and every port is free.
  first.child.kill('SIGINT');
  await new Promise((r) => first.child.once('exit', r));
  expect(await waitUntil(allPortsFree, 30_000)).toBe(true);

  // A launcher killed with SIGKILL leaves PostgreSQL, Temporal, the API and the worker behind...
  const second = await launch();
  second.child.kill('SIGKILL');
  await new Promise((r) => second.child.once('exit', r));
  expect(await portIsOpen(ports.PORT)).toBe(true);

  // ...and the next start clears them away and comes up on the same ports.
  const third = await launch();
  const again = await fetch(`${third.api}/healthz`);
  expect(again.status).toBe(200);
  expect(third.out).toContain('left running by an earlier start');
  third.child.kill('SIGINT');
  await new Promise((r) => third.child.once('exit', r));
  expect(await waitUntil(allPortsFree, 30_000)).toBe(true);
}, 300_000);
