import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createTestContext, type TestContext } from '../support/context.ts';
import { createOperator, login, seedConversations } from '../support/support.ts';

let t: TestContext;
let cookie: string;
beforeAll(async () => {
  t = await createTestContext();
  cookie = await login(t, await createOperator(t));
});
afterAll(async () => {
  await t.close();
});

const api = {
  get: (p: string) => t.anonymous.get(p).set('Cookie', cookie),
  put: (p: string) => t.anonymous.put(p).set('Cookie', cookie),
  post: (p: string) => t.anonymous.post(p).set('Cookie', cookie),
};

describe('login and sessions', () => {
  test('GET /admin/login serves an accessible form', async () => {
    const res = await t.anonymous.get('/admin/login');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.headers['content-security-policy']).toContain("form-action 'self'");
    expect(res.text).toContain('<label for="username">Username</label>');
    expect(res.text).toContain('autocomplete="current-password"');
    expect(res.text).toContain('<html lang="en">');
  });

  test('a form login sets an HttpOnly, SameSite=Strict session cookie and redirects to the admin page', async () => {
    const creds = await createOperator(t);
    const res = await t.anonymous.post('/admin/login').type('form').send(creds);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/admin');
    const setCookie = (res.headers['set-cookie'] as unknown as string[]).join('\n');
    expect(setCookie).toMatch(/ops_session=[\w-]{43};/);
    expect(setCookie).toContain('httponly');
    expect(setCookie).toContain('samesite=strict');
    expect(setCookie).toContain('path=/;');
    expect(setCookie).not.toContain('secure');
    const rows = await t.sql(
      `select token_hash from operator_session s join operator_account a on a.id = s.account_id where a.username = ?`,
      [creds.username],
    );
    expect(rows).toHaveLength(1);
    expect(setCookie).not.toContain(rows[0].token_hash);
  });

  test('a form login asking for JSON gets JSON, not a redirect', async () => {
    const creds = await createOperator(t);
    const res = await t.anonymous.post('/admin/login').set('Accept', 'application/json').type('form').send(creds);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true, data: { username: creds.username, expiresAt: expect.any(String) } });
    const bad = await t.anonymous
      .post('/admin/login')
      .set('Accept', 'application/json')
      .type('form')
      .send({ ...creds, password: 'no' });
    expect([bad.status, bad.body]).toEqual([401, { success: false, error: 'Invalid username or password' }]);
  });

  test('the cookie is Secure when the request came over https', async () => {
    const behindTls = await createTestContext({ env: { TRUST_PROXY: 'true' } });
    try {
      const res = await behindTls.anonymous
        .post('/admin/login')
        .set('X-Forwarded-Proto', 'https')
        .type('form')
        .send(await createOperator(behindTls));
      const setCookie = (res.headers['set-cookie'] as unknown as string[]).join('\n');
      expect(setCookie).toContain('__Host-ops_session=');
      expect(setCookie).toContain('secure');
    } finally {
      await behindTls.close();
    }
  });

  test('wrong password: 401, and the page says so without saying which field was wrong', async () => {
    const creds = await createOperator(t);
    const form = await t.anonymous
      .post('/admin/login')
      .type('form')
      .send({ ...creds, password: 'nope' });
    expect(form.status).toBe(401);
    expect(form.text).toContain('role="alert"');
    expect(form.text).toContain('Invalid username or password.');
    expect(form.headers['set-cookie']).toBeUndefined();
    const json = await t.anonymous
      .post('/admin/login')
      .set('Accept', 'application/json')
      .send({ username: 'nobody-at-all', password: 'x' });
    expect(json.status).toBe(401);
    expect(json.body).toEqual({ success: false, error: 'Invalid username or password' });
  });

  test('repeated failures lock the username, even for the right password', async () => {
    const creds = await createOperator(t);
    for (let i = 0; i < 5; i++) {
      expect(
        (
          await t.anonymous
            .post('/admin/login')
            .set('Accept', 'application/json')
            .send({ ...creds, password: `wrong-${i}` })
        ).status,
      ).toBe(401);
    }
    const locked = await t.anonymous.post('/admin/login').set('Accept', 'application/json').send(creds);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    expect(locked.body.success).toBe(false);
  }, 30_000);

  test('without a session, admin pages and the JSON API redirect to the login page', async () => {
    for (const path of ['/admin', '/admin/api/conversations', '/admin/api/stats', '/admin/api/conversations/x']) {
      const res = await t.anonymous.get(path);
      expect([path, res.status, res.headers.location]).toEqual([path, 302, '/admin/login']);
    }
    const bogus = await t.anonymous.get('/admin/api/stats').set('Cookie', 'ops_session=forged');
    expect(bogus.status).toBe(302);
  });

  test('a session works on a second API process and ends at expiry or logout', async () => {
    const creds = await createOperator(t);
    const mine = await login(t, creds);
    const replica = await createTestContext();
    try {
      expect((await replica.anonymous.get('/admin/api/stats').set('Cookie', mine)).status).toBe(200);
    } finally {
      await replica.close();
    }
    await t.sql(
      `update operator_session set expires_at = now() - interval '1 second' from operator_account a where a.id =
        account_id and a.username = ?`,
      [creds.username],
    );
    expect((await t.anonymous.get('/admin/api/stats').set('Cookie', mine)).status).toBe(302);

    const again = await login(t, creds);
    const out = await t.anonymous.post('/admin/logout').set('Cookie', again);
    expect(out.status).toBe(303);
    expect(out.headers.location).toBe('/admin/login');
    expect((await t.anonymous.get('/admin/api/stats').set('Cookie', again)).status).toBe(302);
  });
});

