import { spawn, type ChildProcess } from 'node:child_process';
import { MOCK_CREDENTIALS } from '../../src/platform/launch/api-mocks.ts';

/**
 * Runs the real worker entry point (workers/ops.worker.ts) as its own process,
 * exactly as production does, and resolves once it polls its task queue.
 */
export const startWorkerProcess = (env: Record<string, string>, timeoutMs = 60_000): Promise<ChildProcess> =>
  startPlatformProcess('workers/ops.worker.ts', "state: 'RUNNING'", env, timeoutMs);

/** The API entry point (src/main.ts) as its own process, resolved once it listens. */
export const startApiProcess = (env: Record<string, string>, timeoutMs = 60_000): Promise<ChildProcess> =>
  startPlatformProcess('src/main.ts', 'API listening', { LOG_LEVEL: 'info', ...env }, timeoutMs);

/** A process of the platform, as production runs it, resolved once its output shows `ready`. */
async function startPlatformProcess(
  entry: string,
  ready: string,
  env: Record<string, string>,
  timeoutMs: number,
): Promise<ChildProcess> {
  const child = spawn(process.execPath, [entry], {
    env: { ...process.env, NODE_OPTIONS: '', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${entry} did not start in ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    const onData = (d: Buffer) => {
      output = (output + d.toString()).slice(-8000);
      if (output.includes(ready)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${entry} exited with ${code}:\n${output}`));
    });
  });
  child.removeAllListeners('exit');
  // Keep draining output so the child never blocks on a full pipe.
  child.stdout!.resume();
  child.stderr!.resume();
  return child;
}

export interface WorkerTarget {
  databaseUrl: string;
  temporalAddress: string;
  taskQueue: string;
  stripeApiBase: string;
  twilioApiBase: string;
}

/**
 * A worker as the tests run it: on one database and task queue, talking to the
 * Stripe and Twilio mocks, with the alert schedule far enough apart never to fire mid-run.
 */
export function startTestWorker(target: WorkerTarget, extra: Record<string, string> = {}): Promise<ChildProcess> {
  return startWorkerProcess({
    ...MOCK_CREDENTIALS,
    STRIPE_API_BASE: target.stripeApiBase,
    TWILIO_API_BASE: target.twilioApiBase,
    DATABASE_URL: target.databaseUrl,
    TEMPORAL_ADDRESS: target.temporalAddress,
    TEMPORAL_TASK_QUEUE: target.taskQueue,
    ALERT_DETECTION_EVERY: '8760h',
    WEBHOOK_OUTBOX_SWEEP_EVERY: '8760h',
    // New runs reach the runs list's index within a quarter second, so the tests wait little for it.
    RUNS_INDEX_EVERY: '250ms',
    // The Twilio mock (Prism) refuses StatusCallbackEvent; the tests post the callbacks themselves.
    CALLER_STATUS_EVENTS: 'none',
    ...extra,
  });
}
