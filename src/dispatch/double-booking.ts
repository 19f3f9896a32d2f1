/**
 * Whether a database error is the `driver_not_double_booked` exclusion
 * constraint refusing an overlapping job (PostgreSQL's exclusion_violation,
 * however the driver wraps it). Booking and moving a booked job both ask.
 */
export function isDoubleBooking(err: unknown): boolean {
  const e = err as { code?: string; sqlState?: string; message?: string };
  return e.code === '23P01' || e.sqlState === '23P01' || /driver_not_double_booked/.test(e.message ?? '');
}
