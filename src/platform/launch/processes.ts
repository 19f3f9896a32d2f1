import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The command line of a live process, to be sure a recorded pid still names our process. */
function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/**
 * Stops a process left behind by an earlier run that was killed before it could
 * clean up. `marker` must appear in its command line, so a recycled pid that now
 * belongs to another program is never signalled.
 */
export async function stopStale(
  pidFile: string,
  label: string,
  log: (m: string) => void,
  marker: string,
): Promise<void> {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid) && commandLine(pid).includes(marker)) {
    log(`stopping ${label} left running by an earlier start (pid ${pid})`);
    process.kill(pid, 'SIGINT');
    for (let i = 0; i < 100 && isAlive(pid); i++) await sleep(100);
    if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  }
  rmSync(pidFile, { force: true });
}

export function writePidFile(pidFile: string, pid: number): void {
  mkdirSync(dirname(pidFile), { recursive: true });
  writeFileSync(pidFile, `${pid}\n`);
}

export async function portIsOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function waitForPort(port: number, label: string, timeoutMs: number, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null)
      throw new Error(`${label} exited with code ${child.exitCode} before it was ready`);
    if (await portIsOpen(port)) return;
    await sleep(100);
  }
  throw new Error(`${label} did not open port ${port} within ${timeoutMs} ms`);
}

export async function assertPortFree(port: number, label: string): Promise<void> {
  if (await portIsOpen(port)) {
    throw new Error(
      `port ${port} needed for ${label} is already in use by another program; stop it or choose another port`,
    );
  }
}

const helpers = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Safety net: helpers never outlive a parent that exits (normally or on an error). */
function trackHelper(child: ChildProcess): void {
  helpers.add(child);
  child.once('exit', () => helpers.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const h of helpers) h.kill('SIGKILL');
    });
  }
}

/** Spawns a long-running helper (a mock, the Temporal dev server); stderr is drained. */
export function spawnService(
  command: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; inherit?: boolean } = {},
): ChildProcess {
  const child = spawn(command, args, {
    env: opts.env ?? process.env,
    cwd: opts.cwd,
    stdio: opts.inherit ? ['ignore', 'inherit', 'inherit'] : ['ignore', 'ignore', 'pipe'],
  });
  // Always drained, so a chatty helper never blocks on a full pipe.
  child.stderr?.on('data', () => {});
  trackHelper(child);
  return child;
}

export async function stopChild(
  child: ChildProcess,
  signal: NodeJS.Signals = 'SIGTERM',
  timeoutMs = 10_000,
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(timer);
}
