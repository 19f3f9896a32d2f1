import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createTestContext, type TestContext } from '../support/context.ts';
import { createOperator, login } from '../support/support.ts';
import { seedClient } from '../support/factories.ts';
import { disableOperatorAccount, upsertOperatorAccount } from '../../src/platform/auth/operator-accounts.ts';

let t: TestContext;
let proxied: TestContext;
beforeAll(async () => {
  t = await createTestContext();
  // Behind one trusted proxy, with the real per-address budgets.
  proxied = await createTestContext({
    env: { TRUST_PROXY: 'true', LOGIN_ATTEMPTS: '5', LOGIN_ATTEMPTS_PER_IP: '30', REFUSED_CREDENTIALS_PER_IP: '3' },
  });
});
afterAll(async () => {
  await t.sql(`delete from rate_limit where key like 'login-%' or key like 'refused-key%'`);
  await proxied.close();
  await t.close();
});

const auditIpOfMute = async (ctx: TestContext, xff?: string) => {
  const c = await seedClient(ctx);
  const req = ctx.api.patch(`/api/admin/clients/${c.id}/mute-alerts`);
  if (xff) req.set('X-Forwarded-For', xff);
  expect((await req.send({ muted: true })).status).toBe(200);
  const [row] = await ctx.sql(`select ip from audit_event where action = 'client.alerts.mute' and resource_id = ?`, [
    c.id,
  ]);
  return row.ip;
};
const jsonLogin = (ctx: TestContext, creds: { username: string; password: string }, ip: string) =>
  ctx.anonymous
    .post('/admin/login')
    .set('Accept', 'application/json')
    .set('X-Forwarded-For', `spoofed-by-caller, ${ip}`)
    .send(creds);

describe('client addresses come only from trusted proxy hops', () => {
  test('behind one proxy, the address it appended is used and what the caller wrote is ignored', async () => {
    expect(await auditIpOfMute(proxied, '6.6.6.6, 203.0.113.7')).toBe('203.0.113.7');
  });

  test('behind two proxies, the address the outer one appended is used', async () => {
    const twoHops = await createTestContext({ env: { TRUST_PROXY: '2' } });
    try {
      expect(await auditIpOfMute(twoHops, '6.6.6.6, 198.51.100.1, 10.0.0.5')).toBe('198.51.100.1');
    } finally {
      await twoHops.close();
    }
  });

  test('without a trusted proxy, X-Forwarded-For is ignored and the peer address is used', async () => {
    expect(await auditIpOfMute(t, '203.0.113.9')).toMatch(/127\.0\.0\.1$/);
  });
});

describe('login throttling', () => {
  test('parallel wrong passwords from one address: exactly the budget is checked, the rest get 429', async () => {
    const creds = await createOperator(proxied);
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => jsonLogin(proxied, { ...creds, password: `wrong-${i}` }, '198.51.100.20')),
    );
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(15);
    const failed = await proxied.sql(
      `select count(*)::int as n from audit_event where action = 'auth.login.failed' and actor_id = ?`,
      [creds.username],
    );
    expect(failed[0].n).toBe(5);
  }, 60_000);

  test('a guesser locks out its own address only, for a bounded time; the operator elsewhere signs in', async () => {
    const creds = await createOperator(proxied);
    for (let i = 0; i < 5; i++)
      expect((await jsonLogin(proxied, { ...creds, password: `nope-${i}` }, '198.51.100.30')).status).toBe(401);
    const locked = await jsonLogin(proxied, creds, '198.51.100.30');
    expect(locked.status).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(locked.headers['retry-after'])).toBeLessThanOrEqual(900);
    const real = await jsonLogin(proxied, creds, '203.0.113.40');
    expect(real.status).toBe(200);
  }, 60_000);

  test('a failed login is audited with the username tried, the address and the reason', async () => {
    const creds = await createOperator(proxied);
    await jsonLogin(proxied, { ...creds, password: 'bad' }, '198.51.100.50');
    const [row] = await proxied.sql(
      `select actor_type, actor_id, ip, outcome, after from audit_event where action = 'auth.login.failed' and
        actor_id = ?`,
      [creds.username],
    );
    expect(row).toMatchObject({
      actor_type: 'anonymous',
      actor_id: creds.username,
      ip: '198.51.100.50',
      outcome: 'rejected',
      after: { reason: 'invalid username or password' },
    });
  });
});

