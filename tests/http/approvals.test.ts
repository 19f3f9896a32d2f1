import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createTestContext, type TestContext } from '../support/context.ts';
import { seedClient } from '../support/factories.ts';
import { operatorKeyWith, seedOrder } from '../support/dispatch.ts';
import { createOperator, login } from '../support/support.ts';
import { callsSince } from '../support/recording-proxy.ts';
import { upsertOperatorAccount } from '../../src/platform/auth/operator-accounts.ts';
import { waitFor } from '../support/faults.ts';
import { ApprovalState } from '../../src/platform/temporal/search-attributes.ts';

// Approvals on for client-delete and for refunds of £100 or more (APPROVALS): the run plans, then
// waits for a second operator, signed in with their own account.
type Credential = [header: string, value: string];
let t: TestContext;
let alice: Credential; // an admin, signed in: asks for deletions
let aliceName: string;
let bob: Credential; // an operator, signed in: decides
let viewer: Credential;
let operatorKey: Credential; // a bearer key: belongs to no account, so it never decides
beforeAll(async () => {
  t = await createTestContext({ env: { APPROVALS: 'client-delete,refund>=10000', APPROVAL_TIMEOUT: '10m' } });
  aliceName = `alice-${Date.now()}`;
  await upsertOperatorAccount(t.orm.em.fork(), aliceName, 'alice-password-0123', 'admin');
  alice = ['Cookie', await login(t, { username: aliceName, password: 'alice-password-0123' })];
  const b = await createOperator(t);
  bob = ['Cookie', await login(t, b)];
  viewer = ['Authorization', `Bearer ${await operatorKeyWith(t, 'viewer')}`];
  operatorKey = ['Authorization', `Bearer ${await operatorKeyWith(t, 'operator')}`];
});
afterAll(async () => {
  await t.close();
});

const as = ([header, value]: Credential) => ({
  post: (path: string) => t.anonymous.post(path).set(header, value),
  get: (path: string) => t.anonymous.get(path).set(header, value),
  delete: (path: string) => t.anonymous.delete(path).set(header, value),
});
const decide = (
  who: Credential,
  workflowId: string,
  decision: 'approve' | 'reject',
  reason = 'checked with the owner',
) =>
  as(who)
    .post(`/api/admin/approvals/${encodeURIComponent(workflowId)}/${decision}`)
    .send({ reason });
const requestDeletion = async (records = 2) => {
  const c = await seedClient(t, { opsAlertsMuted: true, records });
  const res = await as(alice).delete(`/api/admin/clients/${c.id}`).send({ confirmBusinessName: c.businessName });
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
    // The runs list shows it once the run index has it (a worker copies new runs every moment).
    await waitFor(async () => {
      const runs = await t.api.get(`/api/admin/runs?tenantId=${c.id}`);
      return runs.body.data.runs.length > 0;
    }, 'the run to be listed');
    const runs = await t.api.get(`/api/admin/runs?tenantId=${c.id}`);
    expect(runs.body.data.runs[0]).toMatchObject({ status: 'RUNNING', approvalState: 'pending' });

    // The requester may not approve their own request, nor may a viewer, nor a bearer key.
    const self = await decide(alice, wf, 'approve');
    expect(self.status).toBe(403);
    expect(self.body.error.code).toBe('SELF_APPROVAL');
    expect((await decide(viewer, wf, 'approve')).status).toBe(403);
    const byKey = await decide(operatorKey, wf, 'approve');
    expect(byKey.status).toBe(403);
    expect(byKey.body.error.code).toBe('APPROVAL_NEEDS_SESSION');

    const approved = await decide(bob, wf, 'approve');
    expect(approved.status).toBe(200);
    expect(approved.body.data).toMatchObject({ workflowId: wf, approvalState: 'approved' });
    const log = await t.temporal.client.workflow.getHandle(wf).result();
    expect(log).toMatchObject({ clientId: c.id, recordsDeleted: { customers: 2 } });
    expect(await clientRows(c.id)).toEqual([]);

    // One decision only; the audit trail says who decided and why.
    const again = await decide(bob, wf, 'reject');
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
    const replay = await as(alice).delete(`/api/admin/clients/${c.id}`).send({ confirmBusinessName: c.businessName });
    expect(replay.status).toBe(200);
    expect(replay.body.data.deletionLog).toEqual(log);
  });

  test('a rejected deletion deletes nothing and its run ends as APPROVAL_REJECTED', async () => {
    const { c, res } = await requestDeletion(1);
    expect(res.status).toBe(202);
    const rejected = await decide(bob, c.deleteWorkflowId, 'reject', 'customer changed their mind');
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
    const res = await decide(bob, handle.workflowId, 'approve');
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('NOT_AWAITING_APPROVAL');
    await handle.terminate('test over');
    expect((await decide(bob, 'no-such-run', 'approve')).status).toBe(404);
    const noReason = await as(bob).post('/api/admin/approvals/x/approve').send({});
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
    const late = await decide(bob, c.deleteWorkflowId, 'approve');
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('APPROVAL_CLOSED');
    const run = await short.api.get(`/api/admin/runs/${encodeURIComponent(c.deleteWorkflowId)}`);
    expect(run.body.data).toMatchObject({ approvalState: 'expired', error: { code: 'APPROVAL_EXPIRED' } });
    expect(await clientRows(c.id)).toHaveLength(1);
  });
});

