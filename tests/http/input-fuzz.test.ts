import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import request from 'supertest';
import { createTestContext, type TestContext } from '../support/context.ts';
import { CALLER_JWT_SECRET, CONTROL_KEYS } from '../support/env.ts';
import { createTokenIssuer } from '../../src/caller/caller-tokens.ts';
import { mintAdminToken } from '../support/caller.ts';
import { createOperator, login } from '../support/support.ts';

// Every route of the OpenAPI document, with the credential it needs, gets
// hostile values in each path and query parameter and in each body field: the
// platform may refuse them (400, 404, 413, 429…) but never answers 5xx.

let t: TestContext;
let cookie: string;
let conversation: { id: string; token: string };
let callerTokens: { admin: string; client: string };
beforeAll(async () => {
  t = await createTestContext();
  // Per-address budgets spent by earlier test files of this worker would refuse the setup below.
  await t.sql(`delete from rate_limit`);
  cookie = await login(t, await createOperator(t));
  await t.sql(`insert into client (id, business_name) values ('fuzz-tenant', 'Fuzz') on conflict do nothing`);
  const started = await t.anonymous.post('/api/support/conversations').send({ tenantId: 'fuzz-tenant' });
  conversation = { id: started.body.conversationId, token: started.body.conversationToken };
  // Caller (spec 003): an admin token, and a token of a client the admin routes (probed on 'fuzz-tenant',
  // which they may reset or delete) never touch.
  await t.sql(
    `insert into caller_client (id, agent_id, twilio_phone_number, full_name, email, phone, secret_hash)
     values ('fuzz-tenant', 'agent_fuzz', '+18005550001', 'Fuzz', 'fuzz@example.com', '+12125550001', 'x'),
            ('fuzz-secure', 'agent_fuzz', '+18005550002', 'Fuzz', 'fuzz-secure@example.com', '+12125550002', 'x')
     on conflict do nothing`,
  );
  const tokens = createTokenIssuer({ secret: CALLER_JWT_SECRET, ttlMs: 3_600_000 });
  const account = await createOperator(t);
  await t.sql(`update operator_account set role = 'admin' where username = ?`, [account.username]);
  callerTokens = {
    admin: await mintAdminToken(t, account.username),
    client: (await tokens.issue('client', { sub: 'fuzz-secure', sv: 1 })).token,
  };
});
afterAll(async () => {
  // Budgets spent here must not follow the next test file of this worker.
  await t.sql(`delete from rate_limit`);
  await t.close();
});

/** A small deterministic generator, so a failure reproduces. */
function seeded(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
}
const rand = seeded(42);
const randomBytes = (n: number) =>
  Array.from(
    { length: n },
    () =>
      `%${Math.floor(rand() * 256)
        .toString(16)
        .padStart(2, '0')}`,
  ).join('');
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

/** Raw (already URL-encoded) hostile values for a path or query parameter. */
const HOSTILE_RAW = [
  '%00',
  'a%00b',
  '%C0%80',
  '%ED%A0%80',
  '%FF%FE',
  randomBytes(8),
  randomBytes(40),
  '%ED%B0%80%F0%9F',
  '1e309',
  '-1',
  '0',
  '99999999999999999999999',
  'NaN',
  'Infinity',
  '1.5',
  'true',
  '%20',
  '',
  'x'.repeat(5000),
  encodeURIComponent('"; drop table client; --'),
  encodeURIComponent('../../etc/passwd'),
  b64(['2020-01-01T00:00:00Z', 'a\u0000b']),
  b64(['-271821-04-20T00:00:00Z', 'x']),
  b64(['2020-01-01T00:00:00Z', 5]),
  b64({ at: 1 }),
  b64(null),
  b64(['2020-01-01T00:00:00Z']),
  'not-base64!!',
  b64(['+275760-09-13T00:00:00Z', 'x']),
];

/** Hostile JSON values for a body field. */
const HOSTILE_JSON: unknown[] = [
  'a\u0000b',
  '\ud800',
  'x'.repeat(20_000),
  1e308,
  -1,
  2 ** 53 + 1,
  true,
  null,
  [],
  ['a\u0000'],
  {},
  { '\u0000': 1 },
  { nested: { deeper: { deepest: 'x\u0000' } } },
  '',
  ' ',
];

interface Operation {
  method: string;
  path: string;
  security: string | null;
  params: { name: string; in: string }[];
  bodyFields: string[];
}

async function operations(): Promise<Operation[]> {
  const doc = (await t.anonymous.get('/openapi.json')).body;
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries<any>(doc.paths)) {
    for (const [method, op] of Object.entries<any>(methods)) {
      const security = op.security?.[0] ? Object.keys(op.security[0])[0] : null;
      const schema = op.requestBody?.content?.['application/json']?.schema;
      const fields = new Set<string>();
      for (const s of [schema, ...(schema?.anyOf ?? [])])
        for (const k of Object.keys(s?.properties ?? {})) fields.add(k);
      // Logging out would end the session the other routes are probed with.
      if (path !== '/admin/logout')
        ops.push({ method, path, security, params: op.parameters ?? [], bodyFields: [...fields] });
    }
  }
  return ops;
}

