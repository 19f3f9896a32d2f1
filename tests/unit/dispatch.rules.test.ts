import { describe, expect, test } from '@jest/globals';
import { checkTransition, isAssignable } from '../../src/dispatch/order-status.rules.ts';
import { bestAvailable, distanceKm, rankCandidates, type Candidate } from '../../src/dispatch/assignment.rules.ts';
import { paymentStatusAfterRefund, pounds, refundable, stripeReason } from '../../src/dispatch/refund.rules.ts';
import { nextPricing, PRICING_DEFAULTS, versionInForce } from '../../src/dispatch/pricing.rules.ts';
import { rate, trend } from '../../src/dispatch/analytics.rules.ts';
import { dispatchEnvelope } from '../../src/dispatch/dispatch.envelope.ts';
import { AppError, validationError } from '../../src/platform/http/errors.ts';
import { assignBody, ordersQuery, updateOrderBody } from '../../src/dispatch/orders.schemas.ts';
import { createRefundBody, pricingBody, updateDriverBody } from '../../src/dispatch/dispatch.schemas.ts';
import { assignWorkflowId } from '../../src/dispatch/assign-driver.contract.ts';
import { refundWorkflowId } from '../../src/dispatch/refund-payment.contract.ts';
import { refundRequestHash } from '../../src/dispatch/refunds.service.ts';
import { orderWhere } from '../../src/dispatch/orders.queries.ts';
import { containing } from '../../src/platform/db/keyset.ts';
import { signatureHeader, verifySignature } from '../../src/platform/webhooks/signature.ts';
import { isPrivateAddress, refusedTarget } from '../../src/platform/webhooks/public-target.ts';

describe('order status transitions', () => {
  test('a pending order can be assigned or cancelled, a final one nothing', () => {
    expect(checkTransition('pending', 'cancelled')).toEqual({ ok: true });
    expect(checkTransition('completed', 'pending')).toEqual({
      ok: false,
      message: 'cannot change status from completed to pending (completed is final)',
      allowed: [],
    });
    const skip = checkTransition('pending', 'completed');
    expect(skip.ok).toBe(false);
    expect(!skip.ok && skip.allowed).toEqual(['assigned', 'cancelled']);
  });

  test('only pending and assigned orders can take a driver', () => {
    expect(['pending', 'assigned', 'in_progress', 'completed', 'cancelled'].map((s) => isAssignable(s as any))).toEqual(
      [true, true, false, false, false],
    );
  });
});

describe('assignment scoring', () => {
  const job = { pickupLat: 51.5, pickupLng: -0.12, area: 'london', vanSize: 'medium' as const };
  const candidate = (over: Partial<Candidate>): Candidate => ({
    id: 'd1',
    rating: 4,
    baseLat: 51.5,
    baseLng: -0.12,
    area: 'london',
    maxDailyJobs: 4,
    availability: 'offline',
    activeJobs: 0,
    overlapping: false,
    weightClasses: ['3.5t'],
    ...over,
  });

  test('nearer, better rated, less busy and online score higher, and the reasons say so', () => {
    const ranked = rankCandidates(
      [
        candidate({ id: 'far', baseLat: 52.5 }),
        candidate({ id: 'near', availability: 'online', rating: 5 }),
        candidate({ id: 'busy', activeJobs: 4 }),
      ],
      job,
    );
    expect(ranked.map((s) => s.id)).toEqual(['near', 'busy', 'far']);
    expect(ranked[0].reasons).toEqual([
      '0.0 km from base (+40)',
      'rating 5.0 (+30)',
      '0 of 4 jobs that day (+20)',
      'online now (+10)',
    ]);
    expect(ranked[1].suitability).toBe('at_capacity');
    expect(bestAvailable(ranked)?.id).toBe('near');
  });

  test('a van too small or an overlapping job leaves the driver out', () => {
    expect(
      rankCandidates([candidate({ weightClasses: ['1.8t'] }), candidate({ id: 'x', overlapping: true })], job),
    ).toEqual([]);
    expect(bestAvailable([])).toBeNull();
  });

  test('distance is great-circle km', () => {
    expect(Math.round(distanceKm(51.5072, -0.1276, 53.4808, -2.2426))).toBe(262);
  });
});

