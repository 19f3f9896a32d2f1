import type { EntityManager } from '@mikro-orm/postgresql';
import type { DurableServiceDeps } from '../platform/module.ts';
import { RUN_AUDITED_CHANNEL, actorLabel, type AuditContext } from '../platform/audit/audit.ts';
import { AppError, conflict, notFound, validationError } from '../platform/http/errors.ts';
import { awaitOutcome, startOrAttach } from '../platform/temporal/runs.ts';
import {
  ASSIGN_DRIVER,
  ASSIGN_FAILURES,
  assignWorkflowId,
  type AssignDriverResult,
  type AssignDriverWorkflow,
} from './assign-driver.contract.ts';
import { operationUrl } from './dispatch.paths.ts';
import { committedAssignment } from './assignment-answer.ts';
import { callBackWhenDone, checkCallbackUrl, type CallbackSettings } from '../platform/callbacks/start-callback.ts';

export type AssignOutcome =
  | { state: 'assigned'; workflowId: string; result: AssignDriverResult }
  | { state: 'running'; workflowId: string; statusUrl: string };

const CONFLICTS = new Set<string>([
  ASSIGN_FAILURES.changed,
  ASSIGN_FAILURES.driverUnavailable,
  ASSIGN_FAILURES.notAssignable,
  ASSIGN_FAILURES.noDriverAvailable,
  ASSIGN_FAILURES.driverNotEligible,
]);

/** The one way a driver gets booked: POST assign and PUT order with a driverId both come here. */
export function createAssignService(deps: DurableServiceDeps & { callbacks: CallbackSettings }) {
  const em = () => deps.orm.em as EntityManager;

  return {
    async assign(
      code: string,
      req: { driverId?: string; reason?: string; callbackUrl?: string },
      who: AuditContext,
    ): Promise<AssignOutcome> {
      if (req.callbackUrl) await checkCallbackUrl(deps.callbacks, req.callbackUrl, 'body.callbackUrl');
      // One statement: the order's version, and whether the named driver exists.
      const [order] = (await em().execute(
        `select id, assignment_version,
                (?::text is null or exists (select 1 from driver where id = ?)) as driver_known
           from dispatch_order where code = ?`,
        [req.driverId ?? null, req.driverId ?? null, code],
      )) as { id: string; assignment_version: number; driver_known: boolean }[];
      if (!order) throw notFound('order');
      if (!order.driver_known) throw validationError([{ field: 'body.driverId', message: 'no driver has this id' }]);
      const wfId = assignWorkflowId(code, order.id, order.assignment_version);
      const handle = await startOrAttach<AssignDriverWorkflow>(deps.temporal, {
        workflowType: ASSIGN_DRIVER.workflowType,
        workflowId: wfId,
        taskQueue: deps.taskQueue,
        args: [
          {
            orderId: order.id,
            orderCode: code,
            expectedVersion: order.assignment_version,
            driverId: req.driverId,
            reason: req.reason,
            audit: who,
          },
        ],
        labels: { operation: ASSIGN_DRIVER.operation, tenantId: code, actor: actorLabel(who) },
        memo: { requestId: who.requestId, driverId: req.driverId ?? 'auto' },
        summary: req.driverId ? `Assign ${req.driverId} to ${code}` : `Auto-assign ${code}`,
      });
      await callBackWhenDone(deps.temporal, deps.taskQueue, handle, {
        url: req.callbackUrl,
        operation: ASSIGN_DRIVER.operation,
        actor: actorLabel(who),
        tenantId: code,
      });
      // The booking commits its result in its audit event; the answer reads it then.
      const outcome = await awaitOutcome<AssignDriverResult>(handle, deps.syncWaitMs, deps.stopping, {
        notifications: deps.notifications,
        channel: RUN_AUDITED_CHANNEL,
        read: () => committedAssignment(em(), wfId),
      });
      if (outcome.state === 'running') return { state: 'running', workflowId: wfId, statusUrl: operationUrl(wfId) };
      if (outcome.state === 'completed') {
        // Two operators at once on one order share the run: the one whose driver it did not book is told.
        if (req.driverId && outcome.result.driverId !== req.driverId)
          throw conflict(
            `Order ${code} was assigned to ${outcome.result.driverId} at the same time; look at it again`,
            {
              driverId: outcome.result.driverId,
            },
          );
        return { state: 'assigned', workflowId: wfId, result: outcome.result };
      }
      const failure = outcome.failure;
      if (failure?.type === ASSIGN_FAILURES.orderNotFound) throw notFound('order');
      if (failure && CONFLICTS.has(failure.type!))
        throw new AppError(409, failure.type!, failure.message, {
          details: (failure.details?.[0] as Record<string, unknown> | undefined) ?? undefined,
        });
      throw new AppError(500, 'ASSIGN_FAILED', 'The assignment failed; nothing was booked', {
        cause: outcome.error,
        details: { workflowId: wfId },
      });
    },
  };
}

export type AssignService = ReturnType<typeof createAssignService>;
