import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { openNotifications, type Notifications } from '../../src/platform/db/notifications.ts';
import { createLogger } from '../../src/platform/observability/logger.ts';
import { awaitOutcome, type CommittedAnswer } from '../../src/platform/temporal/runs.ts';
import { createTestContext, type TestContext } from '../support/context.ts';
import { uniqueId } from '../support/factories.ts';

// The runs here are started on a task queue no worker polls: they never move on their own, so
// whatever answers them is the committed row (or the run being ended by the test).
let t: TestContext;
let notifications: Notifications;
const idle = uniqueId('no-worker');

beforeAll(async () => {
  t = await createTestContext();
  await t.sql('create table if not exists committed_probe (workflow_id text primary key, answer text not null)');
  notifications = openNotifications(t.env.databaseUrl, createLogger('silent'));
});
afterAll(async () => {
  await notifications.close();
  await t.sql('drop table if exists committed_probe');
  await t.close();
});

const idleRun = () =>
  t.temporal.client.workflow.start('deleteClientWorkflow', {
    workflowId: uniqueId('committed'),
    taskQueue: idle,
    args: [{}],
  });
const probe = (workflowId: string): CommittedAnswer<string> => ({
  notifications,
  channel: 'committed_probe',
  read: async () =>
    (await t.sql<{ answer: string }>('select answer from committed_probe where workflow_id = ?', [workflowId]))[0]
      ?.answer ?? null,
});
const commit = (workflowId: string, answer: string) =>
  t.sql(
    `with c as (insert into committed_probe values (?, ?) returning workflow_id)
     select pg_notify('committed_probe', workflow_id) from c`,
    [workflowId, answer],
  );

test("a run's committed answer is its result once the commit is announced, before the run reports", async () => {
  const handle = await idleRun();
  const outcome = awaitOutcome<string>(handle, 30_000, undefined, probe(handle.workflowId));
  await new Promise((r) => setTimeout(r, 100));
  await commit(handle.workflowId, 'deleted');
  expect(await outcome).toEqual({ state: 'completed', result: 'deleted' });
  expect((await handle.describe()).status.name).toBe('RUNNING');
  await handle.terminate('test over');
});

test('a run that ends without committing an answer answers with its failure', async () => {
  const handle = await idleRun();
  const outcome = awaitOutcome<string>(handle, 30_000, undefined, probe(handle.workflowId));
  await new Promise((r) => setTimeout(r, 100));
  await handle.terminate('refused');
  const ended = await outcome;
  expect(ended.state).toBe('failed');
  expect(await t.sql('select * from committed_probe where workflow_id = ?', [handle.workflowId])).toEqual([]);
});

test('a run with no committed answer within the bound is reported running, and still runs', async () => {
  const handle = await idleRun();
  const started = Date.now();
  expect(await awaitOutcome<string>(handle, 300, undefined, probe(handle.workflowId))).toEqual({ state: 'running' });
  expect(Date.now() - started).toBeLessThan(5_000);
  expect((await handle.describe()).status.name).toBe('RUNNING');
  await handle.terminate('test over');
});
