import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { loadConfig, ConfigError } from '../config.ts';
import { migrate, openOrm } from '../db/orm.ts';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { OrmSetup } from '../db/orm.ts';
import { migrationsList } from '../db/migrations/index.ts';
import {
  demoControlKey,
  demoN8nKey,
  callerJwtSecret,
  prepareCredentials,
  prepareN8nCredentials,
} from './first-start.ts';
import { startEmbeddedPostgres, type EmbeddedPg } from './embedded-postgres.ts';
import { startTemporalDevServer, type DevServer } from './temporal-dev-server.ts';
import { ensureDatabase } from './ephemeral-services.ts';
import { MOCK_CREDENTIALS, startStripeMock, startTwilioMock } from './api-mocks.ts';
import { stopStale, writePidFile, stopChild, waitForPort, assertPortFree } from './processes.ts';

const log = (m: string) => console.error(`[ops] ${m}`);

/** The platform's own processes, started from the project root. */
const PROCESSES = ['workers/ops.worker.ts', 'src/main.ts'];
const pidFileOf = (dataDir: string, script: string) => join(resolve(dataDir), `${script.replace(/[/.]/g, '_')}.pid`);

/**
 * `./ops start`: embedded PostgreSQL and a Temporal dev server unless
 * DATABASE_URL / TEMPORAL_ADDRESS point elsewhere, migrations, demo data, then
 * one API and one worker process. Ctrl-C stops everything it started.
 */
export interface LaunchPlan {
  entities: OrmSetup['entities'];
  /** Every module's demo seed, run on a fresh database or with --demo. */
  demoSeeds: ((em: EntityManager) => Promise<void>)[];
}

