import type { OrderStatus } from './entities/order.entity.ts';

/**
 * The order lifecycle. `assigned` is reached only through an assignment (POST
 * assign, or PUT with a driverId): a status change alone cannot book a driver.
 * Going back to `pending` releases the driver.
 */
export const ORDER_TRANSITIONS: Record<OrderStatus, readonly OrderStatus[]> = {
  pending: ['assigned', 'cancelled'],
  assigned: ['pending', 'in_progress', 'cancelled'],
  in_progress: ['completed', 'cancelled'],
  completed: [],
  cancelled: [],
};

export type TransitionCheck = { ok: true } | { ok: false; message: string; allowed: readonly OrderStatus[] };

export function checkTransition(from: OrderStatus, to: OrderStatus): TransitionCheck {
  if (from === to) return { ok: true };
  const allowed = ORDER_TRANSITIONS[from];
  if (allowed.includes(to)) return { ok: true };
  const next = allowed.length ? `allowed from ${from}: ${allowed.join(', ')}` : `${from} is final`;
  return { ok: false, message: `cannot change status from ${from} to ${to} (${next})`, allowed };
}

/** Orders a driver can be (re)assigned to. */
export const ASSIGNABLE: readonly OrderStatus[] = ['pending', 'assigned'];

export const isAssignable = (status: OrderStatus) => ASSIGNABLE.includes(status);
