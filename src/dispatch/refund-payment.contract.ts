import type { AuditContext } from '../platform/audit/audit.ts';
import { workflowId } from '../platform/temporal/workflow-ids.ts';
import type { RefundReason } from './entities/payment.entity.ts';
import type { ApprovalGate } from '../platform/approvals/approval.contract.ts';

// refund: the one place its workflow type, ID, input, output and failure codes
// are spelled. Pure (no I/O): the workflow imports it too.

export const REFUND_PAYMENT = { operation: 'refund', workflowType: 'refundPaymentWorkflow' } as const;

/**
 * `refund:<paymentId>:<caller>:<Idempotency-Key>`: the key is the calling
 * credential's own (`<kind>:<name>`, so two callers choosing the same key never
 * meet), and the whole ID is the key Stripe sees, so a retried run can never
 * refund twice.
 */
export const refundWorkflowId = (paymentId: string, caller: string, key: string) =>
  workflowId(REFUND_PAYMENT.operation, paymentId, caller, key);

export interface RefundPaymentRequest {
  refundId: string;
  paymentId: string;
  amount: number;
  reason: RefundReason;
  notes?: string;
  requestHash: string;
  audit: AuditContext;
  /** Set when APPROVALS names refund (at or above its amount): the run reserves, then waits for a second operator. */
  approval?: ApprovalGate;
}

export interface RefundPaymentResult {
  refundId: string;
  status: 'completed' | 'failed';
  stripeRefundId: string | null;
  requestHash: string;
}

export type RefundPaymentWorkflow = (input: RefundPaymentRequest) => Promise<RefundPaymentResult>;

export const REFUND_FAILURES = {
  paymentNotFound: 'PAYMENT_NOT_FOUND',
  notRefundable: 'PAYMENT_NOT_REFUNDABLE',
  exceedsRefundable: 'REFUND_EXCEEDS_REFUNDABLE',
  keyReused: 'IDEMPOTENCY_KEY_REUSED',
  /** The key's refund was settled as failed (not approved): a new run under it must not reach Stripe. */
  alreadySettled: 'REFUND_ALREADY_SETTLED',
} as const;
