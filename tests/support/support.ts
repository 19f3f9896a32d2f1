import { randomUUID } from 'node:crypto';
import type { TestContext } from './context.ts';
import { upsertOperatorAccount } from '../../src/platform/auth/operator-accounts.ts';

/** A fresh operator account; returns its credentials. */
export async function createOperator(t: TestContext) {
  const username = `op-${randomUUID().slice(0, 8)}`;
  const password = `pw-${randomUUID()}`;
  await upsertOperatorAccount(t.orm.em.fork(), username, password, 'operator');
  return { username, password };
}

/** Logs in over HTTP as an API client would and returns the Cookie header to send. */
export async function login(t: TestContext, creds: { username: string; password: string }): Promise<string> {
  const res = await t.anonymous.post('/admin/login').set('Accept', 'application/json').send(creds);
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  const cookie = (res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('ops_session='))!;
  return cookie.split(';')[0];
}

/** A tenant with `n` conversations of `m` messages each, `minutesApart` between conversation updates. */
export async function seedConversations(t: TestContext, n: number, m: number) {
  const tenant = `tenant-${randomUUID().slice(0, 8)}`;
  await t.sql(`insert into client (id, business_name) values (?, ?)`, [tenant, `Tenant ${tenant}`]);
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = `conv-${tenant}-${i}`;
    ids.push(id);
    await t.sql(
      `insert into conversation (id, client_id, customer_name, channel, status, created_at, updated_at) values (?,
        ?, ?, 'web', 'active', now() - interval '1 day', now() - (? * interval '1 minute'))`,
      [id, tenant, `Customer ${i}`, n - i],
    );
    for (let k = 0; k < m; k++) {
      await t.sql(
        `insert into message (id, client_id, conversation_id, role, content, created_at) values (?, ?, ?, ?, ?,
          now() - interval '1 day' + (? * interval '1 second'))`,
        [`${id}-m${k}`, tenant, id, k % 2 ? 'assistant' : 'user', `message ${k} of ${id}`, k],
      );
    }
  }
  return { tenant, ids };
}
