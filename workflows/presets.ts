import type { ActivityOptions, LocalActivityOptions } from '@temporalio/workflow';

/** Named timeout/retry presets, so each step says what kind of work it is. */

/** A short database read or write; transient failures retried briefly. */
export const dbStep: ActivityOptions = {
  startToCloseTimeout: '30s',
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '10s', maximumAttempts: 5 },
};

/** A short, repeatable database step run inside the workflow task (local activity). */
export const localDbStep: LocalActivityOptions = {
  startToCloseTimeout: '15s',
  retry: { initialInterval: '200ms', backoffCoefficient: 2, maximumInterval: '5s', maximumAttempts: 5 },
};

/**
 * One all-or-nothing database transaction. Heartbeats reveal a dead worker in
 * seconds; a few attempts cover a lost connection, then the run fails cleanly
 * (the transaction rolled back, nothing half-done).
 */
export const transactionalStep: ActivityOptions = {
  startToCloseTimeout: '2m',
  heartbeatTimeout: '5s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '5s', maximumAttempts: 3 },
};

/**
 * A read-only call to an outside service (Stripe, Twilio). The activity turns
 * a failing service into a failed check itself; retries cover a crashed worker.
 */
export const externalCheckStep: ActivityOptions = {
  startToCloseTimeout: '30s',
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '5s', maximumAttempts: 3 },
};

/**
 * One POST to a receiver outside the platform (a webhook subscriber, a completion callback):
 * 1 s, 2 s, 4 s … capped at 10 min, for about a day, so a receiver down for hours still gets it.
 */
export const outgoingDeliveryStep: ActivityOptions = {
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '10m', maximumAttempts: 150 },
  scheduleToCloseTimeout: '24h',
};
