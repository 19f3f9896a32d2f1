import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { SignJWT, UnsecuredJWT } from 'jose';
import { createTestContext, type TestContext } from '../support/context.ts';
import { CALLER_JWT_SECRET } from '../support/env.ts';
import { createOperator, login } from '../support/support.ts';
import { adminToken, bearer, createClient, CALLER_ENV } from '../support/caller.ts';

let t: TestContext;
let admin: string;
beforeAll(async () => {
  t = await createTestContext({ env: CALLER_ENV });
  admin = await adminToken(t);
});
afterAll(async () => {
  await t.close();
});

const as = (token: string, method: 'get' | 'post' | 'put' | 'patch' | 'delete', path: string) =>
  (t.anonymous as any)[method](path).set(bearer(token));

describe('logins and tokens', () => {
  test('an operator login answers an admin token with its expiry', async () => {
    const creds = await createOperator(t);
    const res = await t.anonymous.post('/auth/admin/login').send(creds);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ token: expect.any(String), expiresAt: expect.stringMatching(/Z$/) });
    const bad = await t.anonymous.post('/auth/admin/login').send({ ...creds, password: 'wrong-password' });
    expect(bad.status).toBe(401);
    const [audit] = await t.sql(`select outcome from audit_event where action = 'auth.login.failed' and actor_id = ?`, [
      creds.username,
    ]);
    expect(audit.outcome).toBe('rejected');
  });

  test('alg none, a wrong key, an expired token and the other audience are all refused with 401', async () => {
    const { clientId, token: clientTok } = await createClient(t, admin);
    const key = new TextEncoder().encode(CALLER_JWT_SECRET);
    const claims = (aud: string) => ({ iss: 'ops-platform', aud, sub: clientId, sv: 1 });
    const unsigned = new UnsecuredJWT(claims('ops-caller-client')).setExpirationTime('1h').encode();
    const wrongKey = await new SignJWT(claims('ops-caller-client'))
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('another-key-another-key-another-key!!'));
    const expired = await new SignJWT(claims('ops-caller-client'))
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(key);
    for (const token of [unsigned, wrongKey, expired])
      expect((await as(token, 'get', '/secure/client')).status).toBe(401);
    // A client token on an admin route, an admin token on a client route.
    expect((await as(clientTok, 'get', '/admin/clients')).status).toBe(401);
    expect((await as(admin, 'get', '/secure/client')).status).toBe(401);
    expect((await as(clientTok, 'get', '/secure/client')).status).toBe(200);
  });

  test("a password reset ends the account's admin tokens", async () => {
    const creds = await createOperator(t);
    await t.sql(`update operator_account set role = 'admin' where username = ?`, [creds.username]);
    const { token } = (await t.anonymous.post('/auth/admin/login').send(creds)).body;
    expect((await as(token, 'get', '/admin/dashboard')).status).toBe(200);
    await t.anonymous
      .patch(`/api/admin/operators/${creds.username}`)
      .set('Authorization', `Bearer ${t.env.operatorKey}`)
      .send({ password: 'a-brand-new-password-123' });
    expect((await as(token, 'get', '/admin/dashboard')).status).toBe(401);
  });

  test("support's session cookie does not open the JWT routes, nor a JWT support's routes", async () => {
    const cookie = await login(t, await createOperator(t));
    expect((await t.anonymous.get('/admin/clients').set('Cookie', cookie)).status).toBe(401);
    expect((await t.anonymous.get('/admin/api/conversations').set('Cookie', cookie)).status).toBe(200);
    expect((await as(admin, 'get', '/admin/api/conversations')).status).toBe(401);
  });

  test('resetting a secret ends the old secret and every token issued under it', async () => {
    const c = await createClient(t, admin);
    const res = await as(admin, 'post', `/admin/clients/${c.clientId}/reset-secret`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      message: 'Client secret reset successfully',
      client: { clientId: c.clientId, clientSecret: expect.stringMatching(/^cs_/) },
    });
    expect((await as(c.token, 'get', '/secure/client')).status).toBe(401);
    expect((await t.anonymous.post('/auth/login').send({ clientId: c.clientId, secret: c.secret })).status).toBe(401);
    const fresh = await t.anonymous
      .post('/auth/login')
      .send({ clientId: c.clientId, secret: res.body.client.clientSecret });
    expect((await as(fresh.body.token, 'get', '/secure/client')).status).toBe(200);
    const [row] = await t.sql(`select secret_hash from caller_client where id = ?`, [c.clientId]);
    expect(row.secret_hash).not.toContain(res.body.client.clientSecret);
  });
});

