import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { createTestContext, type TestContext } from '../support/context.ts';
import { login } from '../support/support.ts';
import { uniqueId } from '../support/factories.ts';
import { upsertOperatorKey } from '../../src/platform/auth/api-keys.ts';

let t: TestContext;
const operatorKey = `ops_access_operator_${'o'.repeat(30)}`;
beforeAll(async () => {
  t = await createTestContext();
  await upsertOperatorKey(t.orm.em.fork(), 'access-operator', operatorKey, 'operator');
});
afterAll(async () => {
  await t.close();
});

const audits = (resourceId: string) =>
  t.sql(`select action, actor_id, after from audit_event where resource_id = ? order by id`, [resourceId]);
const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

describe('operator accounts (admin API)', () => {
  test('an admin creates an operator who signs in and acts with its role; audited without secrets', async () => {
    const username = uniqueId('op');
    const created = await t.api
      .post('/api/admin/operators')
      .send({ username, password: 'a-long-password-1', role: 'viewer' });
    expect(created.status).toBe(201);
    expect(created.body.data).toEqual({ username, role: 'viewer', disabled: false, createdAt: expect.any(String) });
    const cookie = await login(t, { username, password: 'a-long-password-1' });
    // The same session works on the cockpit's routes, with the viewer role: reads yes, changes no.
    expect((await t.anonymous.get('/api/admin/clients').set('Cookie', cookie)).status).toBe(200);
    expect(
      (await t.anonymous.patch('/api/admin/clients/x/mute-alerts').set('Cookie', cookie).send({ muted: true })).status,
    ).toBe(403);

    const promoted = await t.api.patch(`/api/admin/operators/${username}`).send({ role: 'operator' });
    expect(promoted.body.data.role).toBe('operator');
    expect(
      (await t.api.post('/api/admin/operators').send({ username, password: 'another-password', role: 'admin' })).status,
    ).toBe(409);
    const rows = await audits(username);
    expect(rows.map((r) => [r.action, r.actor_id])).toEqual([
      ['operator.create', 'test-operator'],
      ['operator.update', 'test-operator'],
    ]);
    expect(JSON.stringify(rows)).not.toContain('a-long-password-1');
  });

  test("a password reset and a disable end the operator's sessions", async () => {
    const username = uniqueId('op');
    await t.api.post('/api/admin/operators').send({ username, password: 'first-password-1', role: 'operator' });
    const first = await login(t, { username, password: 'first-password-1' });
    await t.api.patch(`/api/admin/operators/${username}`).send({ password: 'second-password-2' });
    expect((await t.anonymous.get('/admin/api/stats').set('Cookie', first)).status).toBe(302);
    const second = await login(t, { username, password: 'second-password-2' });
    await t.api.patch(`/api/admin/operators/${username}`).send({ disabled: true });
    expect((await t.anonymous.get('/admin/api/stats').set('Cookie', second)).status).toBe(302);
    const list = await t.api.get('/api/admin/operators');
    expect(list.body.data.find((o: any) => o.username === username)).toMatchObject({ disabled: true });
    // A later password reset does not re-enable the account.
    await t.api.patch(`/api/admin/operators/${username}`).send({ password: 'third-password-3' });
    expect(
      (
        await t.anonymous
          .post('/admin/login')
          .set('Accept', 'application/json')
          .send({ username, password: 'third-password-3' })
      ).status,
    ).toBe(401);
  });

  test('bad input is refused with the field and nothing is written', async () => {
    const res = await t.api.post('/api/admin/operators').send({ username: 'x y', password: 'short', role: 'root' });
    expect(res.status).toBe(400);
    expect(res.body.error.details.issues.map((i: any) => i.field).sort()).toEqual([
      'body.password',
      'body.role',
      'body.username',
    ]);
    expect((await t.api.patch('/api/admin/operators/nobody-here').send({ role: 'viewer' })).status).toBe(404);
  });

  test('an operator (not admin) cannot manage accounts or keys', async () => {
    for (const [method, path] of [
      ['get', '/api/admin/operators'],
      ['post', '/api/admin/operator-keys'],
      ['delete', '/api/admin/operator-keys/x'],
    ] as const) {
      const res = await (t.anonymous as any)[method](path).set(bearer(operatorKey)).send({});
      expect([path, res.status, res.body.error.code]).toEqual([path, 403, 'FORBIDDEN']);
    }
  });
});

