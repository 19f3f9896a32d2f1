import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { ChildProcess } from 'node:child_process';
import { createTestContext, type TestContext } from '../support/context.ts';
import { rowsOwnedBy, seedClient, uniqueId } from '../support/factories.ts';
import { startTestWorker } from '../support/worker-process.ts';
import {
  BLOCKED_DELETION,
  deletionUnderWay,
  holdClientRow,
  killHard,
  waitForBlockedStatement,
} from '../support/faults.ts';

// This file runs its own worker processes on a private task queue, so it can kill one.
const taskQueue = uniqueId('crash-queue');
let t: TestContext;
const workers: ChildProcess[] = [];

const startWorker = async () => {
  const { databaseUrl, temporalAddress, stripeProxy, twilioProxy } = t.env;
  const w = await startTestWorker({
    databaseUrl,
    temporalAddress,
    taskQueue,
    stripeApiBase: stripeProxy,
    twilioApiBase: twilioProxy,
  });
  workers.push(w);
  return w;
};

beforeAll(async () => {
  t = await createTestContext({ taskQueue, env: { SYNC_WAIT: '60s' } });
});
afterAll(async () => {
  for (const w of workers) w.kill('SIGKILL');
  await t.close();
});

test('a worker killed mid-deletion transaction is replaced and the client is deleted exactly once', async () => {
  const first = await startWorker();
  const c = await seedClient(t, { opsAlertsMuted: true, withNumber: true, records: 4 });

  // Hold the client row so the deletion transaction blocks inside its first statement.
  const lock = await holdClientRow(t.env.databaseUrl, c.id);
  const pending = deletionUnderWay(t.api, c);
  await waitForBlockedStatement(t, BLOCKED_DELETION, 'the deletion transaction to block on the client row');

  await killHard(first);
  await lock.release();

  await startWorker();
  const res = await pending;

  expect(res.status).toBe(200);
  expect(res.body.data.deletionLog.recordsDeleted).toEqual({
    onboardingStates: 1,
    messages: 8,
    customers: 4,
    bookings: 4,
    conversations: 4,
    leads: 4,
    users: 4,
    alertLogs: 4,
  });
  expect(await rowsOwnedBy(t, c.id)).toMatchObject({ client: 0, messages: 0, assignedNumbers: 0 });
  const audits = await t.sql(`select outcome from audit_event where action = 'client.delete' and resource_id = ?`, [
    c.id,
  ]);
  expect(audits).toEqual([{ outcome: 'success' }]);

  // The history shows the transactional step was attempted again after the crash.
  const history = await t.temporal.client.workflow.getHandle(c.deleteWorkflowId).fetchHistory();
  const scheduled = history.events!.filter(
    (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'deleteClientData',
  );
  const started = history.events!.filter((e) => e.activityTaskStartedEventAttributes);
  expect(scheduled).toHaveLength(1);
  expect(Number(started.at(-1)!.activityTaskStartedEventAttributes!.attempt)).toBeGreaterThanOrEqual(2);
});
