import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { recordAudit } from '../../src/platform/audit/audit.ts';
import {
  ASSIGN_FAILURES,
  type AssignDriverRequest,
  type AssignDriverResult,
} from '../../src/dispatch/assign-driver.contract.ts';
import { isAssignable } from '../../src/dispatch/order-status.rules.ts';
import { recordDeliveries } from '../../src/dispatch/webhook-outbox.ts';
import { isDoubleBooking } from '../../src/dispatch/double-booking.ts';
import { committedAssignment } from '../../src/dispatch/assignment-answer.ts';
import type { createOrderReads } from '../../src/dispatch/orders.service.ts';
import { bestAvailable } from '../../src/dispatch/assignment.rules.ts';

export interface ReserveDriverInput extends AssignDriverRequest {
  driverId: string;
  workflowId: string;
}

interface LockedOrder {
  id: string;
  code: string;
  status: string;
  driver_id: string | null;
  assignment_id: string | null;
  assignment_version: number;
}

const fail = (message: string, type: string, details?: Record<string, unknown>) =>
  ApplicationFailure.nonRetryable(message, type, details ?? {});

export function createAssignActivities(deps: {
  orm: MikroORM;
  reads: ReturnType<typeof createOrderReads>;
  webhookUrls: readonly string[];
}) {
  return {
    /** Auto-assign: the best-scored approved driver with spare capacity and no overlapping job. */
    async pickDriver(input: { orderCode: string; exclude: string[] }): Promise<{ driverId: string }> {
      const { suggestions } = await deps.reads.suggestions(input.orderCode).catch((err: unknown) => {
        throw (err as { status?: number }).status === 404
          ? fail('Order not found', ASSIGN_FAILURES.orderNotFound)
          : err;
      });
      const best = bestAvailable(suggestions.filter((s) => !input.exclude.includes(s.id)));
      if (!best)
        throw fail('No approved driver with a suitable van is free for this slot', ASSIGN_FAILURES.noDriverAvailable);
      return { driverId: best.id };
    },

    /**
     * One transaction under the order's row lock: release the previous driver,
     * book the new one (the exclusion constraint refuses an overlapping job, even
     * from a concurrent run), move the order to assigned, audit, record the
     * webhooks. A retry after a commit whose answer was lost finds its own row.
     */
    async reserveDriver(input: ReserveDriverInput): Promise<AssignDriverResult> {
      const em = deps.orm.em.fork() as EntityManager;
      try {
        return await em.transactional((tx) => reserve(tx, input, deps.webhookUrls));
      } catch (err) {
        if (isDoubleBooking(err))
          throw fail(
            `Driver ${input.driverId} already has a job that overlaps this slot`,
            ASSIGN_FAILURES.driverUnavailable,
            { driverId: input.driverId },
          );
        throw err;
      }
    },
  };
}

async function reserve(tx: EntityManager, input: ReserveDriverInput, webhookUrls: readonly string[]) {
  const sql = <T>(q: string, p: unknown[]) => tx.execute(q, p) as Promise<T[]>;
  const [order] = await sql<LockedOrder>(
    'select id, code, status, driver_id, assignment_id, assignment_version from dispatch_order where id = ? for update',
    [input.orderId],
  );
  if (!order) throw fail('Order not found', ASSIGN_FAILURES.orderNotFound);
  const previous = await committedAssignment(tx, input.workflowId);
  if (previous) return previous; // committed before; the answer was lost
  const same: AssignDriverResult = {
    orderId: order.id,
    orderCode: order.code,
    driverId: input.driverId,
    assignmentId: order.assignment_id ?? '',
    previousDriverId: order.driver_id,
    previousStatus: order.status,
    deliveries: [],
  };
  // Already booked with this driver (a retried request): nothing to change.
  if (order.driver_id === input.driverId && order.status === 'assigned') return same;
  if (order.assignment_version !== input.expectedVersion)
    throw fail('The order was reassigned meanwhile; look at it again', ASSIGN_FAILURES.changed, {
      driverId: order.driver_id,
    });
  if (!isAssignable(order.status as 'pending'))
    throw fail(`An order that is ${order.status} cannot be assigned`, ASSIGN_FAILURES.notAssignable, {
      status: order.status,
    });
  const [driver] = await sql<{ status: string; onboarding_status: string; name: string }>(
    'select status, onboarding_status, name from driver where id = ? for share',
    [input.driverId],
  );
  if (!driver || driver.status !== 'active' || driver.onboarding_status !== 'approved')
    throw fail('Only an approved, active driver can be assigned', ASSIGN_FAILURES.driverNotEligible, {
      driverId: input.driverId,
    });

  const now = new Date();
  if (order.assignment_id) {
    await sql(
      `update dispatch_assignment set status = 'released', released_at = ? where id = ? and status = 'active'`,
      [now, order.assignment_id],
    );
    await sql(
      `insert into assignment_event (id, assignment_id, order_id, type, description, created_at) values (?, ?,
        ?, ?, ?, ?)`,
      [
        `aev_${randomUUID()}`,
        order.assignment_id,
        order.id,
        'released',
        `Released: ${input.reason ?? 'reassigned'}`,
        now,
      ],
    );
  }
  const assignmentId = `asg_${randomUUID()}`;
  await sql(
    `insert into dispatch_assignment (id, order_id, driver_id, status, job_window, workflow_id, reason,
      created_by, created_at)
     select ?, o.id, ?, 'active', o.job_window, ?, ?, ?, ? from dispatch_order o where o.id = ?`,
    [assignmentId, input.driverId, input.workflowId, input.reason ?? null, input.audit.actorId, now, order.id],
  );
  await sql(
    `insert into assignment_event (id, assignment_id, order_id, type, description, created_at) values (?, ?, ?,
      ?, ?, ?)`,
    [
      `aev_${randomUUID()}`,
      assignmentId,
      order.id,
      'assigned',
      `Assigned to ${driver.name}${input.reason ? `: ${input.reason}` : ''}`,
      now,
    ],
  );
  await sql(
    `update dispatch_order set driver_id = ?, assignment_id = ?, status = 'assigned',
        assignment_version = assignment_version + 1, first_assigned_at = coalesce(first_assigned_at, ?), updated_at = ?
      where id = ?`,
    [input.driverId, assignmentId, now, now, order.id],
  );
  const timestamp = now.toISOString();
  const deliveries = await recordDeliveries(tx, webhookUrls, input.workflowId, 'driver.assigned', {
    orderId: order.id,
    driverId: input.driverId,
    timestamp,
  });
  if (order.status !== 'assigned')
    deliveries.push(
      ...(await recordDeliveries(tx, webhookUrls, input.workflowId, 'order.status_changed', {
        orderId: order.id,
        code: order.code,
        oldStatus: order.status,
        newStatus: 'assigned',
        timestamp,
      })),
    );
  const result: AssignDriverResult = { ...same, assignmentId, deliveries };
  recordAudit(tx, input.audit, {
    action: 'order.assign',
    resourceType: 'order',
    resourceId: order.code,
    outcome: 'success',
    before: { status: order.status, driverId: order.driver_id },
    after: { status: 'assigned', driverId: input.driverId, result },
    workflowId: input.workflowId,
  });
  return result;
}
