import { Context } from '@temporalio/activity';

/**
 * Heartbeats while `work` runs, so a worker that dies mid-step is noticed within
 * the heartbeat timeout (not the whole start-to-close timeout) and the step retried.
 */
export async function withHeartbeat<T>(work: () => Promise<T>, everyMs = 1_000): Promise<T> {
  const ctx = Context.current();
  const timer = setInterval(() => ctx.heartbeat(), everyMs);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