describe('client management', () => {
  test('creates a client (201), refuses a duplicate email (409) and names missing fields (400)', async () => {
    const body = {
      clientMeta: {
        fullName: 'John Doe',
        email: `john-${Date.now()}@example.com`,
        phone: '+12125551234',
        businessName: 'Acme Corp',
        city: 'New York',
        jobTitle: 'CEO',
        notes: 'Prefers morning calls',
      },
      agentId: 'agent_id_here',
      twilioPhoneNumber: '+18001234567',
      status: 'Active',
    };
    const res = await as(admin, 'post', '/admin/clients').send(body);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      message: 'Client created successfully',
      client: {
        clientId: expect.any(String),
        status: 'Active',
        agentId: 'agent_id_here',
        twilioPhoneNumber: '+18001234567',
        clientMeta: body.clientMeta,
        createdAt: expect.stringMatching(/Z$/),
        updatedAt: expect.stringMatching(/Z$/),
        clientSecret: expect.stringMatching(/^cs_/),
      },
    });
    const dup = await as(admin, 'post', '/admin/clients').send({
      ...body,
      clientMeta: { ...body.clientMeta, email: body.clientMeta.email.toUpperCase() },
    });
    expect(dup.status).toBe(409);
    const missing = await as(admin, 'post', '/admin/clients').send({ clientMeta: { fullName: 'x' } });
    expect(missing.status).toBe(400);
    expect(Object.keys(missing.body.errors).sort()).toEqual([
      'agentId',
      'clientMeta.email',
      'clientMeta.phone',
      'twilioPhoneNumber',
    ]);
  });

  test('lists with total, count and limit/offset, and a keyset cursor', async () => {
    const tag = `Lister${Date.now()}`;
    for (let i = 0; i < 3; i++)
      await createClient(t, admin, {
        clientMeta: { fullName: `${tag} ${i}`, email: `${tag}${i}@x.example`, phone: '+12125550000' },
      });
    const page = await as(admin, 'get', `/admin/clients?search=${tag}&limit=2`);
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ total: 3, count: 2, limit: 2, offset: 0 });
    const next = await as(admin, 'get', `/admin/clients?search=${tag}&limit=2&cursor=${page.body.nextCursor}`);
    expect(next.body.clients).toHaveLength(1);
    const byOffset = await as(admin, 'get', `/admin/clients?search=${tag}&limit=2&offset=2`);
    expect(byOffset.body.clients[0].clientId).toBe(next.body.clients[0].clientId);
  });

  test('a client may change its contact details, not its email, status or agent (400, nothing written)', async () => {
    const c = await createClient(t, admin);
    const ok = await as(c.token, 'put', '/secure/client').send({ clientMeta: { city: 'Boston', jobTitle: 'CTO' } });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({
      message: 'Client updated successfully',
      client: { clientId: c.clientId, status: 'Active', updatedAt: expect.any(String) },
    });
    for (const body of [{ clientMeta: { email: 'x@y.example' } }, { status: 'Inactive' }, { agentId: 'other' }]) {
      const res = await as(c.token, 'put', '/secure/client').send(body);
      expect([JSON.stringify(body), res.status]).toEqual([JSON.stringify(body), 400]);
    }
    const [row] = await t.sql(`select city, status, agent_id, email from caller_client where id = ?`, [c.clientId]);
    expect(row).toMatchObject({ city: 'Boston', status: 'Active', email: expect.stringMatching(/^client-/) });
  });

  test('deleting a client removes its calls in the same transaction', async () => {
    const c = await createClient(t, admin);
    for (let i = 0; i < 3; i++)
      await as(admin, 'post', `/admin/clients/${c.clientId}/calls`).send({ callData: { phone: '+12125550100' } });
    expect(await t.sql(`select 1 from caller_call where client_id = ?`, [c.clientId])).toHaveLength(3);
    const res = await as(admin, 'delete', `/admin/clients/${c.clientId}`);
    expect(res.body).toEqual({ message: 'Client deleted successfully' });
    expect(await t.sql(`select 1 from caller_call where client_id = ?`, [c.clientId])).toHaveLength(0);
    expect((await as(admin, 'get', `/admin/clients/${c.clientId}`)).status).toBe(404);
  });

  test('a viewer operator can read but every admin change is refused', async () => {
    const viewer = await adminToken(t, 'viewer');
    const c = await createClient(t, admin);
    expect((await as(viewer, 'get', `/admin/clients/${c.clientId}`)).status).toBe(200);
    expect((await as(viewer, 'put', `/admin/clients/${c.clientId}`).send({ status: 'Inactive' })).status).toBe(403);
    expect((await as(viewer, 'delete', `/admin/clients/${c.clientId}`)).status).toBe(403);
    const [row] = await t.sql(`select status from caller_client where id = ?`, [c.clientId]);
    expect(row.status).toBe('Active');
  });
});

