import { describe, expect, test } from '@jest/globals';
import { unstorableReason, unstorableStrings } from '../../src/platform/http/text-guard.ts';
import { scrubPersonalData } from '../../src/platform/observability/logger.ts';
import { hasRole } from '../../src/platform/auth/roles.ts';
import { notFound } from '../../src/platform/http/errors.ts';
import { presentConversationDetail } from '../../src/support/support.presenter.ts';
import { startConversationBody, updateConversationBody } from '../../src/support/support.schemas.ts';
import type { Conversation, Message } from '../../src/support/entities/index.ts';

describe('text that PostgreSQL cannot store is named at the edge', () => {
  test('NUL and unpaired surrogates, in values and keys, at any depth', () => {
    expect(unstorableReason('ok ✓ 😀')).toBeNull();
    expect(unstorableReason('a\u0000b')).toContain('NUL');
    expect(unstorableReason('\ud800')).toContain('surrogate');
    expect(unstorableStrings({ a: [{ b: 'x\u0000' }], ['k\u0000']: 1 }, 'body').map((i) => i.field)).toEqual([
      'body.a.0.b',
      'body.k\\u0000',
    ]);
  });
});

describe('logs', () => {
  test('phone numbers and emails are masked wherever they appear', () => {
    expect(scrubPersonalData('call +447700900123 or mail jane.doe@example.com')).toBe(
      'call +44…23 or mail j…@example.com',
    );
  });
});

describe('roles and errors', () => {
  test('roles are ordered viewer < operator < admin', () => {
    expect([
      hasRole({ role: 'admin' }, 'operator'),
      hasRole({ role: 'operator' }, 'admin'),
      hasRole({ role: 'viewer' }, 'viewer'),
    ]).toEqual([true, false, true]);
  });
  test('errors by name carry the spec wording', () => {
    expect([notFound('client').status, notFound('client').message, notFound('x', 'Unknown tenant').message]).toEqual([
      404,
      'Client not found',
      'Unknown tenant',
    ]);
  });
});

describe('support', () => {
  test('a conversation detail has its messages in the spec shape and no row counters', () => {
    const conv = {
      id: 'c',
      customerName: 'Jane',
      channel: 'web',
      status: 'active',
      summary: 's',
      createdAt: new Date(0),
      updatedAt: new Date(0),
      messageCount: 1,
      lastMessage: 'hi',
      lastMessageAt: new Date(0),
    } as Conversation;
    const msg = { id: 'm', content: 'hi', role: 'user', userId: null, createdAt: new Date(0) } as unknown as Message;
    expect(presentConversationDetail(conv, [msg])).toEqual({
      id: 'c',
      customerName: 'Jane',
      channel: 'web',
      status: 'active',
      createdAt: '1970-01-01T00:00:00.000Z',
      updatedAt: '1970-01-01T00:00:00.000Z',
      messages: [{ id: 'm', message: 'hi', role: 'user', userId: null, createdAt: '1970-01-01T00:00:00.000Z' }],
      summary: 's',
    });
  });
  test('a PUT changes only customerName and channel; a start defaults the channel to web', () => {
    expect(updateConversationBody.safeParse({ status: 'killed' }).success).toBe(false);
    expect(updateConversationBody.safeParse({}).success).toBe(false);
    expect(startConversationBody.parse({ tenantId: 't' }).channel).toBe('web');
  });
});