describe('conversations API (spec 001)', () => {
  test('lists conversations most recently updated first with the spec fields, paged by cursor', async () => {
    const { ids } = await seedConversations(t, 3, 2);
    const res = await api.get('/admin/api/conversations?limit=200');
    expect(res.status).toBe(200);
    expect(res.body.success).toBe(true);
    const mine = res.body.data.filter((c: any) => ids.includes(c.id));
    expect(mine.map((c: any) => c.id)).toEqual([ids[2], ids[1], ids[0]]);
    expect(mine[0]).toEqual({
      id: ids[2],
      customerName: 'Customer 2',
      channel: 'web',
      status: 'active',
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      messageCount: 2,
      lastMessage: `message 1 of ${ids[2]}`,
      lastMessageAt: expect.any(String),
    });
    const times = res.body.data.map((c: any) => Date.parse(c.updatedAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);

    const first = await api.get('/admin/api/conversations?limit=1');
    expect(first.body.data).toHaveLength(1);
    const second = await api.get(`/admin/api/conversations?limit=1&cursor=${first.body.nextCursor}`);
    expect(second.body.data[0].id).not.toBe(first.body.data[0].id);
  });

  test('shows one conversation with its messages in order and its summary', async () => {
    const { ids } = await seedConversations(t, 1, 3);
    await t.sql(`update conversation set summary = 'Resolved.' where id = ?`, [ids[0]]);
    const res = await api.get(`/admin/api/conversations/${ids[0]}`);
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ id: ids[0], status: 'active', summary: 'Resolved.' });
    expect(res.body.data.messages.map((m: any) => [m.id, m.role, m.userId])).toEqual([
      [`${ids[0]}-m0`, 'user', null],
      [`${ids[0]}-m1`, 'assistant', null],
      [`${ids[0]}-m2`, 'user', null],
    ]);
    expect(res.body.data.messages[0]).toEqual({
      id: `${ids[0]}-m0`,
      message: `message 0 of ${ids[0]}`,
      role: 'user',
      userId: null,
      createdAt: expect.any(String),
    });
  });

  test('unknown conversation: 404 with the spec body', async () => {
    for (const req of [
      api.get('/admin/api/conversations/nope'),
      api.post('/admin/api/conversations/nope/kill'),
      api.put('/admin/api/conversations/nope').send({ channel: 'sms' }),
    ]) {
      const res = await req;
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ success: false, error: 'Conversation not found' });
    }
  });

  test('stats agree with the rows', async () => {
    await seedConversations(t, 4, 3);
    const res = await api.get('/admin/api/stats');
    const [rows] = await t.sql(
      `select (select count(*)::int from conversation) as c, (select count(*)::int from message) as m`,
    );
    expect(res.body).toEqual({
      success: true,
      data: {
        totalConversations: rows.c,
        totalMessages: rows.m,
        averageMessagesPerConversation: Math.round((rows.m / rows.c) * 10) / 10,
      },
    });
  });

  test('PUT changes customerName and channel, audited, and answers the spec message', async () => {
    const { ids } = await seedConversations(t, 1, 1);
    const res = await api
      .put(`/admin/api/conversations/${ids[0]}`)
      .send({ customerName: 'John Doe Updated', channel: 'email' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true, message: 'Conversation updated successfully' });
    const [row] = await t.sql(`select customer_name, channel from conversation where id = ?`, [ids[0]]);
    expect(row).toEqual({ customer_name: 'John Doe Updated', channel: 'email' });
    const [audit] = await t.sql(`select action, actor_type, before, after from audit_event where resource_id = ?`, [
      ids[0],
    ]);
    expect(audit).toMatchObject({
      action: 'conversation.update',
      actor_type: 'operator-session',
      before: { channel: 'web' },
      after: { channel: 'email' },
    });
  });

  test.each([
    [{ status: 'killed' }, 'body'],
    [{}, 'body'],
    [{ customerName: '' }, 'body.customerName'],
    [{ channel: 'E-Mail!' }, 'body.channel'],
    [{ customerName: 42 }, 'body.customerName'],
  ])('PUT refuses %j with 400 naming %s and changes nothing', async (body, field) => {
    const { ids } = await seedConversations(t, 1, 0);
    const res = await api.put(`/admin/api/conversations/${ids[0]}`).send(body);
    expect(res.status).toBe(400);
    expect(res.body.success).toBe(false);
    expect(res.body.error).toEqual(expect.any(String));
    expect(res.body.details.issues.map((i: any) => i.field)).toContain(field);
    expect((await t.sql(`select status, channel, customer_name from conversation where id = ?`, [ids[0]]))[0]).toEqual({
      status: 'active',
      channel: 'web',
      customer_name: 'Customer 0',
    });
  });
});

