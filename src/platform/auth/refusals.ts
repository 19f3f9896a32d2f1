import type { Context } from 'koa';
import type { MikroORM } from '@mikro-orm/postgresql';
import { appendAudit, auditContextFrom } from '../audit/audit.ts';
import type { Logger } from '../observability/logger.ts';
import type { RefusalThrottle } from '../ratelimit/rate-limit.ts';
import { secretDigest } from './secrets.ts';

/**
 * Audits a request that was turned away: who it claimed or presented (never a
 * secret), from where, and why. Autocommit: there is no change to go with.
 */
export function recordRefusal(
  orm: MikroORM,
  ctx: Context,
  refusal: {
    actorId: string;
    action: string;
    resourceType: string;
    resourceId: string;
    after: Record<string, unknown>;
  },
): Promise<void> {
  const { actorId, ...what } = refusal;
  return appendAudit(
    orm.em.fork(),
    { ...auditContextFrom(ctx), actorType: 'anonymous', actorId },
    { ...what, outcome: 'rejected' },
  );
}

/**
 * Who was turned away: a presented credential that matches nothing is audited
 * (scheme, client IP, user agent, a fingerprint of what was presented — never the
 * value) and counted against the client IP, which is refused for a while once it
 * has been refused too often. Operators see failed attempts, not only successes.
 */
export function createRefusals(deps: { orm: MikroORM; throttle: RefusalThrottle; logger: Logger }) {
  const log = deps.logger.child({ module: 'auth' });
  return {
    /**
     * A presented credential matched nothing: counted against the address (429 once
     * it has been refused too often, and then no longer audited one by one, so a
     * flood cannot fill the audit table) and audited.
     */
    async refused(ctx: Context, scheme: string, presented: string, reason: string): Promise<void> {
      const fingerprint = `sha256:${secretDigest(presented).slice(0, 12)}`;
      log.warn({ requestId: ctx.state.requestId, scheme, ip: ctx.ip, fingerprint, reason }, 'credential refused');
      await deps.throttle.refused(ctx.ip);
      await recordRefusal(deps.orm, ctx, {
        actorId: fingerprint,
        action: 'auth.credential.refused',
        resourceType: 'credential',
        resourceId: scheme,
        after: { reason },
      });
    },
  };
}

export type Refusals = ReturnType<typeof createRefusals>;