describe('refund rules', () => {
  test('what is refundable excludes refunds settled and in flight', () => {
    expect(refundable({ amountPence: 10_000, refundedPence: 2_000, pendingRefundPence: 3_000 })).toBe(5_000);
    expect(refundable({ amountPence: 100, refundedPence: 100, pendingRefundPence: 0 })).toBe(0);
  });

  test('the payment status follows the total refunded', () => {
    expect(paymentStatusAfterRefund(100, 0)).toBe('paid');
    expect(paymentStatusAfterRefund(100, 50)).toBe('partially_refunded');
    expect(paymentStatusAfterRefund(100, 100)).toBe('refunded');
  });

  test("our reasons map to Stripe's where it has one", () => {
    expect(stripeReason('customer_request')).toBe('requested_by_customer');
    expect(stripeReason('duplicate_charge')).toBe('duplicate');
    expect(stripeReason('fraud')).toBe('fraudulent');
    expect(stripeReason('service_issue')).toBeUndefined();
    expect(pounds(1250)).toBe('£12.50');
  });

  test('the request hash changes with the body, not with key order', () => {
    const a = refundRequestHash({ paymentId: 'p', amount: 1, reason: 'other' });
    expect(refundRequestHash({ reason: 'other', amount: 1, paymentId: 'p' } as any)).toBe(a);
    expect(refundRequestHash({ paymentId: 'p', amount: 2, reason: 'other' })).not.toBe(a);
  });
});

describe('pricing versions', () => {
  test('a new version carries over what the request leaves out, nested fields one by one', () => {
    const v1 = nextPricing(null, { vanRates: { small: 2000 } as any });
    expect(v1.vanRates).toEqual({ small: 2000, medium: 3500, large: 4500 });
    expect(v1.vatRate).toBe(PRICING_DEFAULTS.vatRate);
    const v2 = nextPricing(v1, { vatRate: 0.15, slotMultipliers: { morning: 1.2 } as any });
    expect(v2).toMatchObject({ vanRates: v1.vanRates, vatRate: 0.15, slotMultipliers: { morning: 1.2, afternoon: 1 } });
  });

  test('the version in force is the latest activeFrom not in the future, the higher version on a tie', () => {
    const at = (iso: string) => new Date(iso);
    const versions = [
      { version: 1, activeFrom: at('2024-01-01T00:00:00Z') },
      { version: 2, activeFrom: at('2024-06-01T00:00:00Z') },
      { version: 3, activeFrom: at('2024-06-01T00:00:00Z') },
      { version: 4, activeFrom: at('2025-01-01T00:00:00Z') },
    ];
    expect(versionInForce(versions, at('2024-03-01T00:00:00Z'))?.version).toBe(1);
    expect(versionInForce(versions, at('2024-07-01T00:00:00Z'))?.version).toBe(3);
    expect(versionInForce(versions, at('2023-01-01T00:00:00Z'))).toBeNull();
  });
});

describe('analytics rules', () => {
  test('trend and rate are percentages with one decimal', () => {
    expect(trend(150, 100)).toBe(50);
    expect(trend(0, 0)).toBe(0);
    expect(trend(5, 0)).toBe(100);
    expect(rate(1, 3)).toBe(33.3);
    expect(rate(1, 0)).toBe(0);
  });
});

describe('the spec 002 envelope', () => {
  test('renders the spec texts and field details', () => {
    expect(dispatchEnvelope(validationError([{ field: 'body.reason', message: 'is required' }]))).toEqual({
      error: 'Validation error',
      details: { reason: 'is required' },
    });
    expect(dispatchEnvelope(new AppError(401, 'UNAUTHORIZED', 'x'))).toEqual({ error: 'Unauthorized' });
    expect(dispatchEnvelope(new AppError(403, 'FORBIDDEN', 'x'))).toEqual({ error: 'Insufficient permissions' });
    expect(dispatchEnvelope(new AppError(404, 'NOT_FOUND', 'x'))).toEqual({ error: 'Resource not found' });
    expect(dispatchEnvelope(new AppError(500, 'INTERNAL_ERROR', 'x'))).toEqual({ error: 'Internal server error' });
    expect(dispatchEnvelope(new AppError(409, 'DRIVER_UNAVAILABLE', 'busy'))).toEqual({
      error: 'busy',
      code: 'DRIVER_UNAVAILABLE',
    });
  });
});