describe('kill, reactivate and the customer channel', () => {
  async function startConversation(tenant: string) {
    const res = await t.anonymous
      .post('/api/support/conversations')
      .send({ tenantId: tenant, customerName: 'Jane', channel: 'web' });
    expect(res.status).toBe(201);
    return res.body as { conversationId: string; conversationToken: string };
  }
  const send = (id: string, token: string, message: string) =>
    t.anonymous.post(`/api/support/conversations/${id}/messages`).set('X-Conversation-Token', token).send({ message });

  test(
    'a killed conversation refuses customer messages with the exact 403 body and stores nothing; reactivating ' +
      'opens it again',
    async () => {
      const { tenant } = await seedConversations(t, 0, 0);
      const { conversationId: id, conversationToken: token } = await startConversation(tenant);
      expect((await send(id, token, 'Hello, I need help')).status).toBe(201);

      const killed = await api.post(`/admin/api/conversations/${id}/kill`);
      expect(killed.body).toEqual({ success: true, message: 'Conversation killed successfully' });
      const refused = await send(id, token, 'Are you there?');
      expect(refused.status).toBe(403);
      expect(refused.body).toEqual({ error: 'This conversation has been closed and cannot accept new messages' });
      expect(await t.sql(`select content from message where conversation_id = ? order by created_at`, [id])).toEqual([
        { content: 'Hello, I need help' },
      ]);
      expect((await api.get(`/admin/api/conversations/${id}`)).body.data.status).toBe('killed');

      const reactivated = await api.post(`/admin/api/conversations/${id}/reactivate`);
      expect(reactivated.body).toEqual({ success: true, message: 'Conversation reactivated successfully' });
      expect((await send(id, token, 'Back again')).status).toBe(201);
      const detail = await api.get(`/admin/api/conversations/${id}`);
      expect(detail.body.data.messages.map((m: any) => m.message)).toEqual(['Hello, I need help', 'Back again']);
      const audit = await t.sql(`select action from audit_event where resource_id = ? order by id`, [id]);
      expect(audit.map((a: any) => a.action)).toEqual(['conversation.kill', 'conversation.reactivate']);
    },
  );

  test('a message needs the conversation token', async () => {
    const { tenant } = await seedConversations(t, 0, 0);
    const { conversationId: id } = await startConversation(tenant);
    expect((await t.anonymous.post(`/api/support/conversations/${id}/messages`).send({ message: 'x' })).status).toBe(
      401,
    );
    expect((await send(id, 'wrong-token', 'x')).status).toBe(401);
    expect((await t.sql(`select count(*)::int as n from message where conversation_id = ?`, [id]))[0].n).toBe(0);
  });

  test('a killed conversation answers 403 even to a message sent without a token (spec 001)', async () => {
    const { tenant } = await seedConversations(t, 0, 0);
    const { conversationId: id } = await startConversation(tenant);
    await api.post(`/admin/api/conversations/${id}/kill`);
    const res = await t.anonymous.post(`/api/support/conversations/${id}/messages`).send({ message: 'hello?' });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ error: 'This conversation has been closed and cannot accept new messages' });
  });

  test('an unknown tenant gets the same answer as a known one, and nothing is stored', async () => {
    const { tenant } = await seedConversations(t, 0, 0);
    const known = await t.anonymous.post('/api/support/conversations').send({ tenantId: tenant, channel: 'web' });
    const unknown = await t.anonymous
      .post('/api/support/conversations')
      .send({ tenantId: 'no-such-tenant-xyz', channel: 'web' });
    expect(unknown.status).toBe(known.status);
    expect(Object.keys(unknown.body).sort()).toEqual(Object.keys(known.body).sort());
    expect(unknown.body.conversationId).toMatch(/^conv_[0-9a-f]{20}$/);
    expect(unknown.body.conversationToken).toHaveLength(known.body.conversationToken.length);
    expect(await t.sql(`select id from conversation where id = ?`, [unknown.body.conversationId])).toEqual([]);
    // Its token opens nothing, answered exactly like a wrong token for a real conversation.
    const viaUnknown = await send(unknown.body.conversationId, unknown.body.conversationToken, 'hi');
    const wrongToken = await send(known.body.conversationId, 'wrong-token', 'hi');
    expect([viaUnknown.status, viaUnknown.body]).toEqual([wrongToken.status, wrongToken.body]);
  });

  test('a cross-site form post cannot kill a conversation', async () => {
    const { ids } = await seedConversations(t, 1, 0);
    const fromEvil = await api
      .post(`/admin/api/conversations/${ids[0]}/kill`)
      .set('Origin', 'https://evil.example')
      .type('form')
      .send('x=1');
    expect(fromEvil.status).toBe(403);
    const markedCrossSite = await api
      .post(`/admin/api/conversations/${ids[0]}/kill`)
      .set('Sec-Fetch-Site', 'cross-site');
    expect(markedCrossSite.status).toBe(403);
    expect((await t.sql(`select status from conversation where id = ?`, [ids[0]]))[0].status).toBe('active');
    // A browser would not even send the cookie cross-site: it is SameSite=Strict (asserted at login above).
  });

  test('deleting the tenant in the cockpit removes its conversations and messages, and stats follow', async () => {
    const { tenant, ids } = await seedConversations(t, 2, 3);
    await t.sql(`update client set ops_alerts_muted = true where id = ?`, [tenant]);
    const before = (await api.get('/admin/api/stats')).body.data;
    const del = await t.api.delete(`/api/admin/clients/${tenant}`).send({ confirmBusinessName: `Tenant ${tenant}` });
    expect(del.status).toBe(200);
    expect(del.body.data.deletionLog.recordsDeleted).toMatchObject({ conversations: 2, messages: 6 });
    expect((await api.get(`/admin/api/conversations/${ids[0]}`)).status).toBe(404);
    const after = (await api.get('/admin/api/stats')).body.data;
    expect(after.totalConversations).toBe(before.totalConversations - 2);
    expect(after.totalMessages).toBe(before.totalMessages - 6);
  });
});

// Last in this file: it spends this IP's budget for starting conversations.
describe('the public customer side', () => {
  test('limits how many conversations one client IP may start per minute', async () => {
    const { tenant } = await seedConversations(t, 0, 0);
    await t.sql(`delete from rate_limit where key like '%support-start%'`);
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) {
      statuses.push(
        (await t.anonymous.post('/api/support/conversations').send({ tenantId: tenant, channel: 'web' })).status,
      );
    }
    expect(statuses.slice(0, 30).every((s) => s === 201)).toBe(true);
    const limited = await t.anonymous.post('/api/support/conversations').send({ tenantId: tenant, channel: 'web' });
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ error: 'Too many requests. Please try again later.' });
    expect(limited.headers['retry-after']).toBeDefined();
    expect((await t.sql(`select count(*)::int as n from conversation where client_id = ?`, [tenant]))[0].n).toBe(30);
  });
});