describe('the runs page', () => {
  test('without a session it sends the operator to sign in', async () => {
    const res = await t.anonymous.get('/admin/runs');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/admin/login');
  });

  test('shows a pending approval with its plan; a viewer gets no buttons, an operator gets both', async () => {
    const { c, res } = await requestDeletion(1);
    expect(res.status).toBe(202);
    const page = async (who: Credential) => {
      let html = '';
      await waitFor(async () => {
        const r = await as(who).get('/admin/runs');
        expect(r.status).toBe(200);
        expect(r.headers['content-security-policy']).toContain("default-src 'none'");
        html = r.text;
        return html.includes(c.deleteWorkflowId);
      }, 'the approval on the page');
      return html;
    };
    const forViewer = await page(viewer);
    expect(forViewer).toContain('customers 1');
    expect(forViewer).not.toContain(`/approve"`);
    const forOperator = await page(bob);
    expect(forOperator).toContain(`${encodeURIComponent(c.deleteWorkflowId)}/approve"`);
    expect(forOperator).toContain(`${encodeURIComponent(c.deleteWorkflowId)}/reject"`);
    await decide(bob, c.deleteWorkflowId, 'reject');
  });

  test('a form posted from another site is refused and decides nothing', async () => {
    const { c } = await requestDeletion(1);
    const res = await as(bob)
      .post(`/admin/runs/${encodeURIComponent(c.deleteWorkflowId)}/approve`)
      .set('Origin', 'https://evil.example')
      .type('form')
      .send({ reason: 'click here' });
    expect(res.status).toBe(403);
    const run = await t.temporal.client.workflow.getHandle(c.deleteWorkflowId).describe();
    expect(run.typedSearchAttributes.get(ApprovalState)).toBe('pending');
    await decide(bob, c.deleteWorkflowId, 'reject');
  });

  test('a page form approves for a second operator and redirects back with the outcome', async () => {
    const { c } = await requestDeletion(1);
    const res = await as(bob)
      .post(`/admin/runs/${encodeURIComponent(c.deleteWorkflowId)}/approve`)
      .type('form')
      .send({ reason: 'looks right' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/admin/runs?done=approve&run=${encodeURIComponent(c.deleteWorkflowId)}`);
    await t.temporal.client.workflow.getHandle(c.deleteWorkflowId).result();
    expect(await clientRows(c.id)).toEqual([]);
    const empty = await as(bob)
      .post(`/admin/runs/${encodeURIComponent('x:y')}/approve`)
      .type('form')
      .send({});
    expect(empty.status).toBe(400);
    expect(empty.text).toContain('Give a reason');
  });
});

describe('a refund at or above the approval threshold', () => {
  const refund = (body: object, key = `key-${Math.random()}`) =>
    as(alice).post('/api/admin/refunds').set('Idempotency-Key', key).send(body);
  const stripeRefundsSince = async (since: number) =>
    (await callsSince(t.env.stripeProxy, since)).filter((c) => c.method === 'POST' && c.path === '/v1/refunds');
  const payment = async (id: string) =>
    (await t.sql(`select refunded_pence, pending_refund_pence from dispatch_payment where id = ?`, [id]))[0];

  test('below it refunds at once; at it, holds the amount, asks Stripe nothing, refunds once approved', async () => {
    const o = await seedOrder(t, { amountPence: 30_000 });
    const since = Date.now();
    const small = await refund({ paymentId: o.paymentId, amount: 9_999, reason: 'customer_request' });
    expect(small.status).toBe(200);

    const big = await refund({ paymentId: o.paymentId, amount: 10_000, reason: 'service_issue' });
    expect(big.status).toBe(202);
    expect(big.body).toMatchObject({
      status: 'AWAITING_APPROVAL',
      plan: { paymentId: o.paymentId, amountPence: 10_000, reason: 'service_issue' },
    });
    expect(await payment(o.paymentId)).toEqual({ refunded_pence: 9_999, pending_refund_pence: 10_000 });
    expect(await stripeRefundsSince(since)).toHaveLength(1); // the small one only

    expect((await decide(bob, big.body.workflowId, 'approve')).status).toBe(200);
    const result = await t.temporal.client.workflow.getHandle(big.body.workflowId).result();
    expect(result).toMatchObject({ status: 'completed' });
    expect(await stripeRefundsSince(since)).toHaveLength(2);
    expect(await payment(o.paymentId)).toEqual({ refunded_pence: 19_999, pending_refund_pence: 0 });
  });

  test('rejected, it releases the held amount, is recorded as failed, and never reaches Stripe', async () => {
    const o = await seedOrder(t, { amountPence: 20_000 });
    const since = Date.now();
    const big = await refund({ paymentId: o.paymentId, amount: 15_000, reason: 'customer_request' });
    expect(big.status).toBe(202);
    expect((await decide(bob, big.body.workflowId, 'reject', 'duplicate claim')).status).toBe(200);
    await expect(t.temporal.client.workflow.getHandle(big.body.workflowId).result()).rejects.toThrow();
    expect(await payment(o.paymentId)).toEqual({ refunded_pence: 0, pending_refund_pence: 0 });
    const [row] = await t.sql(`select status from dispatch_refund where workflow_id = ?`, [big.body.workflowId]);
    expect(row).toEqual({ status: 'failed' });
    expect(await stripeRefundsSince(since)).toHaveLength(0);
  });

  test('the same request again after a rejection is refused with 409 and never reaches Stripe', async () => {
    const o = await seedOrder(t, { amountPence: 20_000 });
    const since = Date.now();
    const key = `rejected-${Math.random()}`;
    const body = { paymentId: o.paymentId, amount: 15_000, reason: 'customer_request' };
    const first = await refund(body, key);
    expect(first.status).toBe(202);
    expect((await decide(bob, first.body.workflowId, 'reject', 'duplicate claim')).status).toBe(200);
    await expect(t.temporal.client.workflow.getHandle(first.body.workflowId).result()).rejects.toThrow();
    const again = await refund(body, key);
    expect(again.status).toBe(409);
    expect(JSON.stringify(again.body)).toContain('settled as failed');
    expect(await t.sql(`select status from dispatch_refund where payment_id = ?`, [o.paymentId])).toEqual([
      { status: 'failed' },
    ]);
    expect(await payment(o.paymentId)).toEqual({ refunded_pence: 0, pending_refund_pence: 0 });
    expect(await stripeRefundsSince(since)).toHaveLength(0);
  });
});

describe('a retry of a deletion behind an approval', () => {
  test('asks for an approval again, from the one who retried; one that was rejected is not retried', async () => {
    const { c, res } = await requestDeletion(1);
    expect(res.status).toBe(202);
    expect((await decide(bob, c.deleteWorkflowId, 'reject', 'not yet')).status).toBe(200);
    await expect(t.temporal.client.workflow.getHandle(c.deleteWorkflowId).result()).rejects.toThrow();
    const retry = await as(alice)
      .post(`/api/admin/runs/${encodeURIComponent(c.deleteWorkflowId)}/retry`)
      .send({ reason: 'owner confirmed' });
    expect(retry.status).toBe(409);
    expect(retry.body.error).toMatchObject({ code: 'RUN_NOT_RETRYABLE', details: { failure: 'APPROVAL_REJECTED' } });
    // An operator may not retry a deletion at all (DELETE needs an admin).
    const asOperator = await as(bob)
      .post(`/api/admin/runs/${encodeURIComponent(c.deleteWorkflowId)}/retry`)
      .send({ reason: 'x' });
    expect(asOperator.status).toBe(403);
    expect(await clientRows(c.id)).toHaveLength(1);
  });
});