describe('dispatch schemas', () => {
  test('orders query bounds take and refuses a to before from', () => {
    expect(ordersQuery.parse({}).take).toBe(50);
    expect(ordersQuery.parse({ take: '1000' }).take).toBe(200);
    expect(ordersQuery.safeParse({ from: '2024-02-01T00:00:00Z', to: '2024-01-01T00:00:00Z' }).success).toBe(false);
  });

  test('assign needs a driver unless auto-assigning, and not both', () => {
    expect(assignBody.safeParse({}).success).toBe(false);
    expect(assignBody.safeParse({ autoAssign: true }).success).toBe(true);
    expect(assignBody.safeParse({ autoAssign: true, driverId: 'd' }).success).toBe(false);
  });

  test('unknown fields and bad enums are refused, not dropped', () => {
    expect(updateOrderBody.safeParse({ price: 1 }).success).toBe(false);
    expect(createRefundBody.safeParse({ paymentId: 'p', amount: 1.5, reason: 'other' }).success).toBe(false);
    expect(updateDriverBody.safeParse({ status: 'suspended' }).success).toBe(false);
    expect(pricingBody.safeParse({ zoneKey: 'London!', activeFrom: '2024-01-01T00:00:00Z' }).success).toBe(false);
  });
});

describe('dispatch workflow IDs and search', () => {
  test('IDs name the operation and its business key', () => {
    expect(assignWorkflowId('ABC123', 'ord_1', 2)).toBe('assign:ABC123:ord_1.2');
    expect(refundWorkflowId('pay_1', 'operator-key:alice', 'k1')).toBe('refund:pay_1:operator-key:alice:k1');
  });

  test("search text matches the caller's % and _ literally", () => {
    expect(containing('50%_Off')).toBe('%50\\%\\_off%');
    const where = orderWhere({ status: 'pending', q: 'abc' });
    expect(where).toEqual({ sql: 'where o.status = ? and o.search_text like ?', params: ['pending', '%abc%'] });
  });
});

describe('webhook signing and targets', () => {
  test('a signature verifies over the exact body and goes stale', () => {
    const body = '{"event":"driver.assigned"}';
    const header = signatureHeader('s3cret-s3cret-s3cret-s3cret', body);
    expect(verifySignature('s3cret-s3cret-s3cret-s3cret', body, header)).toBe(true);
    expect(verifySignature('s3cret-s3cret-s3cret-s3cret', `${body} `, header)).toBe(false);
    expect(verifySignature('other-secret-other-secret', body, header)).toBe(false);
    const old = signatureHeader('s3cret-s3cret-s3cret-s3cret', body, Math.floor(Date.now() / 1000) - 3600);
    expect(verifySignature('s3cret-s3cret-s3cret-s3cret', body, old)).toBe(false);
  });

  test('private, loopback, link-local and mapped addresses are private', () => {
    for (const a of [
      '127.0.0.1',
      '10.1.2.3',
      '169.254.169.254',
      '192.168.1.1',
      '::1',
      'fe80::1',
      '::ffff:127.0.0.1',
      '::7f00:1',
      '64:ff9b::a9fe:a9fe',
    ])
      expect([a, isPrivateAddress(a)]).toEqual([a, true]);
    expect(isPrivateAddress('93.184.216.34')).toBe(false);
  });

  test('a target is refused unless allowed, and never with credentials in it', async () => {
    expect(await refusedTarget('http://127.0.0.1:9/x', false)).toMatch(/private/);
    expect(await refusedTarget('http://127.0.0.1:9/x', true)).toBeNull();
    expect(await refusedTarget('http://u:p@127.0.0.1/x', true)).toMatch(/credentials/);
    expect(await refusedTarget('ftp://example.com/x', true)).toMatch(/http/);
  });
});
