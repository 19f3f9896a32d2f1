import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { createTestContext, type TestContext } from '../support/context.ts';
import { adminToken, bearer, createClient, twilioCallback, CALLER_ENV } from '../support/caller.ts';
import { callsSince } from '../support/recording-proxy.ts';
import { searchAttributesOf } from '../support/temporal.ts';
import { waitFor } from '../support/faults.ts';

let t: TestContext;
let admin: string;
beforeAll(async () => {
  t = await createTestContext({ env: { ...CALLER_ENV, CALLER_CALLS_PER_MINUTE: '10' } });
  admin = await adminToken(t);
});
afterAll(async () => {
  await t.close();
});

const twilioCallsSince = async (since: number) =>
  (await callsSince(t.env.twilioProxy, since)).filter((c) => c.method === 'POST' && c.path.endsWith('/Calls.json'));
const makeCall = (token: string, path: string, phone: string, key?: string) => {
  const req = t.anonymous.post(path).set(bearer(token));
  return (key ? req.set('Idempotency-Key', key) : req).send({ phone });
};
const callRow = async (clientId: string) =>
  (
    await t.sql(`select id, status, call_sid, duration, workflow_id from caller_call where client_id = ?`, [clientId])
  )[0];

describe('make-call', () => {
  test('the admin route places one call through Twilio and answers its SID and request id', async () => {
    const c = await createClient(t, admin);
    const since = Date.now();
    const key = `key-${randomUUID()}`;
    const res = await makeCall(admin, `/admin/clients/${c.clientId}/make-call`, '+12125551234', key);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      success: true,
      message: 'Call initiated successfully',
      callSid: expect.stringMatching(/^CA/),
      requestId: key,
    });
    expect(await twilioCallsSince(since)).toHaveLength(1);
    const row = await callRow(c.clientId);
    expect(row).toMatchObject({ status: 'queued', call_sid: res.body.callSid });
    expect(row.workflow_id).toMatch(new RegExp(`^call:${c.clientId}:operator-token:`));
    expect(await searchAttributesOf(t.temporal.client, row.workflow_id)).toMatchObject({
      operation: 'call',
      tenantId: c.clientId,
    });
  });

  test('a storm of the same request with one key places one call and answers the same SID', async () => {
    const c = await createClient(t, admin);
    const since = Date.now();
    const key = `storm-${randomUUID()}`;
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => makeCall(c.token, '/secure/make-call', '+12125551234', key)),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(6).fill(200));
    expect(new Set(answers.map((a) => a.body.callSid)).size).toBe(1);
    expect(await twilioCallsSince(since)).toHaveLength(1);
    expect(await t.sql(`select 1 from caller_call where client_id = ?`, [c.clientId])).toHaveLength(1);
    const again = await makeCall(c.token, '/secure/make-call', '+12125551234', key);
    expect(again.status).toBe(200);
    expect(await twilioCallsSince(since)).toHaveLength(1);
  });

  test('a number not in E.164 is 400, an inactive client 403, an unknown one 404; nothing is dialled', async () => {
    const since = Date.now();
    const c = await createClient(t, admin);
    const bad = await makeCall(admin, `/admin/clients/${c.clientId}/make-call`, '212-555-1234');
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.errors)).toEqual(['phone']);
    await t.anonymous.put(`/admin/clients/${c.clientId}`).set(bearer(admin)).send({ status: 'Inactive' });
    const inactive = await makeCall(admin, `/admin/clients/${c.clientId}/make-call`, '+12125551234');
    expect(inactive.status).toBe(403);
    expect((await makeCall(admin, '/admin/clients/cl_nobody/make-call', '+12125551234')).status).toBe(404);
    expect(await twilioCallsSince(since)).toHaveLength(0);
  });
});

