import { iso } from '../platform/http/wire.ts';

/** The order row as the list and detail queries select it (snake_case, joined driver and assignment). */
export interface OrderRow {
  id: string;
  code: string;
  status: string;
  pickup_address: string;
  dropoff_address: string;
  preferred_date: string | Date;
  time_slot: string;
  amount_pence: number;
  payment_status: string;
  created_at: Date;
  customer_id: string;
  customer_name: string;
  customer_email: string;
  driver_id: string | null;
  driver_user_id: string | null;
  driver_name: string | null;
  driver_email: string | null;
  assignment_id: string | null;
  assignment_status: string | null;
  notes?: string | null;
}

/** `YYYY-MM-DD`, however the driver handed the date back. */
export const dayOf = (d: string | Date) => (typeof d === 'string' ? d : d.toISOString().slice(0, 10));

export const presentDriverRef = (r: {
  driver_id: string;
  driver_user_id: string;
  driver_name: string;
  driver_email: string;
}) => ({
  id: r.driver_id,
  user: { id: r.driver_user_id, name: r.driver_name, email: r.driver_email },
});

/** One order as spec 002's list shows it; `driver` and `assignment` only when there is one. */
export function presentOrder(r: OrderRow) {
  const driver = r.driver_id && r.driver_user_id ? presentDriverRef(r as Parameters<typeof presentDriverRef>[0]) : null;
  return {
    id: r.id,
    code: r.code,
    status: r.status,
    pickupAddress: r.pickup_address,
    dropoffAddress: r.dropoff_address,
    preferredDate: dayOf(r.preferred_date),
    timeSlot: r.time_slot,
    amountPence: r.amount_pence,
    paymentStatus: r.payment_status,
    createdAt: iso(r.created_at),
    customer: { id: r.customer_id, name: r.customer_name, email: r.customer_email },
    ...(driver ? { driver } : {}),
    ...(driver && r.assignment_id ? { assignment: { id: r.assignment_id, status: r.assignment_status, driver } } : {}),
  };
}
