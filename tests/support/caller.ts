import { randomUUID } from 'node:crypto';
import twilio from 'twilio';
import type { TestContext } from './context.ts';
import { createOperator } from './support.ts';
import { MOCK_CREDENTIALS } from '../../src/platform/launch/api-mocks.ts';
import { statusCallbackUrl } from '../../src/caller/caller.paths.ts';
import { createTokenIssuer } from '../../src/caller/caller-tokens.ts';
import { passwordVersion } from '../../src/platform/auth/passwords.ts';
import { CALLER_JWT_SECRET } from './env.ts';

/** The caller tests' API: Twilio's (mock) auth token, so status callbacks can be verified. */
export const CALLER_ENV = {
  TWILIO_ACCOUNT_SID: MOCK_CREDENTIALS.TWILIO_ACCOUNT_SID,
  TWILIO_AUTH_TOKEN: MOCK_CREDENTIALS.TWILIO_AUTH_TOKEN,
};

/** An admin JWT from /auth/admin/login, for a fresh operator account with `role`. */
export async function adminToken(t: TestContext, role: 'viewer' | 'operator' | 'admin' = 'admin') {
  const creds = await createOperator(t);
  await t.sql(`update operator_account set role = ? where username = ?`, [role, creds.username]);
  const res = await t.anonymous.post('/auth/admin/login').send(creds);
  if (res.status !== 200) throw new Error(`admin login: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.token as string;
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** A client created over the API; answers its id, secret and a client token. */
export async function createClient(t: TestContext, admin: string, over: Record<string, unknown> = {}) {
  const n = randomUUID().slice(0, 8);
  const res = await t.anonymous
    .post('/admin/clients')
    .set(bearer(admin))
    .send({
      clientMeta: { fullName: `Client ${n}`, email: `client-${n}@example.com`, phone: '+12125551234' },
      agentId: `agent_${n}`,
      twilioPhoneNumber: '+18001234567',
      ...over,
    });
  if (res.status !== 201) throw new Error(`create client: ${res.status} ${JSON.stringify(res.body)}`);
  const { clientId, clientSecret } = res.body.client;
  const login = await t.anonymous.post('/auth/login').send({ clientId, secret: clientSecret });
  return { clientId: clientId as string, secret: clientSecret as string, token: login.body.token as string };
}

/** A status callback as Twilio sends it: form-encoded, signed over the callback URL with the auth token. */
export function twilioCallback(t: TestContext, callId: string, params: Record<string, string>, signature?: string) {
  const url = statusCallbackUrl('http://127.0.0.1:3000', callId);
  const sig = signature ?? twilio.getExpectedTwilioSignature(MOCK_CREDENTIALS.TWILIO_AUTH_TOKEN, url, params);
  return t.anonymous
    .post(`/api/caller/twilio/status/${callId}`)
    .set('X-Twilio-Signature', sig)
    .type('form')
    .send(params);
}

/** An admin JWT minted directly (as /auth/admin/login would) for an existing operator account. */
export async function mintAdminToken(t: TestContext, username: string): Promise<string> {
  const [row] = await t.sql(`select password_hash from operator_account where username = ?`, [username]);
  const tokens = createTokenIssuer({ secret: CALLER_JWT_SECRET, ttlMs: 3_600_000 });
  return (await tokens.issue('admin', { sub: username, pv: passwordVersion(row.password_hash) })).token;
}
