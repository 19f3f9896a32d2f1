import type { AuditContext } from '../platform/audit/audit.ts';
import { workflowId } from '../platform/temporal/workflow-ids.ts';

// runs-bulk: one batch run acting on the runs a preview named. The one place its type, ID and
// input are spelled. Pure (no I/O): the workflow imports it too.

export const RUNS_BULK = { operation: 'runs-bulk', workflowType: 'bulkRunsWorkflow' } as const;

export type BulkAction = 'cancel' | 'retry';

/** `runs-bulk:<preview id>`: a preview executes once, however often its token is sent. */
export const bulkWorkflowId = (previewId: string) => workflowId(RUNS_BULK.operation, previewId);

export interface BulkRequest {
  action: BulkAction;
  workflowIds: string[];
  reason: string;
  audit: AuditContext;
}

/** What the batch has done so far (its memo while it runs) and in the end (its result). */
export interface BulkProgress {
  total: number;
  done: number;
  /** Runs that no longer qualified (ended meanwhile, retried by someone else): left as they are. */
  skipped: number;
}

/** The most runs one bulk action may name; a wider filter is refused with its count. */
export const BULK_MAX_RUNS = 1_000;
/** How long a preview's token may be executed. */
export const PREVIEW_TTL_MS = 5 * 60_000;
