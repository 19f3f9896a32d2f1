import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { migrate, openOrm } from '../../src/platform/db/orm.ts';
import { generateApiKey, upsertOperatorKey } from '../../src/platform/auth/api-keys.ts';
import { startEmbeddedPostgres } from '../../src/platform/launch/embedded-postgres.ts';
import { startTemporalDevServer } from '../../src/platform/launch/temporal-dev-server.ts';
import { startWorkerProcess } from '../support/worker-process.ts';
import { freePort } from './free-port.ts';

const log = (m: string) => process.stderr.write(`[test-setup] ${m}\n`);

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * Once per run: PostgreSQL (embedded unless DATABASE_URL), a Temporal dev server
 * (unless TEMPORAL_ADDRESS), a migrated template database cloned once per jest
 * worker, and one real worker process per jest worker on its own task queue.
 */
export default async function globalSetup(config: { maxWorkers: number }) {
  const started = Date.now();
  const stops: (() => Promise<void>)[] = [];
  (globalThis as any).__opsTestStops = stops;
  const runId = Date.now().toString(36);

  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const pgPort = await freePort();
    const embedded = await startEmbeddedPostgres({ dir: mkdtempSync(join(tmpdir(), 'ops-test-pg-')), port: pgPort, persistent: false, log });
    stops.push(() => embedded.stop());
    adminUrl = embedded.url('postgres');
  }
  let temporalAddress = process.env.TEMPORAL_ADDRESS;
  if (!temporalAddress) {
    const dev = await startTemporalDevServer({ port: await freePort(), uiPort: null, dataDir: null, namespace: 'default', log });
    stops.push(() => dev.stop());
    temporalAddress = dev.address;
  }

  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const template = `ops_test_template_${runId}`;
  await admin.query(`create database ${template}`);
  const templateUrl = withDatabase(adminUrl, template);
  const orm = await openOrm(templateUrl, 2);
  await migrate(orm, templateUrl);
  const operatorKey = generateApiKey();
  await upsertOperatorKey(orm.em.fork(), 'test-operator', operatorKey, 'admin');
  await orm.close();

  const workers = Math.max(1, config.maxWorkers);
  for (let i = 1; i <= workers; i++) {
    await admin.query(`create database ops_test_${runId}_${i} template ${template}`);
  }
  await admin.end();

  process.env.OPS_TEST_ADMIN_URL = adminUrl;
  process.env.OPS_TEST_RUN_ID = runId;
  process.env.OPS_TEST_TEMPORAL_ADDRESS = temporalAddress;
  process.env.OPS_TEST_OPERATOR_KEY = operatorKey;
  process.env.OPS_TEST_WORKERS = String(workers);

  const children = await Promise.all(
    Array.from({ length: workers }, (_, k) =>
      startWorkerProcess({
        DATABASE_URL: withDatabase(adminUrl!, `ops_test_${runId}_${k + 1}`),
        TEMPORAL_ADDRESS: temporalAddress!,
        TEMPORAL_TASK_QUEUE: `ops-test-${runId}-${k + 1}`,
        ALERT_DETECTION_EVERY: '8760h',
      }),
    ),
  );
  for (const c of children) stops.unshift(async () => { c.kill('SIGTERM'); });
  log(`ready in ${Date.now() - started} ms: ${workers} databases, ${workers} workers, Temporal at ${temporalAddress}`);
}