describe('refused API keys', () => {
  test('are audited by fingerprint (never the key) and, past the budget, the address is refused', async () => {
    const ip = '198.51.100.60';
    const wrong = 'ops_this-key-is-wrong-0123456789abcdef';
    for (let i = 0; i < 3; i++) {
      const res = await proxied.anonymous
        .get('/api/admin/clients')
        .set('X-Forwarded-For', ip)
        .set('Authorization', `Bearer ${wrong}`);
      expect(res.status).toBe(401);
    }
    const refused = await proxied.anonymous
      .get('/api/admin/clients')
      .set('X-Forwarded-For', ip)
      .set('Authorization', `Bearer ${wrong}`);
    expect(refused.status).toBe(429);
    const control = await proxied.anonymous
      .get('/api/internal/ops/execute')
      .set('X-Forwarded-For', ip)
      .set('x-book8-internal-secret', 'not-a-key');
    expect(control.status).toBe(429);
    // Another address is unaffected.
    expect(
      (
        await proxied.anonymous
          .get('/api/admin/clients')
          .set('X-Forwarded-For', '203.0.113.61')
          .set('Authorization', `Bearer ${proxied.env.operatorKey}`)
      ).status,
    ).toBe(200);
    const rows = await proxied.sql(
      `select actor_id, resource_id, after, before from audit_event where action = 'auth.credential.refused' and ip
        = ?`,
      [ip],
    );
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatchObject({
      resource_id: 'operatorKey',
      actor_id: expect.stringMatching(/^sha256:[0-9a-f]{12}$/),
      after: { reason: 'invalid, expired or revoked operator API key' },
    });
    expect(JSON.stringify(rows)).not.toContain(wrong);
  });
});

describe('operator sessions', () => {
  test('over https the cookie is __Host- prefixed, Secure, path /, and HSTS is sent', async () => {
    const creds = await createOperator(proxied);
    const res = await proxied.anonymous.post('/admin/login').set('X-Forwarded-Proto', 'https').type('form').send(creds);
    const setCookie = (res.headers['set-cookie'] as unknown as string[]).join('\n');
    expect(setCookie).toMatch(
      /^__Host-ops_session=[\w-]{43}; path=\/; expires=[^;]+; samesite=strict; secure; httponly$/m,
    );
    expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    const cookie = setCookie.split(';')[0];
    expect(
      (await proxied.anonymous.get('/admin/api/stats').set('X-Forwarded-Proto', 'https').set('Cookie', cookie)).status,
    ).toBe(200);
    expect((await t.anonymous.get('/healthz')).headers['strict-transport-security']).toBeUndefined();
    // Over https a cookie without the prefix is not a session (a subdomain could have planted it).
    const planted = `ops_session=${cookie.split('=')[1]}`;
    expect(
      (await proxied.anonymous.get('/admin/api/stats').set('X-Forwarded-Proto', 'https').set('Cookie', planted)).status,
    ).toBe(302);
  });

  test('a session left idle past SESSION_IDLE_TIMEOUT ends, while its absolute expiry is still ahead', async () => {
    const creds = await createOperator(t);
    const cookie = await login(t, creds);
    expect((await t.anonymous.get('/admin/api/stats').set('Cookie', cookie)).status).toBe(200);
    await t.sql(
      `update operator_session set last_seen_at = now() - interval '31 minutes' from operator_account a where a.id
        = account_id and a.username = ?`,
      [creds.username],
    );
    expect((await t.anonymous.get('/admin/api/stats').set('Cookie', cookie)).status).toBe(302);
  });

  test('a password reset ends every session of the account', async () => {
    const creds = await createOperator(t);
    const [a, b] = [await login(t, creds), await login(t, creds)];
    await upsertOperatorAccount(t.orm.em.fork(), creds.username, 'a-brand-new-password', 'operator');
    for (const cookie of [a, b])
      expect((await t.anonymous.get('/admin/api/stats').set('Cookie', cookie)).status).toBe(302);
    expect((await login(t, { username: creds.username, password: 'a-brand-new-password' })).length).toBeGreaterThan(0);
  });

  test('disabling an account ends its sessions and refuses its login', async () => {
    const creds = await createOperator(t);
    const cookie = await login(t, creds);
    expect(await disableOperatorAccount(t.orm.em.fork(), creds.username)).toBe(true);
    expect((await t.anonymous.get('/admin/api/stats').set('Cookie', cookie)).status).toBe(302);
    const [row] = await t.sql(
      `select count(*)::int as n from operator_session s join operator_account a on a.id = s.account_id where
        a.username = ? and s.revoked_at is null`,
      [creds.username],
    );
    expect(row.n).toBe(0);
    expect((await t.anonymous.post('/admin/login').set('Accept', 'application/json').send(creds)).status).toBe(401);
  });
});
