import type { EntityManager } from '@mikro-orm/postgresql';
import type { DurableServiceDeps } from '../platform/module.ts';
import { recordAudit, type AuditContext } from '../platform/audit/audit.ts';
import { AppError, notFound, validationError } from '../platform/http/errors.ts';
import type { OrderStatus, TimeSlot } from './entities/order.entity.ts';
import { checkTransition } from './order-status.rules.ts';
import { recordDeliveries } from './webhook-outbox.ts';
import { startDeliveriesFromApi } from './deliveries.ts';
import { isDoubleBooking } from './double-booking.ts';
import type { AssignService } from './assign.service.ts';
import type { OrderReads } from './orders.service.ts';

export interface OrderChange {
  status?: OrderStatus;
  driverId?: string | null;
  timeSlot?: TimeSlot;
  preferredDate?: string;
  notes?: string;
  reason?: string;
}

interface Locked {
  id: string;
  code: string;
  status: OrderStatus;
  driver_id: string | null;
  assignment_id: string | null;
  time_slot: string;
  preferred_date: string;
  notes: string | null;
}

/**
 * PUT order: a driver goes through the assignment run (the only way to book
 * one); everything else changes in one transaction under the order's lock,
 * audited before/after, with the status webhook recorded in the same commit.
 */
export function createOrderUpdates(
  deps: DurableServiceDeps & { assign: AssignService; reads: OrderReads; webhookUrls: readonly string[] },
) {
  const em = () => deps.orm.em as EntityManager;

  function checkRequest(change: OrderChange) {
    const issues = [];
    if (change.status !== undefined && !change.reason)
      issues.push({ field: 'body.reason', message: 'is required for a status change' });
    if (change.status === 'assigned' && !change.driverId)
      issues.push({ field: 'body.driverId', message: 'is required to set status assigned (the driver is booked)' });
    if (change.driverId === null && change.status !== undefined && change.status !== 'pending')
      issues.push({ field: 'body.status', message: 'must be pending (or absent) when the driver is removed' });
    if (issues.length) throw validationError(issues);
  }

  async function applyInTransaction(code: string, change: OrderChange, who: AuditContext): Promise<string[]> {
    return em().transactional(async (tx) => {
      const [o] = (await tx.execute(
        `select id, code, status, driver_id, assignment_id, time_slot, preferred_date::text as preferred_date, notes
           from dispatch_order where code = ? for update`,
        [code],
      )) as Locked[];
      if (!o) throw notFound('order');
      const to: OrderStatus | undefined =
        change.driverId === null && o.driver_id ? 'pending' : change.status === 'assigned' ? undefined : change.status;
      if (to && to !== o.status) {
        const check = checkTransition(o.status, to);
        if (!check.ok)
          throw new AppError(409, 'INVALID_STATUS_TRANSITION', check.message, {
            details: { from: o.status, to, allowed: check.allowed },
          });
      }
      const now = new Date();
      const sets: string[] = ['updated_at = ?'];
      const params: unknown[] = [now];
      const set = (sql: string, value: unknown) => {
        sets.push(sql);
        params.push(value);
      };
      if (change.timeSlot) set('time_slot = ?', change.timeSlot);
      if (change.preferredDate) set('preferred_date = ?', change.preferredDate);
      if (change.notes !== undefined) set('notes = ?', change.notes);
      const statusChanged = Boolean(to && to !== o.status);
      if (statusChanged) set('status = ?', to);
      const releases = statusChanged && (to === 'pending' || to === 'cancelled');
      if (releases) {
        set('driver_id = ?', null);
        set('assignment_id = ?', null);
        sets.push('assignment_version = assignment_version + 1');
      }
      if (to === 'cancelled') set('cancellation_reason = ?', change.reason);
      if (statusChanged && to === 'in_progress') set('picked_up_at = ?', now);
      if (statusChanged && to === 'completed') set('delivered_at = ?', now);
      await tx.execute(`update dispatch_order set ${sets.join(', ')} where id = ?`, [...params, o.id]);

      if (o.assignment_id && (releases || to === 'completed')) {
        await tx.execute(
          `update dispatch_assignment set status = ?, released_at = ? where id = ? and status = 'active'`,
          [to === 'completed' ? 'completed' : 'released', now, o.assignment_id],
        );
        await tx.execute(
          `insert into assignment_event (id, assignment_id, order_id, type, description) values
            (gen_random_uuid()::text, ?, ?, ?, ?)`,
          [o.assignment_id, o.id, to, `${to === 'completed' ? 'Completed' : 'Released'}: ${change.reason}`],
        );
      } else if (o.assignment_id && (change.timeSlot || change.preferredDate)) {
        // The booked driver moves with the job: refused (409) if the new slot overlaps another of theirs.
        try {
          await tx.execute(
            `update dispatch_assignment a set job_window = o.job_window from dispatch_order o
              where a.id = ? and a.status = 'active' and o.id = a.order_id`,
            [o.assignment_id],
          );
        } catch (err) {
          if (!isDoubleBooking(err)) throw err;
          throw new AppError(409, 'DRIVER_UNAVAILABLE', 'The assigned driver has another job in the new slot', {
            details: { driverId: o.driver_id },
          });
        }
      }
      recordAudit(tx, who, {
        action: 'order.update',
        resourceType: 'order',
        resourceId: o.code,
        outcome: 'success',
        before: {
          status: o.status,
          driverId: o.driver_id,
          timeSlot: o.time_slot,
          preferredDate: o.preferred_date,
          notes: o.notes,
        },
        after: {
          status: to ?? o.status,
          driverId: releases ? null : o.driver_id,
          timeSlot: change.timeSlot ?? o.time_slot,
          preferredDate: change.preferredDate ?? o.preferred_date,
          notes: change.notes ?? o.notes,
          reason: change.reason ?? null,
        },
      });
      return statusChanged
        ? recordDeliveries(tx, deps.webhookUrls, `order.update:${o.id}:${now.toISOString()}`, 'order.status_changed', {
            orderId: o.id,
            code: o.code,
            oldStatus: o.status,
            newStatus: to,
            timestamp: now.toISOString(),
          })
        : [];
    });
  }

  return {
    async update(code: string, change: OrderChange, who: AuditContext) {
      checkRequest(change);
      if (change.driverId) {
        const outcome = await deps.assign.assign(code, { driverId: change.driverId, reason: change.reason }, who);
        if (outcome.state === 'running') return outcome;
      }
      const rest: OrderChange = { ...change, driverId: change.driverId === null ? null : undefined };
      const hasMore = Object.entries(rest).some(([k, v]) => v !== undefined && k !== 'reason');
      if (hasMore) {
        const deliveries = await applyInTransaction(code, rest, who);
        await startDeliveriesFromApi(deps.temporal, deps.taskQueue, deliveries, deps.logger);
      }
      return { state: 'updated' as const, order: await deps.reads.detail(code) };
    },
  };
}

export type OrderUpdates = ReturnType<typeof createOrderUpdates>;
