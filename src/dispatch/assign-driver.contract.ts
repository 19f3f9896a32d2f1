import type { AuditContext } from '../platform/audit/audit.ts';
import { workflowId } from '../platform/temporal/workflow-ids.ts';

// assign: the one place its workflow type, ID, input, output and failure codes
// are spelled. Pure (no I/O): the workflow imports it too.

export const ASSIGN_DRIVER = { operation: 'assign', workflowType: 'assignDriverWorkflow' } as const;

/**
 * `assign:<orderCode>:<orderId>.<assignment version>`: the order row (its id is its
 * incarnation: an order re-created under the same code is a new row) and the
 * assignment version the request saw. Two operators assigning the same order at
 * once land on one run; once it has assigned, the version moves on and the next
 * assignment is a new run.
 */
export const assignWorkflowId = (orderCode: string, orderId: string, version: number) =>
  workflowId(ASSIGN_DRIVER.operation, orderCode, `${orderId}.${version}`);

export interface AssignDriverRequest {
  orderId: string;
  orderCode: string;
  /** The order's assignment version when the request was made. */
  expectedVersion: number;
  /** The driver to book; absent for auto-assign (the best suggestion with spare capacity). */
  driverId?: string;
  reason?: string;
  audit: AuditContext;
}

export interface AssignDriverResult {
  orderId: string;
  orderCode: string;
  driverId: string;
  assignmentId: string;
  previousDriverId: string | null;
  /** The order's status before, when the assignment changed it. */
  previousStatus: string;
  /** Webhook deliveries recorded with the assignment (started by the run). */
  deliveries: string[];
}

export type AssignDriverWorkflow = (input: AssignDriverRequest) => Promise<AssignDriverResult>;

export const ASSIGN_FAILURES = {
  orderNotFound: 'ORDER_NOT_FOUND',
  notAssignable: 'ORDER_NOT_ASSIGNABLE',
  changed: 'ASSIGNMENT_CHANGED',
  driverNotEligible: 'DRIVER_NOT_ELIGIBLE',
  driverUnavailable: 'DRIVER_UNAVAILABLE',
  noDriverAvailable: 'NO_DRIVER_AVAILABLE',
} as const;