describe('operator API keys (admin API)', () => {
  test('a created key is shown once, works with its role, and stops working when revoked', async () => {
    const name = uniqueId('key');
    const created = await t.api.post('/api/admin/operator-keys').send({ name, role: 'viewer' });
    expect(created.status).toBe(201);
    const key = created.body.data.key as string;
    expect(key).toMatch(/^ops_/);
    expect((await t.anonymous.get('/api/admin/clients').set(bearer(key))).status).toBe(200);
    const listed = await t.api.get('/api/admin/operator-keys');
    expect(JSON.stringify(listed.body)).not.toContain(key);
    expect(listed.body.data.find((k: any) => k.name === name)).toMatchObject({ role: 'viewer', status: 'active' });
    expect((await t.api.delete(`/api/admin/operator-keys/${name}`)).body.data.status).toBe('revoked');
    await new Promise((r) => setTimeout(r, 5_100)); // keys are cached for 5 s per API process
    expect((await t.anonymous.get('/api/admin/clients').set(bearer(key))).status).toBe(401);
    expect((await audits(name)).map((r) => r.action)).toEqual(['operator-key.create', 'operator-key.revoke']);
  }, 20_000);

  test('an expired key is refused', async () => {
    const name = uniqueId('key');
    const created = await t.api
      .post('/api/admin/operator-keys')
      .send({ name, role: 'admin', expiresAt: new Date(Date.now() + 1_000).toISOString() });
    expect(created.status).toBe(201);
    await t.sql(`update operator_api_key set expires_at = now() - interval '1 second' where name = ?`, [name]);
    expect((await t.anonymous.get('/api/admin/clients').set(bearer(created.body.data.key))).status).toBe(401);
    expect(
      (
        await t.api
          .post('/api/admin/operator-keys')
          .send({ name: uniqueId('k'), role: 'admin', expiresAt: '2001-01-01T00:00:00Z' })
      ).status,
    ).toBe(400);
  });
});

describe('the same from the shell', () => {
  const ops = (args: string[]) =>
    promisify(execFile)('bash', ['ops', ...args], {
      cwd: resolve(import.meta.dirname, '../..'),
      env: { ...process.env, NODE_OPTIONS: '', DATABASE_URL: t.env.databaseUrl },
    });

  test('./ops key create|list|revoke and ./ops operator add|reset-password|disable', async () => {
    const name = uniqueId('cli-key');
    const created = await ops(['key', 'create', name, '--role', 'viewer']);
    const key = /: (ops_\S+)/.exec(created.stdout)![1];
    expect((await t.anonymous.get('/api/admin/clients').set(bearer(key))).status).toBe(200);
    expect((await ops(['key', 'list'])).stdout).toMatch(new RegExp(`${name}\\s+viewer\\s+active`));
    await ops(['key', 'revoke', name]);
    const [row] = await t.sql(`select revoked_at from operator_api_key where name = ?`, [name]);
    expect(row.revoked_at).not.toBeNull();

    const username = uniqueId('cli-op');
    const added = await ops(['operator', 'add', username, '--role', 'operator']);
    const password = /password: (\S+)/.exec(added.stdout)![1];
    const cookie = await login(t, { username, password });
    const reset = await ops(['operator', 'reset-password', username]);
    expect(reset.stdout).toContain('its sessions ended');
    expect((await t.anonymous.get('/admin/api/stats').set('Cookie', cookie)).status).toBe(302);
    await ops(['operator', 'disable', username]);
    const [acct] = await t.sql(`select disabled_at from operator_account where username = ?`, [username]);
    expect(acct.disabled_at).not.toBeNull();
    const [audit] = await t.sql(`select actor_type from audit_event where resource_id = ? order by id limit 1`, [
      username,
    ]);
    expect(audit.actor_type).toBe('cli');
  }, 60_000);
});
