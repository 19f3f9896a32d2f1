import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { parseRunsCursor, type RunsCursor } from './runs.schemas.ts';
import type { Client } from '@temporalio/client';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { AppError } from '../platform/http/errors.ts';
import { hasRole, type Role } from '../platform/auth/roles.ts';
import { actorLabel, appendAudit, type AuditContext } from '../platform/audit/audit.ts';
import { retryRoleOf, type OperationPolicies } from '../platform/module.ts';
import { startOrAttach } from '../platform/temporal/runs.ts';
import { runUrlOf } from '../platform/approvals/approval.contract.ts';
import type { RunsService } from './runs.service.ts';
import { runsQuery, type RunStatus, type RunsFilter } from './visibility-query.ts';
import {
  BULK_MAX_RUNS,
  PREVIEW_TTL_MS,
  RUNS_BULK,
  bulkWorkflowId,
  type BulkAction,
  type BulkRequest,
} from './bulk.contract.ts';

/** What each action may touch: open runs to cancel, runs that ended without success to retry. */
const ACTION_STATUSES: Record<BulkAction, RunStatus[]> = {
  cancel: ['RUNNING'],
  retry: ['FAILED', 'CANCELED', 'TERMINATED', 'TIMED_OUT'],
};
const POLICY: Record<BulkAction, 'cancellable' | 'retryable'> = { cancel: 'cancellable', retry: 'retryable' };

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export interface BulkDeps {
  orm: MikroORM;
  temporal: Client;
  taskQueue: string;
  operations: OperationPolicies;
  runs: RunsService;
}

/**
 * Bulk cancel or retry by the runs filter, in two calls: a preview (the count, the first 20 runs
 * and a token valid five minutes), then the same call with the token, which starts one batch run
 * acting on exactly the runs the preview named, audited, its progress readable from the runs API.
 */
export function createBulkService(deps: BulkDeps) {
  const em = () => deps.orm.em.fork() as EntityManager;

  /**
   * The filter narrowed to what the action may touch: the statuses, and the operations that allow it
   * for this operator (a retry needs the role the operation's own start needs).
   */
  const narrowed = (filter: RunsFilter, action: BulkAction, who: AuditContext): RunsFilter => ({
    ...filter,
    statusIn: ACTION_STATUSES[action],
    operationIn: [...deps.operations]
      .filter(([, p]) => p[POLICY[action]])
      .filter(([, p]) => action !== 'retry' || hasRole({ role: (who.actorRole ?? 'viewer') as Role }, retryRoleOf(p)))
      .map(([op]) => op),
  });

  async function preview(filter: RunsFilter, action: BulkAction, who: AuditContext) {
    const scope = narrowed(filter, action, who);
    const query = runsQuery(scope);
    const { count } = await deps.temporal.workflow.count(query);
    if (count > BULK_MAX_RUNS) {
      throw new AppError(
        422,
        'BULK_TOO_MANY',
        `The filter matches ${count} runs; narrow it to ${BULK_MAX_RUNS} or fewer`,
        {
          details: { count, max: BULK_MAX_RUNS },
        },
      );
    }
    const targets: { workflowId: string; operation: string | null; tenantId: string | null; status: string }[] = [];
    let cursor: RunsCursor | undefined;
    do {
      const page = await deps.runs.list({
        ...scope,
        limit: 200,
        ...(cursor ? { cursor } : {}),
      });
      targets.push(
        ...page.runs.map((r) => ({
          workflowId: r.workflowId,
          operation: r.operation,
          tenantId: r.tenantId,
          status: r.status,
        })),
      );
      cursor = page.nextCursor ? (parseRunsCursor(page.nextCursor) ?? undefined) : undefined;
    } while (cursor && targets.length < BULK_MAX_RUNS);
    // Previews past their five minutes are of no use to anyone: each new preview clears them.
    await em().execute(`delete from bulk_preview where expires_at < now() - interval '1 hour'`);
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + PREVIEW_TTL_MS);
    await em().execute(
      `insert into bulk_preview (id, token_hash, action, filter_hash, targets, created_by, expires_at)
       values (?, ?, ?, ?, ?, ?, ?)`,
      [
        randomUUID(),
        sha256(token),
        action,
        sha256(query),
        JSON.stringify(targets.map((t) => t.workflowId)),
        actorLabel(who),
        expiresAt,
      ],
    );
    return {
      action,
      count: targets.length,
      runs: targets.slice(0, 20),
      previewToken: token,
      expiresAt: expiresAt.toISOString(),
    };
  }

  async function execute(filter: RunsFilter, action: BulkAction, reason: string, token: string, who: AuditContext) {
    const query = runsQuery(narrowed(filter, action, who));
    // By whoever previewed it, for the same action and filter, within five minutes. The first call
    // starts the batch; the token sent again in that time (a lost answer) answers the same batch and
    // starts nothing, so a batch that failed or was stopped is never started again by its token.
    const bound = [sha256(token), actorLabel(who), action, sha256(query)];
    const [row] = (await em().execute(
      `update bulk_preview set executed_at = now()
        where token_hash = ? and created_by = ? and action = ? and filter_hash = ?
          and executed_at is null and expires_at > now()
        returning id, targets`,
      bound,
    )) as { id: string; targets: string[] }[];
    if (!row) {
      const [done] = (await em().execute(
        `select id, jsonb_array_length(targets)::int as n from bulk_preview
          where token_hash = ? and created_by = ? and action = ? and filter_hash = ?
            and executed_at is not null and expires_at > now()`,
        bound,
      )) as { id: string; n: number }[];
      if (done) {
        const workflowId = bulkWorkflowId(done.id);
        return { action, count: done.n, workflowId, runUrl: runUrlOf(workflowId), status: 'STARTED' as const };
      }
      throw new AppError(
        409,
        'PREVIEW_INVALID',
        'The preview token is expired, unknown, or for another filter, action or operator',
        { details: { help: 'Preview again (the same call without previewToken)' } },
      );
    }
    const workflowId = bulkWorkflowId(row.id);
    const args: [BulkRequest] = [{ action, workflowIds: row.targets, reason, audit: who }];
    await startOrAttach(deps.temporal, {
      workflowType: RUNS_BULK.workflowType,
      workflowId,
      taskQueue: deps.taskQueue,
      args,
      labels: { operation: RUNS_BULK.operation, actor: actorLabel(who) },
      summary: `Bulk ${action} of ${row.targets.length} runs`,
    });
    await appendAudit(em(), who, {
      action: `runs.bulk.${action}`,
      resourceType: 'run',
      resourceId: workflowId,
      outcome: 'success',
      after: { reason, count: row.targets.length, query },
      workflowId,
    });
    return { action, count: row.targets.length, workflowId, runUrl: runUrlOf(workflowId), status: 'STARTED' as const };
  }

  return { preview, execute };
}

export type BulkService = ReturnType<typeof createBulkService>;
