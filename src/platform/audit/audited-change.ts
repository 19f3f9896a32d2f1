import { LockMode, type FilterQuery } from '@mikro-orm/core';
import type { EntityClass, EntityManager } from '@mikro-orm/postgresql';
import { recordAudit, type AuditContext } from './audit.ts';

export interface AuditedChange<T, P> {
  entity: EntityClass<T>;
  id: string;
  action: string;
  resourceType: string;
  /** The wire shape recorded as before/after. */
  present: (row: T) => P;
  notFound: () => Error;
}

/**
 * One row changed under a row lock, with an audit event holding its shape
 * before and after, all in one transaction: the change and its record commit together.
 */
export async function changeAudited<T extends object, P>(
  em: EntityManager,
  who: AuditContext,
  spec: AuditedChange<T, P>,
  apply: (row: T, tx: EntityManager) => Promise<void> | void,
): Promise<{ row: T; before: P }> {
  return em.transactional(async (tx) => {
    const row = await tx.findOne<T>(spec.entity, spec.id as FilterQuery<NoInfer<T>>, {
      lockMode: LockMode.PESSIMISTIC_WRITE,
    });
    if (!row) throw spec.notFound();
    const before = spec.present(row as T);
    await apply(row as T, tx);
    await tx.flush();
    recordAudit(tx, who, {
      action: spec.action,
      resourceType: spec.resourceType,
      resourceId: spec.id,
      outcome: 'success',
      before,
      after: spec.present(row as T),
    });
    return { row: row as T, before };
  });
}
