import type { EntityManager } from '@mikro-orm/postgresql';
import type { AssignDriverResult } from './assign-driver.contract.ts';

/**
 * The result an assignment run committed (in its audit event, with the booking), or null: what a
 * retried step answers instead of booking again, and what the waiting request answers with.
 */
export async function committedAssignment(em: EntityManager, workflowId: string): Promise<AssignDriverResult | null> {
  const [row] = (await em.execute(
    `select after -> 'result' as result from audit_event
      where workflow_id = ? and action = 'order.assign' and outcome = 'success' limit 1`,
    [workflowId],
  )) as { result: AssignDriverResult | null }[];
  return row?.result ?? null;
}
