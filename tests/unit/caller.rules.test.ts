import { describe, expect, test } from '@jest/globals';
import { UnsecuredJWT } from 'jose';
import { isE164, maskPhone } from '../../src/caller/phone.rules.ts';
import { advances, isCallStatus, isTerminal } from '../../src/caller/call-status.rules.ts';
import { createTokenIssuer } from '../../src/caller/caller-tokens.ts';
import { callWorkflowId } from '../../src/caller/place-call.contract.ts';
import { agentTwiml } from '../../src/caller/twiml.ts';
import { callerEnvelope } from '../../src/caller/caller.envelope.ts';
import { clientUpdateSelfBody, createClientBody, makeCallBody } from '../../src/caller/caller.schemas.ts';
import { validationError } from '../../src/platform/http/errors.ts';

describe('phone numbers', () => {
  test('E.164 only: a plus, a country code, at most 15 digits', () => {
    expect(['+12125551234', '+447700900123'].map(isE164)).toEqual([true, true]);
    expect(['12125551234', '+0123456789', '+1 212 555 1234', '+1234567890123456', '212-555-1234'].map(isE164)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  test('masked for the Web UI: prefix and last four', () => {
    expect(maskPhone('+12125551234')).toBe('+1212555…1234');
  });
});

describe('call status', () => {
  test('moves only forward and never out of a final status', () => {
    expect(advances('queued', 'ringing')).toBe(true);
    expect(advances('in-progress', 'ringing')).toBe(false);
    expect(advances('completed', 'failed')).toBe(false);
    expect(advances('ringing', 'no-answer')).toBe(true);
    expect(isTerminal('busy')).toBe(true);
    expect(isCallStatus('exploded')).toBe(false);
  });
});

describe('caller tokens', () => {
  const tokens = createTokenIssuer({ secret: 'unit-test-secret-unit-test-secret-0123', ttlMs: 60_000 });

  test('a token verifies for its own audience only', async () => {
    const { token, expiresAt } = await tokens.issue('client', { sub: 'cl_1', sv: 3 });
    expect(expiresAt.getTime()).toBeGreaterThan(Date.now());
    expect(await tokens.verify('client', token)).toEqual({ sub: 'cl_1', role: undefined, sv: 3 });
    expect(await tokens.verify('admin', token)).toBeNull();
  });

  test('alg none, another key and garbage are refused', async () => {
    const none = new UnsecuredJWT({ sub: 'cl_1', sv: 1 })
      .setIssuer('ops-platform')
      .setAudience('ops-caller-client')
      .setExpirationTime('1h')
      .encode();
    const other = createTokenIssuer({ secret: 'another-secret-another-secret-0123456', ttlMs: 60_000 });
    const foreign = (await other.issue('client', { sub: 'cl_1', sv: 1 })).token;
    for (const t of [none, foreign, 'not.a.jwt', '']) expect(await tokens.verify('client', t)).toBeNull();
  });

  test('without a secret nothing is issued or accepted', async () => {
    const off = createTokenIssuer({ secret: undefined, ttlMs: 60_000 });
    await expect(off.issue('admin', { sub: 'x' })).rejects.toMatchObject({ status: 503 });
    expect(await off.verify('admin', 'x')).toBeNull();
  });
});

describe('caller contract, TwiML, envelope and schemas', () => {
  test('the call ID names the client, the caller and the key', () => {
    expect(callWorkflowId('cl_1', 'caller-client:cl_1', 'k1')).toBe('call:cl_1:caller-client:cl_1:k1');
  });

  test("the TwiML connects the call to the agent's conversation stream", () => {
    const xml = agentTwiml('wss://agents.example/convai', 'agent_x', 'call_1');
    expect(xml).toContain('<Connect><Stream url="wss://agents.example/convai?agent_id=agent_x">');
    expect(xml).toContain('<Parameter name="callId" value="call_1"/>');
  });

  test('errors name each bad field', () => {
    expect(callerEnvelope(validationError([{ field: 'body.clientMeta.email', message: 'is required' }]))).toEqual({
      success: false,
      message: 'Invalid request',
      code: 'VALIDATION_ERROR',
      errors: { 'clientMeta.email': 'is required' },
    });
  });

  test('a client may not send the fields only an admin changes', () => {
    expect(clientUpdateSelfBody.safeParse({ clientMeta: { city: 'Boston' } }).success).toBe(true);
    expect(clientUpdateSelfBody.safeParse({ clientMeta: { email: 'a@b.example' } }).success).toBe(false);
    expect(clientUpdateSelfBody.safeParse({ status: 'Inactive', clientMeta: {} }).success).toBe(false);
    expect(makeCallBody.safeParse({ phone: '2125551234' }).success).toBe(false);
    expect(createClientBody.safeParse({}).success).toBe(false);
  });
});
