import { spawn, type ChildProcess } from 'node:child_process';

/**
 * Runs the real worker entry point (workers/ops.worker.ts) as its own process,
 * exactly as production does, and resolves once it polls its task queue.
 */
export async function startWorkerProcess(env: Record<string, string>, timeoutMs = 60_000): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['workers/ops.worker.ts'], {
    env: { ...process.env, NODE_OPTIONS: '', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start in ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (d: Buffer) => {
      output = (output + d.toString()).slice(-8000);
      if (output.includes("state: 'RUNNING'")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited with ${code}:\n${output}`));
    });
  });
  child.removeAllListeners('exit');
  // Keep draining output so the child never blocks on a full pipe.
  child.stdout!.resume();
  child.stderr!.resume();
  return child;
}
