import { expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { freePort } from '../../src/platform/launch/free-port.ts';
import { MOCK_CREDENTIALS } from '../../src/platform/launch/api-mocks.ts';
import { testEnv } from '../support/env.ts';
import { uniqueId } from '../support/factories.ts';

// The scale-out commands as an operator runs them (under systemd or a container
// runtime): `./ops api` and `./ops worker`, with the Node the project installed,
// configured only by the environment, and stopped by SIGTERM.
const repo = resolve(import.meta.dirname, '../..');

function run(
  command: 'api' | 'worker',
  env: Record<string, string>,
  readyWhen: (out: string) => boolean | Promise<boolean>,
) {
  const child = spawn('bash', ['ops', command], {
    cwd: repo,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_OPTIONS: '', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    out += d;
  });
  const ready = (async () => {
    const end = Date.now() + 60_000;
    while (Date.now() < end) {
      if (child.exitCode !== null) throw new Error(`./ops ${command} exited ${child.exitCode}:\n${out}`);
      if (await readyWhen(out)) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`./ops ${command} not ready:\n${out}`);
  })();
  const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, ready, exit, output: () => out };
}

test('./ops api and ./ops worker run one process each from the environment and stop cleanly on SIGTERM', async () => {
  const { databaseUrl, temporalAddress, stripeProxy, twilioProxy } = testEnv();
  const port = await freePort();
  const common = {
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_TASK_QUEUE: uniqueId('cmd-queue'),
    ...MOCK_CREDENTIALS,
    STRIPE_API_BASE: stripeProxy,
    TWILIO_API_BASE: twilioProxy,
  };
  const api = run(
    'api',
    { ...common, PORT: String(port) },
    async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null))?.status === 200,
  );
  const worker = run('worker', { ...common, ALERT_DETECTION_EVERY: '8760h' }, (out) => out.includes('worker running'));
  await Promise.all([api.ready, worker.ready]);
  const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
  expect(ready.status).toBe(200);

  api.child.kill('SIGTERM');
  worker.child.kill('SIGTERM');
  expect(await api.exit).toBe(0);
  expect(await worker.exit).toBe(0);
}, 120_000);