function send(op: Operation, url: string, body?: unknown) {
  let req = (t.anonymous as any)[op.method](url) as request.Test;
  if (op.security === 'operatorKey') req = req.set('Authorization', `Bearer ${t.env.operatorKey}`);
  if (op.security === 'internalSecret') req = req.set('x-book8-internal-secret', CONTROL_KEYS.readonly);
  if (op.security === 'sessionCookie') req = req.set('Cookie', cookie);
  if (op.security === 'callerAdminToken') req = req.set('Authorization', `Bearer ${callerTokens.admin}`);
  if (op.security === 'callerClientToken') req = req.set('Authorization', `Bearer ${callerTokens.client}`);
  if (op.security === 'conversationToken') req = req.set('X-Conversation-Token', conversation.token);
  if (body !== undefined) req = req.set('Content-Type', 'application/json').send(JSON.stringify(body));
  return req.ok(() => true);
}

/** The path with every parameter set to a harmless existing value, except `hostile` for `name`. */
function urlFor(op: Operation, name: string | null, raw: string) {
  let url = op.path.replace(/\{(\w+)\}/g, (_m, p) =>
    p === name ? raw : p === 'id' && op.path.includes('conversations') ? conversation.id : 'fuzz-tenant',
  );
  if (name && op.params.some((p) => p.name === name && p.in === 'query')) url += `?${name}=${raw}`;
  return url;
}

describe('hostile input never answers 5xx', () => {
  test('in every path and query parameter of every route', async () => {
    const failures: string[] = [];
    const neverPastAuth: string[] = [];
    for (const op of await operations()) {
      const statuses = new Set<number>();
      for (const p of op.params) {
        for (const raw of HOSTILE_RAW) {
          const url = urlFor(op, p.name, raw);
          const res = await send(op, url, op.method === 'get' ? undefined : {});
          statuses.add(res.status);
          if (res.status >= 500)
            failures.push(
              `${op.method.toUpperCase()} ${url.slice(0, 120)} → ${res.status} ${JSON.stringify(res.body).slice(
                0,
                200,
              )}`,
            );
        }
      }
      // The credential must have been accepted, or the route was never really probed.
      if (op.params.length && [...statuses].every((s) => s === 401 || s === 302))
        neverPastAuth.push(`${op.method} ${op.path}`);
      // Unknown and repeated query parameters.
      for (const q of ['?limit=1&limit=2', '?cursor=a&cursor=b', `?${'x'.repeat(300)}=%00`, '?severity[]=HIGH']) {
        const res = await send(op, urlFor(op, null, '') + q, op.method === 'get' ? undefined : {});
        if (res.status >= 500) failures.push(`${op.method.toUpperCase()} ${op.path}${q} → ${res.status}`);
      }
    }
    expect(failures).toEqual([]);
    expect(neverPastAuth).toEqual([]);
  });

  test('in every body field, and for bodies of the wrong shape', async () => {
    const failures: string[] = [];
    for (const op of (await operations()).filter((o) => o.method !== 'get')) {
      const url = urlFor(op, null, '');
      const bodies: unknown[] = [[], 'text', 42, null, { a: { b: { c: { d: 'x\u0000' } } } }];
      for (const field of op.bodyFields) for (const v of HOSTILE_JSON) bodies.push({ [field]: v });
      for (const body of bodies) {
        const res = await send(op, url, body);
        if (res.status >= 500)
          failures.push(
            `${op.method.toUpperCase()} ${url} ${JSON.stringify(body).slice(0, 80)} → ${res.status} ` +
              `${JSON.stringify(res.body).slice(0, 200)}`,
          );
      }
    }
    expect(failures).toEqual([]);
  });

  test('a NUL in a field is refused with 400 naming the field, and nothing is written', async () => {
    await t.sql(`insert into client (id, business_name) values ('fuzz-nul', 'Nul') on conflict do nothing`);
    const res = await t.api.patch('/api/admin/clients/fuzz-nul/mute-alerts').send({ muted: true, note: 'a\u0000b' });
    expect(res.status).toBe(400);
    expect(res.body.error.details.issues).toEqual([
      { field: 'body.note', message: 'must not contain NUL (\\u0000) characters' },
    ]);
    const [row] = await t.sql(`select ops_alerts_muted from client where id = 'fuzz-nul'`);
    expect(row.ops_alerts_muted).toBe(false);
  });
});

describe('fields written to the audit row are checked before any effect', () => {
  const ensure = (businessId: string, actorId: string, name = 'Audited') =>
    t.anonymous
      .post('/api/internal/ops/execute')
      .set('x-book8-internal-secret', CONTROL_KEYS.admin)
      .send({
        tool: 'tenant.ensure',
        payload: { businessId, name },
        meta: { requestId: `audit-${businessId}`, actor: { type: 'system', id: actorId } },
      });

  test.each([
    [
      'a NUL in the actor id',
      'n8n\u0000flow',
      'Audited',
      'body.meta.actor.id',
      'must not contain NUL (\\u0000) characters',
    ],
    [
      'an over-long actor id',
      'x'.repeat(10_000),
      'Audited',
      'body.meta.actor.id',
      'Too big: expected string to have <=200 characters',
    ],
    [
      'a NUL in a tool argument',
      'n8n',
      'Acme\u0000Corp',
      'body.payload.name',
      'must not contain NUL (\\u0000) characters',
    ],
  ])('%s: 400 naming the field, no tenant created, no run started', async (_label, actorId, name, field, message) => {
    const businessId = `biz-audit-${Math.floor(rand() * 1e9)}`;
    const res = await ensure(businessId, actorId, name);
    expect(res.status).toBe(400);
    expect(res.body.error.details.issues).toContainEqual({ field, message });
    expect(await t.sql(`select id from client where id = ?`, [businessId])).toEqual([]);
    expect(await t.sql(`select key from idempotency_record where key = ?`, [`audit-${businessId}`])).toEqual([]);
  });
});
