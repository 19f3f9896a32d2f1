import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type request from 'supertest';
import { createTestContext, type TestContext } from '../support/context.ts';
import { CALLER_JWT_SECRET, CONTROL_KEYS } from '../support/env.ts';
import { upsertOperatorAccount } from '../../src/platform/auth/operator-accounts.ts';
import { createTokenIssuer } from '../../src/caller/caller-tokens.ts';
import { mintAdminToken } from '../support/caller.ts';
import { upsertOperatorKey } from '../../src/platform/auth/api-keys.ts';
import { ROLES, type Role } from '../../src/platform/auth/roles.ts';

// Every route the app serves declares who may call it. Walking the route table:
// anonymous callers are refused, a principal below the route's role gets 403, and
// one with the role gets past authentication (whatever the handler then answers).

let t: TestContext;
const keys: Record<Role, string> = { viewer: '', operator: '', admin: '' };
/** Caller (spec 003) admin JWTs of operator accounts with each role, and one client token. */
const adminTokens: Record<Role, string> = { viewer: '', operator: '', admin: '' };
let clientToken = '';
interface Route {
  method: string;
  path: string;
  role: string;
  schemes: string[];
  tags: string[];
}
let routes: Route[];

beforeAll(async () => {
  t = await createTestContext();
  for (const role of ROLES) {
    keys[role] = `ops_sweep_${role}_${'x'.repeat(30)}`;
    await upsertOperatorKey(t.orm.em.fork(), `sweep-${role}`, keys[role], role);
  }
  const tokens = createTokenIssuer({ secret: CALLER_JWT_SECRET, ttlMs: 3_600_000 });
  for (const role of ROLES) {
    await upsertOperatorAccount(t.orm.em.fork(), `sweep-account-${role}`, `sweep-password-${role}`, role);
    adminTokens[role] = await mintAdminToken(t, `sweep-account-${role}`);
  }
  await t.sql(
    `insert into caller_client (id, agent_id, twilio_phone_number, full_name, email, phone, secret_hash)
     values ('sweep-client', 'agent_sweep', '+18005550000', 'Sweep', 'sweep@example.com', '+12125550000', 'x')
     on conflict do nothing`,
  );
  clientToken = (await tokens.issue('client', { sub: 'sweep-client', sv: 1 })).token;
  const doc = (await t.anonymous.get('/openapi.json')).body;
  routes = Object.entries<any>(doc.paths).flatMap(([path, ops]) =>
    Object.entries<any>(ops).map(([method, op]) => ({
      method,
      path: path.replace(/\{\w+\}/g, 'sweep-id'),
      role: op['x-required-role'],
      schemes: (op.security ?? []).map((s: object) => Object.keys(s)[0]),
      tags: op.tags,
    })),
  );
});
afterAll(async () => {
  await t.sql(`delete from rate_limit`);
  await t.close();
});

/** The credential of a principal with `role`, in the form the route accepts. */
function as(req: request.Test, route: Route, role: Role): request.Test {
  if (route.schemes.includes('callerAdminToken')) return req.set('Authorization', `Bearer ${adminTokens[role]}`);
  if (route.schemes.includes('callerClientToken')) return req.set('Authorization', `Bearer ${clientToken}`);
  if (route.schemes.includes('operatorKey')) return req.set('Authorization', `Bearer ${keys[role]}`);
  const control = { viewer: CONTROL_KEYS.readonly, operator: CONTROL_KEYS.n8n, admin: CONTROL_KEYS.admin }[role];
  return req.set('x-book8-internal-secret', control);
}
const send = (route: Route) => ((t.anonymous as any)[route.method](route.path) as request.Test).ok(() => true);
const below = (role: string) => ROLES.slice(0, ROLES.indexOf(role as Role));

describe('the route table', () => {
  test('every route declares its access: a role or public', () => {
    expect(routes.length).toBeGreaterThan(20);
    const undeclared = routes.filter((r) => ![...ROLES, 'public'].includes(r.role)).map((r) => `${r.method} ${r.path}`);
    expect(undeclared).toEqual([]);
  });

  test('changes are never open to viewers, and deletion and access management need admin', () => {
    const openToViewers = routes.filter((r) => r.method !== 'get' && r.role === 'viewer' && r.tags[0] !== 'control');
    // Logging out is the one change a viewer makes (to its own session).
    expect(openToViewers.map((r) => `${r.method} ${r.path}`)).toEqual(['post /admin/logout']);
    for (const r of routes.filter((x) => x.method === 'delete' || x.path.startsWith('/api/admin/operator')))
      expect([r.path, r.role]).toEqual([r.path, 'admin']);
  });
});

describe('every route enforces its access', () => {
  test('anonymous callers are refused (401, or the login redirect of the support pages)', async () => {
    const wrong: string[] = [];
    for (const r of routes.filter((x) => x.role !== 'public')) {
      const res = await send(r);
      const redirectsToLogin = res.status === 302 && res.headers.location === '/admin/login';
      if (res.status !== 401 && !redirectsToLogin) wrong.push(`${r.method} ${r.path} → ${res.status}`);
    }
    expect(wrong).toEqual([]);
  });

  test("a principal below the route's role gets 403; one with the role gets past authentication", async () => {
    const wrong: string[] = [];
    for (const r of routes.filter((x) => x.role !== 'public')) {
      // A client token has no role ladder: it is the client itself, scoped to its own account.
      const ladder = r.schemes.includes('callerClientToken') ? [] : below(r.role);
      for (const role of ladder) {
        const res = await as(send(r), r, role);
        if (res.status !== 403) wrong.push(`${role} on ${r.method} ${r.path} → ${res.status}, expected 403`);
      }
      const res = await as(send(r), r, r.role as Role);
      if ([401, 403].includes(res.status)) wrong.push(`${r.role} on ${r.method} ${r.path} → ${res.status}`);
    }
    expect(wrong).toEqual([]);
  });

  test('a viewer key is refused on every change', async () => {
    const changes = routes.filter(
      (r) => r.method !== 'get' && r.role !== 'public' && r.role !== 'viewer' && r.schemes.includes('operatorKey'),
    );
    expect(changes.length).toBeGreaterThan(10);
    for (const r of changes)
      expect([r.method, r.path, (await as(send(r), r, 'viewer')).status]).toEqual([r.method, r.path, 403]);
  });
});