describe('call history and stats', () => {
  test('calls added and updated by the admin show in history, call stats and the dashboard', async () => {
    const c = await createClient(t, admin);
    const added = await as(admin, 'post', `/admin/clients/${c.clientId}/calls`).send({
      callData: {
        callSid: `CA${'a'.repeat(32)}`,
        requestId: 'request_id_here',
        phone: '+12125551234',
        status: 'initiated',
        callCount: 1,
      },
      callDetails: { callOutcome: '', callSummary: '', callTranscript: '' },
    });
    expect(added.status).toBe(200);
    expect(added.body).toEqual({ message: 'Call added to history successfully', callId: expect.any(String) });
    const update = await as(admin, 'put', `/admin/clients/${c.clientId}/calls/${added.body.callId}`).send({
      callDetails: { callOutcome: 'interested', callSentiment: 'positive', callSummary: 'Premium plan' },
      callData: { endTime: '2025-03-20T12:15:00.000Z', duration: 900, status: 'completed' },
    });
    expect(update.body).toEqual({ message: 'Call details updated successfully' });
    const history = await as(c.token, 'get', '/secure/calls');
    expect(history.body).toMatchObject({ clientId: c.clientId, total: 1, filtered: 1 });
    expect(history.body.callHistory[0]).toMatchObject({
      callId: added.body.callId,
      callData: { status: 'completed', duration: 900, phone: '+12125551234' },
      callDetails: { callOutcome: 'interested', callSentiment: 'positive' },
    });
    const stats = await as(c.token, 'get', '/secure/call-stats');
    expect(stats.body).toEqual({
      clientId: c.clientId,
      stats: {
        totalCalls: 1,
        callsByStatus: { completed: 1 },
        callsByOutcome: { interested: 1, 'not-interested': 0, callback: 0, unavailable: 0, unknown: 0 },
        callsBySentiment: { positive: 1, neutral: 0, negative: 0, unknown: 0 },
        totalDuration: 900,
        averageDuration: 900,
      },
    });
    const dash = await as(admin, 'get', '/admin/dashboard');
    expect(dash.body.clients.total).toBeGreaterThanOrEqual(1);
    expect(dash.body.calls.byStatus.completed).toBeGreaterThanOrEqual(1);
    expect(dash.body.calls.recent).toBeGreaterThanOrEqual(1);
    const activity = await as(admin, 'get', '/admin/activity?days=7&limit=50');
    expect(activity.body.period).toBe('7 days');
  });

  test("client A's token never reaches client B's calls or account (404, nothing leaked)", async () => {
    const a = await createClient(t, admin);
    const b = await createClient(t, admin);
    const bCall = await as(admin, 'post', `/admin/clients/${b.clientId}/calls`).send({
      callData: { phone: '+12125550199' },
    });
    const res = await as(a.token, 'get', `/secure/calls/${bCall.body.callId}`);
    expect(res.status).toBe(404);
    expect(JSON.stringify(res.body)).not.toContain('+12125550199');
    expect((await as(a.token, 'get', '/secure/calls')).body.callHistory).toEqual([]);
    expect((await as(b.token, 'get', `/secure/calls/${bCall.body.callId}`)).status).toBe(200);
    // The client routes take no client id at all: A's token only ever sees A.
    expect((await as(a.token, 'get', '/secure/client')).body.clientId).toBe(a.clientId);
    expect((await as(a.token, 'get', `/admin/clients/${b.clientId}`)).status).toBe(401);
  });
});
