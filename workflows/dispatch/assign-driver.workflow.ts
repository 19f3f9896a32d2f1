import { ApplicationFailure, proxyLocalActivities, workflowInfo } from '@temporalio/workflow';
import type { DispatchActivities } from '../../activities/dispatch/index.ts';
import {
  ASSIGN_FAILURES,
  type AssignDriverRequest,
  type AssignDriverResult,
} from '../../src/dispatch/assign-driver.contract.ts';
import { localDbStep } from '../presets.ts';
import { startDeliveries } from './start-deliveries.ts';

/** Auto-assign tries the next best driver when the best one was booked by someone else meanwhile. */
const AUTO_ASSIGN_TRIES = 3;

const { pickDriver } = proxyLocalActivities<DispatchActivities>({
  ...localDbStep,
  summary: 'Pick the best free driver',
});

/**
 * assign:<orderCode>:<version>. Both steps touch only the database, so they run
 * as local activities; the booking itself is one transaction that the
 * database's exclusion constraint guards against double-booking.
 */
export async function assignDriverWorkflow(input: AssignDriverRequest): Promise<AssignDriverResult> {
  const { workflowId } = workflowInfo();
  const tried: string[] = [];
  for (let attempt = 1; ; attempt++) {
    const driverId = input.driverId ?? (await pickDriver({ orderCode: input.orderCode, exclude: tried })).driverId;
    const { reserveDriver } = proxyLocalActivities<DispatchActivities>({
      ...localDbStep,
      summary: `Reserve driver ${driverId} for ${input.orderCode}`,
    });
    try {
      const result = await reserveDriver({ ...input, driverId, workflowId });
      await startDeliveries(result.deliveries);
      return result;
    } catch (err) {
      const cause = (err as { cause?: unknown }).cause;
      const taken = cause instanceof ApplicationFailure && cause.type === ASSIGN_FAILURES.driverUnavailable;
      if (input.driverId || !taken || attempt >= AUTO_ASSIGN_TRIES) throw err;
      tried.push(driverId);
    }
  }
}
