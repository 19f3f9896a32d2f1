import { createHash } from 'node:crypto';
import { workflowId } from '../temporal/workflow-ids.ts';

// run-callback: a completion callback. When a run started with a callbackUrl ends, its outcome is
// POSTed there, signed, retried with backoff. The one place its type, ID, input and body are spelled.

export const RUN_CALLBACK = { operation: 'run-callback', workflowType: 'deliverRunCallbackWorkflow' } as const;

/** Short, fixed-length name of a target, so the same run called back at the same URL is one delivery. */
export const callbackTargetKey = (url: string) => createHash('sha256').update(url).digest('hex').slice(0, 16);

/** `run-callback:<workflowId>:<url key>`: one delivery per run and target, however often it is asked for. */
export const runCallbackWorkflowId = (runWorkflowId: string, url: string) =>
  workflowId(RUN_CALLBACK.operation, runWorkflowId, callbackTargetKey(url));

export interface RunCallbackRequest {
  /** The run whose end is announced: this run of the ID, not a later retry of it. */
  workflowId: string;
  runId: string;
  operation: string;
  url: string;
}

/** What the receiver gets (JSON, signed with X-Ops-Signature like the outgoing webhooks). */
export interface RunCallbackBody {
  workflowId: string;
  runId: string;
  operation: string;
  status: 'COMPLETED' | 'FAILED' | 'CANCELLED' | 'TERMINATED' | 'TIMED_OUT';
  result?: unknown;
  error?: { code: string };
  closedAt: string | null;
}

export const CALLBACK_FAILURES = { notConfigured: 'CALLBACK_NOT_CONFIGURED', targetRefused: 'CALLBACK_TARGET_REFUSED' };
