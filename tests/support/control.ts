import { randomUUID } from 'node:crypto';
import type { TestContext } from './context.ts';
import { CONTROL_KEYS } from './env.ts';

export type KeyName = keyof typeof CONTROL_KEYS;

/** POST /api/internal/ops/execute with a control plane key. */
export const execute = (t: Pick<TestContext, 'anonymous'>, body: unknown, key: KeyName = 'admin') =>
  t.anonymous
    .post('/api/internal/ops/execute')
    .set('x-book8-internal-secret', CONTROL_KEYS[key])
    .send(body as object);

export const newRequestId = (label = 'req') => `${label}-${randomUUID()}`;

/** The spec's recommended format. */
export function bootstrapBody(
  businessId: string,
  opts: {
    requestId?: string;
    dryRun?: boolean;
    name?: string;
    skipVoiceTest?: boolean;
    skipBillingCheck?: boolean;
  } = {},
) {
  return {
    tool: 'tenant.bootstrap',
    payload: {
      businessId,
      ...(opts.name ? { name: opts.name } : {}),
      ...(opts.skipVoiceTest !== undefined ? { skipVoiceTest: opts.skipVoiceTest } : {}),
      ...(opts.skipBillingCheck !== undefined ? { skipBillingCheck: opts.skipBillingCheck } : {}),
    },
    meta: { requestId: opts.requestId ?? newRequestId('bootstrap'), dryRun: opts.dryRun ?? false },
  };
}
