import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createTestContext, type TestContext } from '../support/context.ts';
import { seedClient } from '../support/factories.ts';
import { operatorKeyWith } from '../support/dispatch.ts';
import { waitFor } from '../support/faults.ts';
import { ApprovalState } from '../../src/platform/temporal/search-attributes.ts';

// Approvals on for client-delete (APPROVALS): the run plans, then waits for a second operator.
let t: TestContext;
let second: string;
let viewer: string;
beforeAll(async () => {
  t = await createTestContext({ env: { APPROVALS: 'client-delete', APPROVAL_TIMEOUT: '10m' } });
  second = await operatorKeyWith(t, 'operator');
  viewer = await operatorKeyWith(t, 'viewer');
});
afterAll(async () => {
  await t.close();
});

const as = (key: string) => ({
  post: (path: string) => t.anonymous.post(path).set('Authorization', `Bearer ${key}`),
  get: (path: string) => t.anonymous.get(path).set('Authorization', `Bearer ${key}`),
});
const decide = (key: string, workflowId: string, decision: 'approve' | 'reject', reason = 'checked with the owner') =>
  as(key)
    .post(`/api/admin/approvals/${encodeURIComponent(workflowId)}/${decision}`)
    .send({ reason });
const requestDeletion = async (records = 2) => {
  const c = await seedClient(t, { opsAlertsMuted: true, records });
  const res = await t.api.delete(`/api/admin/clients/${c.id}`).send({ confirmBusinessName: c.businessName });
  return { c, res };
};
const clientRows = (id: string) => t.sql(`select id from client where id = ?`, [id]);

