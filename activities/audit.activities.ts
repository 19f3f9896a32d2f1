import type { MikroORM } from '@mikro-orm/postgresql';
import { appendAudit, type AuditContext, type AuditRecord } from '../src/platform/audit/audit.ts';

/** Lets a workflow record an outcome (e.g. a rolled-back step) that no transaction of its own recorded. */
export function createAuditActivities(deps: { orm: MikroORM }) {
  return {
    async recordAuditEvent(who: AuditContext, what: AuditRecord): Promise<void> {
      await appendAudit(deps.orm.em.fork(), who, what);
    },
  };
}