async function start(plan: LaunchPlan, flags: { demo: boolean }): Promise<void> {
  const config = loadConfig();
  const stoppers: (() => Promise<void>)[] = [];
  const children: ChildProcess[] = [];
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    log('stopping…');
    for (const c of children) await stopChild(c, 'SIGTERM').catch(() => {});
    for (const s of stoppers.reverse()) await s().catch((e) => log(`stop failed: ${String(e)}`));
    process.exit(code);
  };
  // The launcher owns shutdown: every signal stops what it started, in reverse order.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stopAll(0));

  try {
    // An earlier launcher killed outright (kill -9, a closed terminal) leaves its API and worker running.
    for (const script of PROCESSES) await stopStale(pidFileOf(config.dataDir, script), script, log, script);
    await assertPortFree(config.http.port, 'the API');
    let databaseUrl = config.db.url;
    if (!databaseUrl) {
      const embedded: EmbeddedPg = await startEmbeddedPostgres({
        dir: config.db.embedded.dir,
        port: config.db.embedded.port,
        persistent: true,
        log,
      });
      stoppers.push(() => embedded.stop());
      databaseUrl = await ensureDatabase(embedded.url('postgres'), 'ops');
      log(`embedded PostgreSQL on 127.0.0.1:${config.db.embedded.port}`);
    }
    let temporalAddress = config.temporal.address;
    let uiUrl: string | null = null;
    if (!temporalAddress) {
      const dev: DevServer = await startTemporalDevServer({
        port: config.temporal.devPort,
        uiPort: config.temporal.uiPort,
        dataDir: config.dataDir,
        namespace: config.temporal.namespace,
        log,
      });
      stoppers.push(() => dev.stop());
      temporalAddress = dev.address;
      uiUrl = dev.uiUrl;
    }

    const orm = await openOrm(databaseUrl, { entities: plan.entities });
    const applied = await migrate(orm, databaseUrl);
    if (applied.length) log(`migrations applied: ${applied.join(', ')}`);
    // A database whose very first migration ran just now is fresh: it gets the demo.
    const fresh = applied.includes(migrationsList[0].name);
    const demo = fresh || flags.demo || config.demo;
    const credentials = await prepareCredentials(orm.em.fork(), {
      demo,
      adminPassword: config.auth.adminPassword,
      adminApiKey: config.auth.adminApiKey,
      seedDemo: async (em) => {
        for (const seed of plan.demoSeeds) await seed(em);
      },
    });
    credentials.push(...(await prepareN8nCredentials(orm.em.fork(), config.dataDir, demo)));
    await orm.close();

    // Without real Stripe/Twilio credentials the demo talks to local mocks of their APIs.
    const demoEnv: Record<string, string> = {};
    const notes: string[] = [];
    if (!config.stripe.secretKey) {
      const stripe = await startStripeMock();
      stoppers.push(() => stripe.stop());
      Object.assign(demoEnv, {
        STRIPE_API_BASE: stripe.url,
        STRIPE_SECRET_KEY: MOCK_CREDENTIALS.STRIPE_SECRET_KEY,
        STRIPE_PRICE_IDS: MOCK_CREDENTIALS.STRIPE_PRICE_IDS,
        STRIPE_WEBHOOK_SECRET: MOCK_CREDENTIALS.STRIPE_WEBHOOK_SECRET,
      });
      notes.push(`  Stripe:           stripe-mock at ${stripe.url} (set STRIPE_SECRET_KEY for the real API)`);
    }
    if (!config.twilio.accountSid) {
      log("starting the Twilio API mock (Prism over Twilio's OpenAPI spec; takes a few seconds)");
      const twilio = await startTwilioMock();
      stoppers.push(() => twilio.stop());
      Object.assign(demoEnv, {
        TWILIO_API_BASE: twilio.url,
        TWILIO_ACCOUNT_SID: MOCK_CREDENTIALS.TWILIO_ACCOUNT_SID,
        TWILIO_AUTH_TOKEN: MOCK_CREDENTIALS.TWILIO_AUTH_TOKEN,
        // The mock refuses StatusCallbackEvent (Twilio itself accepts it).
        CALLER_STATUS_EVENTS: 'none',
      });
      notes.push(
        `  Twilio:           mock of Twilio's API spec at ${twilio.url} (set TWILIO_ACCOUNT_SID/TWILIO_AUTH_TOKEN ` +
          `for the real API)`,
      );
    }
    // The control key and n8n's key (spec 004's n8n key type) are printed once, when made;
    // later starts say where they are.
    const { key: controlKey, shown: controlKeyShown } = keyToShow(config.control.keys.admin, 'OPS_KEY_ADMIN', () =>
      demoControlKey(config.dataDir),
    );
    const { key: n8nKey, shown: n8nKeyShown } = keyToShow(config.control.keys.n8n, 'OPS_KEY_N8N', () =>
      demoN8nKey(config.dataDir),
    );
    const env = {
      ...process.env,
      ...demoEnv,
      OPS_KEY_ADMIN: controlKey,
      OPS_KEY_N8N: n8nKey,
      CALLER_JWT_SECRET: process.env.CALLER_JWT_SECRET || callerJwtSecret(config.dataDir),
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: temporalAddress,
      // The runs API links each run to the Web UI of the dev server started here.
      ...(uiUrl && !process.env.TEMPORAL_UI_URL ? { TEMPORAL_UI_URL: uiUrl } : {}),
    };
    for (const script of PROCESSES) {
      const child = spawn(process.execPath, [script], { env, stdio: ['ignore', 'inherit', 'inherit'] });
      writePidFile(pidFileOf(config.dataDir, script), child.pid ?? 0);
      child.once('exit', (code) => {
        if (!stopping) {
          log(`${script} exited (${code}); stopping the platform`);
          void stopAll(1);
        }
      });
      children.push(child);
    }
    await waitForPort(config.http.port, 'API', 60_000);
    const api = `http://${config.http.host}:${config.http.port}`;
    console.log(
      [
        '',
        'Ops Platform is running.',
        `  API:              ${api}   (try: curl -H "Authorization: Bearer <operator key>" ${api}/api/admin/clients)`,
        `  Temporal Web UI:  ${uiUrl ?? `(external cluster at ${temporalAddress})`}`,
        `  Support admin UI: ${api}/admin`,
        ...credentials,
        `  Control plane key: ${controlKeyShown}   (x-book8-internal-secret on POST ${api}/api/internal/ops/execute)`,
        `  n8n key:          ${n8nKeyShown}   (scopes ops.execute, tenant.*, voice.*, billing.read; ` +
          `./ops n8n sets it up; from n8n in a container start with HOST=0.0.0.0)`,
        ...notes,
        `  OpenAPI:          ${api}/openapi.json   Metrics: ${api}/metrics`,
        'Press Ctrl-C to stop everything.',
        '',
      ].join('\n'),
    );
  } catch (err) {
    log(err instanceof ConfigError ? err.message : `start failed: ${(err as Error).message}`);
    await stopAll(1);
  }
}

/** A key from the environment, or the one kept in the data directory, and how to print it. */
function keyToShow(
  configured: string | undefined,
  envName: string,
  kept: () => { key: string; file: string; created: boolean },
) {
  if (configured) return { key: configured, shown: `from ${envName}` };
  const k = kept();
  return { key: k.key, shown: k.created ? `${k.key}   (new)` : `unchanged (in ${k.file})` };
}

/** `./ops start [--demo]`: the entry point (src/launch.ts) passes what the modules bring. */
export function runLauncher(plan: LaunchPlan): void {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => a !== '--demo');
  if (unknown.length) {
    log(`unknown option ${unknown.join(' ')}; usage: ./ops start [--demo]`);
    process.exit(2);
  }
  // Whatever goes wrong is one line saying what, never a stack trace.
  process.on('unhandledRejection', (err) => {
    log(`start failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
  void start(plan, { demo: args.includes('--demo') });
}
