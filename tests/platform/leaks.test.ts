import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Writable } from 'node:stream';
import { createTestContext, type TestContext } from '../support/context.ts';
import { createLogger } from '../../src/platform/observability/logger.ts';
import { CONTROL_KEYS } from '../support/env.ts';

// What the process writes to its logs, line by line, as an operator's log shipper would see it.
const lines: string[] = [];
const capture = new Writable({
  write(chunk, _enc, done) {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    done();
  },
});

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext({ logger: createLogger('info', 'ops-test', capture) });
});
afterAll(async () => {
  await t.close();
});

describe('logs carry no secrets and no personal data', () => {
  test('a request with a phone number, an email and credentials leaves none of them in the log', async () => {
    lines.length = 0;
    const phone = '+447700900123';
    const email = 'jane.doe@example.com';
    await t.api.get(`/api/admin/clients/${encodeURIComponent(phone)}`).set('X-Request-Id', 'req-leak-1');
    await t.api.get(`/api/admin/clients/${encodeURIComponent(email)}`);
    await t.anonymous
      .post('/api/internal/ops/execute')
      .set('x-book8-internal-secret', 'an-invalid-secret-value-123456')
      .send({});
    await t.anonymous.get('/api/admin/clients').set('Authorization', 'Bearer ops_not-a-real-key-but-secret-looking');
    const text = lines.join('\n');
    expect(lines.some((l) => l.includes('req-leak-1'))).toBe(true);
    for (const secret of [
      phone,
      email,
      encodeURIComponent(phone),
      encodeURIComponent(email),
      '447700900123',
      'jane.doe',
      'an-invalid-secret-value-123456',
      'ops_not-a-real-key-but-secret-looking',
      t.env.operatorKey,
      CONTROL_KEYS.admin,
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('+44…23');
  });

  test('an error logged with a driver message is scrubbed, and structured secrets are redacted', () => {
    lines.length = 0;
    const logger = createLogger('info', 'ops-test', capture);
    logger.error(
      {
        err: new Error(
          'duplicate key value violates unique constraint: Key (phone)=(+447700900555) email owner@acme.example',
        ),
        headers: { authorization: 'Bearer s3cr3t' },
        password: 'hunter2',
      },
      'failed for +447700900555',
    );
    const text = lines.join('\n');
    for (const leaked of ['+447700900555', 'owner@acme.example', 's3cr3t', 'hunter2'])
      expect(text).not.toContain(leaked);
    expect(text).toContain('[redacted]');
  });
});

describe('answers carry no internal error text', () => {
  test('/readyz says which dependency is down, not why', async () => {
    const broken = await createTestContext({ logger: createLogger('info', 'ops-test', capture) });
    await broken.temporal.close();
    lines.length = 0;
    const res = await broken.anonymous.get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ status: 'not_ready', checks: { database: 'ok', temporal: 'down' } });
    expect(lines.some((l) => l.includes('readiness check failed'))).toBe(true);
    await broken.close();
  });
});
