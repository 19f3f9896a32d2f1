import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { freePort } from './free-port.ts';
import { spawnService, stopChild, waitForPort } from './processes.ts';

export interface RunningMock {
  url: string;
  stop(): Promise<void>;
}

/** stripe-mock (Go, built into .tools/bin by ./ops): Stripe's API from its OpenAPI spec and fixtures. */
export async function startStripeMock(): Promise<RunningMock> {
  const port = await freePort();
  // stripe-mock also serves HTTPS, on :12112 unless told otherwise: give it its own port too.
  const child = spawnService('stripe-mock', [
    '-http-addr',
    `127.0.0.1:${port}`,
    '-https-addr',
    `127.0.0.1:${await freePort()}`,
  ]);
  await waitForPort(port, 'stripe-mock', 30_000, child);
  return { url: `http://127.0.0.1:${port}`, stop: () => stopChild(child) };
}

/**
 * A validating mock of Twilio's own published API spec (twilio_api_v2010.json,
 * shipped in @twilio-alpha/mcp), served by Prism. It checks requests against the
 * spec (auth included) and answers with the spec's examples.
 */
export async function startTwilioMock(): Promise<RunningMock> {
  const require = createRequire(import.meta.url);
  const spec = join(
    dirname(require.resolve('@twilio-alpha/mcp/package.json')),
    'twilio-oai/spec/json/twilio_api_v2010.json',
  );
  const prism = join(dirname(require.resolve('@stoplight/prism-cli/package.json')), 'dist/index.js');
  const port = await freePort();
  const child = spawnService(process.execPath, [prism, 'mock', '-h', '127.0.0.1', '-p', String(port), spec], {
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  await waitForPort(port, 'Twilio mock (Prism)', 90_000, child);
  return { url: `http://127.0.0.1:${port}`, stop: () => stopChild(child) };
}

/** Credentials the mocks accept; never real ones. */
export const MOCK_CREDENTIALS = {
  STRIPE_SECRET_KEY: 'sk_test_opsplatformmock',
  STRIPE_PRICE_IDS: 'price_basic,price_pro',
  STRIPE_WEBHOOK_SECRET: 'whsec_opsplatformmock',
  TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`,
  TWILIO_AUTH_TOKEN: 'opsplatform-mock-token',
};
