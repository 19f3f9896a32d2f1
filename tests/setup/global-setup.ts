import { migrate } from '../../src/platform/db/orm.ts';
import { openAppOrm } from '../../src/modules.ts';
import { generateApiKey, upsertOperatorKey } from '../../src/platform/auth/api-keys.ts';
import { ensureDatabase, startEphemeralServices, withDatabase } from '../../src/platform/launch/ephemeral-services.ts';
import { startTestWorker } from '../support/worker-process.ts';
import { startRecordingProxy } from '../support/recording-proxy.ts';
import { startStripeMock, startTwilioMock } from '../../src/platform/launch/api-mocks.ts';
import { freePort } from '../../src/platform/launch/free-port.ts';
import { stopChild } from '../../src/platform/launch/processes.ts';

const log = (m: string) => process.stderr.write(`[test-setup] ${m}\n`);

/**
 * Once per run: PostgreSQL (embedded unless DATABASE_URL), a Temporal dev server
 * (unless TEMPORAL_ADDRESS), a migrated template database cloned once per jest
 * worker, and one real worker process per jest worker on its own task queue.
 */
export default async function globalSetup(config: { maxWorkers: number }) {
  const stops: (() => Promise<void>)[] = [];
  (globalThis as any).__opsTestStops = stops;
  try {
    await setUp(config, stops);
  } catch (err) {
    // Jest runs no teardown after a failed setup: stop what was started here.
    for (const stop of stops) await stop().catch(() => {});
    throw err;
  }
}

async function setUp(config: { maxWorkers: number }, stops: (() => Promise<void>)[]) {
  const started = Date.now();
  const runId = Date.now().toString(36);

  // Prism parses Twilio's 2 MB spec for several seconds: start it alongside the rest.
  const mocksStarting = Promise.all([startStripeMock(), startTwilioMock()]);
  const services = await startEphemeralServices('test', log);
  stops.push(() => services.stop());
  const [stripeMock, twilioMock] = await mocksStarting;
  stops.push(
    () => stripeMock.stop(),
    () => twilioMock.stop(),
  );
  const { adminUrl, temporalAddress } = services;
  const template = `ops_test_template_${runId}`;
  const templateUrl = await ensureDatabase(adminUrl, template);
  const orm = await openAppOrm(templateUrl, 2);
  await migrate(orm, templateUrl);
  const operatorKey = generateApiKey();
  await upsertOperatorKey(orm.em.fork(), 'test-operator', operatorKey, 'admin');
  await orm.close();

  const workers = Math.max(1, config.maxWorkers);
  for (let i = 1; i <= workers; i++) await ensureDatabase(adminUrl, `ops_test_${runId}_${i}`, template);

  process.env.OPS_TEST_ADMIN_URL = adminUrl;
  process.env.OPS_TEST_RUN_ID = runId;
  process.env.OPS_TEST_TEMPORAL_ADDRESS = temporalAddress;
  process.env.OPS_TEST_OPERATOR_KEY = operatorKey;
  process.env.OPS_TEST_WORKERS = String(workers);

  // Per jest worker, recording proxies in front of the mocks: tests see exactly which calls their worker made.
  const proxies: { stripeApiBase: string; twilioApiBase: string }[] = [];
  for (let i = 1; i <= workers; i++) {
    const stripe = await startRecordingProxy(stripeMock.url, await freePort());
    const twilio = await startRecordingProxy(twilioMock.url, await freePort());
    stops.push(async () => {
      stripe.server.close();
      twilio.server.close();
    });
    process.env[`OPS_TEST_STRIPE_PROXY_${i}`] = stripe.url;
    process.env[`OPS_TEST_TWILIO_PROXY_${i}`] = twilio.url;
    proxies.push({ stripeApiBase: stripe.url, twilioApiBase: twilio.url });
  }
  const children = await Promise.all(
    Array.from({ length: workers }, (_, k) =>
      startTestWorker({
        ...proxies[k],
        databaseUrl: withDatabase(adminUrl, `ops_test_${runId}_${k + 1}`),
        temporalAddress,
        taskQueue: `ops-test-${runId}-${k + 1}`,
      }),
    ),
  );
  // Each worker drains and exits before the services it talks to stop (teardown runs these first).
  for (const c of children) stops.unshift(() => stopChild(c));
  log(`ready in ${Date.now() - started} ms: ${workers} databases, ${workers} workers, Temporal at ${temporalAddress}`);
}