describe('a deletion behind an approval', () => {
  test('answers 202 with its plan, waits for a second operator, and deletes once approved', async () => {
    const { c, res } = await requestDeletion(2);
    expect(res.status).toBe(202);
    const wf = c.deleteWorkflowId;
    expect(res.headers.location).toBe(`/api/admin/approvals/${encodeURIComponent(wf)}`);
    expect(res.body.data).toMatchObject({
      deleted: false,
      status: 'AWAITING_APPROVAL',
      workflowId: wf,
      runUrl: `/api/admin/runs/${encodeURIComponent(wf)}`,
      plan: {
        clientId: c.id,
        businessName: c.businessName,
        recordsToDelete: { customers: 2, messages: 4, bookings: 2 },
      },
    });
    expect(Date.parse(res.body.data.approvalDeadline)).toBeGreaterThan(Date.now() + 9 * 60_000);
    expect(await clientRows(c.id)).toHaveLength(1); // nothing touched while it waits

    // Listed as pending, with its plan, and as awaiting approval in the runs list.
    let pending: any;
    await waitFor(async () => {
      const list = await as(viewer).get('/api/admin/approvals?limit=200');
      expect(list.status).toBe(200);
      pending = list.body.data.approvals.find((a: any) => a.workflowId === wf);
      return pending !== undefined;
    }, 'the approval to be listed');
    expect(pending).toMatchObject({ operation: 'client-delete', tenantId: c.id, plan: { clientId: c.id } });
    const runs = await t.api.get(`/api/admin/runs?tenantId=${c.id}`);
    expect(runs.body.data.runs[0]).toMatchObject({ status: 'RUNNING', approvalState: 'pending' });

    // The requester may not approve their own request, nor may a viewer.
    const self = await decide(t.env.operatorKey, wf, 'approve');
    expect(self.status).toBe(403);
    expect(self.body.error.code).toBe('SELF_APPROVAL');
    expect((await decide(viewer, wf, 'approve')).status).toBe(403);

    const approved = await decide(second, wf, 'approve');
    expect(approved.status).toBe(200);
    expect(approved.body.data).toMatchObject({ workflowId: wf, approvalState: 'approved' });
    const log = await t.temporal.client.workflow.getHandle(wf).result();
    expect(log).toMatchObject({ clientId: c.id, recordsDeleted: { customers: 2 } });
    expect(await clientRows(c.id)).toEqual([]);

    // One decision only; the audit trail says who decided and why.
    const again = await decide(second, wf, 'reject');
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('APPROVAL_CLOSED');
    const audits = await t.sql(`select action, actor_id, after from audit_event where resource_id = ? order by id`, [
      wf,
    ]);
    expect(audits).toEqual([
      expect.objectContaining({
        action: 'run.approve',
        after: expect.objectContaining({ reason: 'checked with the owner' }),
      }),
    ]);
    // The same DELETE again answers the deletion it approved.
    const replay = await t.api.delete(`/api/admin/clients/${c.id}`).send({ confirmBusinessName: c.businessName });
    expect(replay.status).toBe(200);
    expect(replay.body.data.deletionLog).toEqual(log);
  });

  test('a rejected deletion deletes nothing and its run ends as APPROVAL_REJECTED', async () => {
    const { c, res } = await requestDeletion(1);
    expect(res.status).toBe(202);
    const rejected = await decide(second, c.deleteWorkflowId, 'reject', 'customer changed their mind');
    expect(rejected.status).toBe(200);
    expect(rejected.body.data.approvalState).toBe('rejected');
    await expect(t.temporal.client.workflow.getHandle(c.deleteWorkflowId).result()).rejects.toThrow();
    const run = await t.api.get(`/api/admin/runs/${encodeURIComponent(c.deleteWorkflowId)}`);
    expect(run.body.data).toMatchObject({
      status: 'FAILED',
      approvalState: 'rejected',
      error: { code: 'APPROVAL_REJECTED' },
      approval: { state: 'rejected', reason: 'customer changed their mind' },
    });
    expect(await clientRows(c.id)).toHaveLength(1);
    expect(await t.sql(`select 1 from customer where client_id = ?`, [c.id])).toHaveLength(1);
  });

  test('a deletion that fails its safety checks is refused at once: nobody is asked to approve it', async () => {
    const c = await seedClient(t, { opsAlertsMuted: false });
    const res = await t.api.delete(`/api/admin/clients/${c.id}`).send({ confirmBusinessName: c.businessName });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('SAFETY_CHECK_FAILED');
    const run = await t.temporal.client.workflow.getHandle(c.deleteWorkflowId).describe();
    expect(run.status.name).toBe('FAILED');
    expect(run.typedSearchAttributes.get(ApprovalState)).toBeUndefined();
  });

  test('a run without an approval step, or an unknown run, cannot be decided', async () => {
    const c = await seedClient(t, { opsAlertsMuted: true });
    const handle = await t.temporal.client.workflow.start('deleteClientWorkflow', {
      workflowId: `${c.deleteWorkflowId}:no-gate`,
      taskQueue: 'nobody-polls-approvals',
      args: [{}],
    });
    const res = await decide(second, handle.workflowId, 'approve');
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('NOT_AWAITING_APPROVAL');
    await handle.terminate('test over');
    expect((await decide(second, 'no-such-run', 'approve')).status).toBe(404);
    const noReason = await as(second).post('/api/admin/approvals/x/approve').send({});
    expect(noReason.status).toBe(400);
  });
});

describe('an approval nobody gives in time', () => {
  let short: TestContext;
  beforeAll(async () => {
    short = await createTestContext({ env: { APPROVALS: 'client-delete', APPROVAL_TIMEOUT: '1s' } });
  });
  afterAll(async () => {
    await short.close();
  });

  test('ends the run as expired, deletes nothing, and refuses a late approval', async () => {
    const c = await seedClient(short, { opsAlertsMuted: true, records: 1 });
    const res = await short.api.delete(`/api/admin/clients/${c.id}`).send({ confirmBusinessName: c.businessName });
    expect(res.status).toBe(202);
    await expect(short.temporal.client.workflow.getHandle(c.deleteWorkflowId).result()).rejects.toThrow();
    const late = await decide(second, c.deleteWorkflowId, 'approve');
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('APPROVAL_CLOSED');
    const run = await short.api.get(`/api/admin/runs/${encodeURIComponent(c.deleteWorkflowId)}`);
    expect(run.body.data).toMatchObject({ approvalState: 'expired', error: { code: 'APPROVAL_EXPIRED' } });
    expect(await clientRows(c.id)).toHaveLength(1);
  });
});