describe('the outbound-call budget', () => {
  test('the 11th call of a client in a minute is refused with 429 and nothing is dialled', async () => {
    const c = await createClient(t, admin);
    for (let i = 0; i < 10; i++)
      expect((await makeCall(c.token, '/secure/make-call', '+12125551234', `budget-${i}`)).status).toBe(200);
    const since = Date.now();
    const refused = await makeCall(c.token, '/secure/make-call', '+12125551234', 'budget-10');
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toMatch(/^\d+$/);
    expect(await twilioCallsSince(since)).toHaveLength(0);
  });

  test('a client follows only its own call runs', async () => {
    const a = await createClient(t, admin);
    const b = await createClient(t, admin);
    await makeCall(b.token, '/secure/make-call', '+12125551234', 'follow-1');
    const [{ workflow_id: wf }] = await t.sql(`select workflow_id from caller_call where client_id = ?`, [b.clientId]);
    const own = await t.anonymous.get(`/secure/call-operations/${encodeURIComponent(wf)}`).set(bearer(b.token));
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ workflowId: wf, callSid: expect.stringMatching(/^CA/) });
    const other = await t.anonymous.get(`/secure/call-operations/${encodeURIComponent(wf)}`).set(bearer(a.token));
    expect(other.status).toBe(404);
  });
});

describe('Twilio status callbacks', () => {
  test('after the call is over, its key with another number is refused with 422 and nothing is dialled', async () => {
    const c = await createClient(t, admin);
    const key = `over-${randomUUID()}`;
    const path = `/admin/clients/${c.clientId}/make-call`;
    const placed = await makeCall(admin, path, '+12125551234', key);
    expect(placed.status).toBe(200);
    const { id: callId, workflow_id: workflowId } = await callRow(c.clientId);
    const done = await twilioCallback(t, callId, {
      CallSid: placed.body.callSid,
      CallStatus: 'completed',
      SequenceNumber: '1',
      CallDuration: '5',
    });
    expect(done.status).toBe(200);
    await t.temporal.client.workflow.getHandle(workflowId).result();
    const since = Date.now();
    const reused = await makeCall(admin, path, '+12125559999', key);
    expect(reused.status).toBe(422);
    expect(reused.body.message).toContain('Idempotency-Key');
    const same = await makeCall(admin, path, '+12125551234', key);
    expect(same.status).toBe(200);
    expect(same.body.callSid).toBe(placed.body.callSid);
    expect(await twilioCallsSince(since)).toHaveLength(0);
  });

  test('signed callbacks move the call to completed; forged and replayed ones change nothing', async () => {
    const c = await createClient(t, admin);
    const res = await makeCall(admin, `/admin/clients/${c.clientId}/make-call`, '+12125551234');
    expect(res.status).toBe(200);
    const { id: callId } = await callRow(c.clientId);
    const cb = (status: string, seq: number, extra: Record<string, string> = {}) =>
      twilioCallback(t, callId, {
        CallSid: res.body.callSid,
        CallStatus: status,
        SequenceNumber: String(seq),
        ...extra,
      });
    expect((await cb('ringing', 1)).status).toBe(200);
    expect((await cb('in-progress', 2)).status).toBe(200);
    const forged = await twilioCallback(
      t,
      callId,
      { CallSid: res.body.callSid, CallStatus: 'failed', SequenceNumber: '9' },
      'bm90LWEtc2lnbmF0dXJl',
    );
    expect(forged.status).toBe(403);
    expect((await cb('completed', 3, { CallDuration: '42' })).status).toBe(200);
    await waitFor(async () => (await callRow(c.clientId)).status === 'completed', 'the call to complete');
    expect(await callRow(c.clientId)).toMatchObject({ status: 'completed', duration: 42 });
    const replay = await cb('completed', 3, { CallDuration: '42' });
    expect(replay.status).toBe(409);
    expect(await t.sql(`select sequence_number from caller_call_event where call_id = ? order by 1`, [callId])).toEqual(
      [{ sequence_number: 1 }, { sequence_number: 2 }, { sequence_number: 3 }],
    );
  });
});
