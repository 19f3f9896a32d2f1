import { WorkflowNotFoundError, type Client, type WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import proto from '@temporalio/proto';
import { decodeTypedSearchAttributes } from '@temporalio/common/lib/converter/payload-search-attributes.js';
import { optionalTsToDate, optionalTsToMs } from '@temporalio/common/lib/time.js';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { AppError, notFound, validationError } from '../platform/http/errors.ts';
import { actorLabel, appendAudit, type AuditContext } from '../platform/audit/audit.ts';
import { awaitOutcome, startOrAttach } from '../platform/temporal/runs.ts';
import { ApprovalState, Operation, TenantId, runLabelsOf } from '../platform/temporal/search-attributes.ts';
import { isoOrNull } from '../platform/http/wire.ts';
import { runsQuery, type RunsFilter } from './visibility-query.ts';
import { forgetRuns, indexedRuns, type IndexRow } from './run-index.queries.ts';
import { executionTimeRange } from './run-index.ts';
import type { RunsCursor } from './runs.schemas.ts';
import { rowsPage, type Cursor } from '../platform/db/keyset.ts';
import { visibilityLiteral } from '../platform/temporal/visibility-literal.ts';
import { runSteps } from './run-steps.ts';
import { runWebUiUrl } from '../platform/temporal/web-ui.ts';
import { retryRoleOf, type OperationPolicies } from '../platform/module.ts';
import { hasRole, insufficientRole, type Role } from '../platform/auth/roles.ts';
import { approvalGateFor, type ApprovalSettings } from '../platform/approvals/approvals-config.ts';
import type { ApprovalView } from '../platform/approvals/approval.contract.ts';
import { wasNotApproved } from '../platform/approvals/await-plan.ts';

type RawExecution = proto.temporal.api.workflow.v1.IWorkflowExecutionInfo;

export interface RunsDeps {
  orm: MikroORM;
  temporal: Client;
  /** Every operation's policy: which may be cancelled or retried (each module says of its own). */
  operations: OperationPolicies;
  namespace: string;
  /** The Temporal Web UI's base URL, for each run's link; null when none is known. */
  uiUrl: string | null;
  /** Which operations wait for an approval now (a retry asks again when its operation does). */
  approvals: ApprovalSettings;
}

/** The ends after which Temporal starts a second run of a workflow ID (ALLOW_DUPLICATE_FAILED_ONLY). */
const RETRYABLE_STATUSES = new Set(['FAILED', 'CANCELLED', 'TERMINATED', 'TIMED_OUT']);

/** The arguments a run was started with, from the first event of its history. */
async function startedWith(handle: WorkflowHandle) {
  const history = await handle.fetchHistory();
  const payloads = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads ?? [];
  return { args: payloads.map((p) => defaultPayloadConverter.fromPayload(p)) };
}

const STATUS_PREFIX = 'WORKFLOW_EXECUTION_STATUS_';
const statusName = (status: number | null | undefined) =>
  (proto.temporal.api.enums.v1.WorkflowExecutionStatus[status ?? 0] ?? 'UNSPECIFIED').replace(STATUS_PREFIX, '');

/** Runs of every module, from Temporal's visibility store, in the platform's business terms. */
export function createRunsService(deps: RunsDeps) {
  const webUiUrl = (workflowId: string, runId: string) => runWebUiUrl(deps, workflowId, runId);

  function presentRun(raw: RawExecution) {
    const attrs = decodeTypedSearchAttributes(raw.searchAttributes?.indexedFields);
    const workflowId = raw.execution?.workflowId ?? '';
    const runId = raw.execution?.runId ?? '';
    return {
      workflowId,
      runId,
      workflowType: raw.type?.name ?? null,
      ...runLabelsOf(attrs),
      status: statusName(raw.status),
      /** Set for a run behind an approval gate: pending (awaiting approval), approved, rejected, expired. */
      approvalState: (attrs.get(ApprovalState) as ApprovalView['state'] | undefined) ?? null,
      startedAt: isoOrNull(optionalTsToDate(raw.startTime)),
      closedAt: isoOrNull(optionalTsToDate(raw.closeTime)),
      webUiUrl: webUiUrl(workflowId, runId),
    };
  }

  /** The approval a gated run shows in its memo (its plan, requester, deadline, decision). */
  const approvalOf = (raw: RawExecution): ApprovalView | null => {
    const field = raw.memo?.fields?.approval;
    return field ? (defaultPayloadConverter.fromPayload(field) as ApprovalView) : null;
  };

  /** A run as the runs list shows it: its labels and state, and its approval when it has one. */
  const listedRun = (raw: RawExecution) => ({ ...presentRun(raw), approval: approvalOf(raw) });

  /** The run's handle and description; 404 when Temporal knows no such run (any other failure is its own). */
  async function described(workflowId: string) {
    const handle = deps.temporal.workflow.getHandle(workflowId);
    const desc = await handle.describe().catch((err: unknown) => {
      if (err instanceof WorkflowNotFoundError) throw notFound('run');
      throw err;
    });
    return { handle, desc };
  }

  /** Visibility's own list of a filter: one page from its page token. */
  async function visibilityPage(q: RunsFilter & { limit: number }, token?: Uint8Array) {
    const res = await deps.temporal.workflowService
      .listWorkflowExecutions({
        namespace: deps.namespace,
        pageSize: q.limit,
        query: runsQuery(q),
        ...(token ? { nextPageToken: token } : {}),
      })
      .catch((err: { code?: number; message?: string }) => {
        // A page token visibility cannot read (the only input not fully checked before): not ours.
        if (token && err.code !== 14 && err.code !== 4)
          throw validationError([{ field: 'query.cursor', message: 'is not a cursor returned by this API' }]);
        throw err;
      });
    const next = res.nextPageToken;
    return {
      runs: (res.executions ?? []).map(listedRun),
      nextCursor: next && next.length ? Buffer.from(next).toString('base64url') : null,
    };
  }

  /** How long the namespace keeps a closed run (null: forever, or not known now). Asked once. */
  let retention: Promise<number | null> | undefined;
  const retentionMs = () =>
    (retention ??= deps.temporal.workflowService.describeNamespace({ namespace: deps.namespace }).then(
      (ns) => optionalTsToMs(ns.config?.workflowExecutionRetentionTtl) || null,
      () => ((retention = undefined), null),
    ));

  /**
   * Index rows of runs visibility no longer holds and that started longer ago than the namespace keeps a
   * closed run: deleted by Temporal's retention, so gone from the index too (a run open that long is
   * still in visibility, and a younger one may just not be visible yet: both stay).
   */
  async function forgetExpired(missing: IndexRow[]) {
    const keep = missing.length ? await retentionMs() : null;
    if (!keep) return;
    const expired = missing.filter((r) => Date.now() - new Date(r.started_at).getTime() > keep).map((r) => r.id);
    if (expired.length) await forgetRuns(deps.orm.em.fork() as EntityManager, expired);
  }

  /** A keyset page of the run index, each run then read from visibility (one query, by run ID). */
  async function indexedPage(q: RunsFilter & { limit: number }, after?: Cursor) {
    const { items, next } = rowsPage(
      await indexedRuns(deps.orm.em.fork() as EntityManager, q, after),
      q.limit,
      (r) => r.started_at,
    );
    return { runs: await currentStateOf(items), nextCursor: next.nextCursor ?? null };
  }

  /**
   * The runs as visibility has them now, in the order given. The ExecutionTime range around them
   * lets visibility find them through its own index, however deep in the list they are. A run
   * visibility no longer holds (past the namespace's retention) is left out.
   */
  async function currentStateOf(rows: IndexRow[]) {
    if (!rows.length) return [];
    const times = rows.map((r) => new Date(r.execution_time).getTime());
    // Stored to the millisecond (cut from visibility's own time): each run is within [ms, ms + 1).
    const query =
      `${executionTimeRange(Math.min(...times) - 1, Math.max(...times) + 1)} AND ` +
      `RunId IN (${rows.map((r) => visibilityLiteral(r.id, 'runId')).join(', ')})`;
    const res = await deps.temporal.workflowService.listWorkflowExecutions({
      namespace: deps.namespace,
      pageSize: rows.length,
      query,
    });
    const byRun = new Map((res.executions ?? []).map((raw) => [raw.execution?.runId ?? '', raw]));
    await forgetExpired(rows.filter((r) => !byRun.has(r.id)));
    return rows.flatMap((r) => {
      const raw = byRun.get(r.id);
      return raw ? [listedRun(raw)] : [];
    });
  }

  const allowed = (what: 'cancellable' | 'retryable') =>
    [...deps.operations]
      .filter(([, policy]) => policy[what])
      .map(([operation]) => operation)
      .sort();

  return {
    described,
    /**
     * One page of runs, newest first. By labels and start time (what never changes about a run) the
     * page is a keyset read of the platform's run index, as cheap deep in the list as at its top, and
     * each of its runs is then read from visibility as it is now. By status or approval state (which
     * change) it is visibility's own list, in visibility's order (open runs first), with its page token.
     */
    async list(q: RunsFilter & { limit: number; cursor?: RunsCursor }) {
      const byState = Boolean(q.status || q.statusIn || q.approvalState || q.operationIn);
      if (q.cursor && (byState ? !q.cursor.token : !q.cursor.index))
        throw validationError([{ field: 'query.cursor', message: 'belongs to a list with other filters' }]);
      return byState ? visibilityPage(q, q.cursor?.token) : indexedPage(q, q.cursor?.index);
    },

    /** One run: its labels, its business steps from the history, and its result or failure code. */
    async detail(workflowId: string) {
      const { handle, desc } = await described(workflowId);
      const history = await handle.fetchHistory();
      const status = desc.status.name;
      const outcome = status === 'COMPLETED' || status === 'FAILED' ? await awaitOutcome(handle, 1_000) : null;
      const failure = outcome?.state === 'failed' ? outcome.failure : null;
      return {
        ...presentRun(desc.raw.workflowExecutionInfo ?? {}),
        summary: (await desc.staticSummary()) ?? null,
        approval: (desc.memo?.approval as ApprovalView | undefined) ?? null,
        // A batch run (bulk cancel or retry) says how far it has got.
        ...(desc.memo?.progress ? { progress: desc.memo.progress } : {}),
        historyLength: desc.historyLength,
        steps: runSteps(history.events ?? []),
        ...(outcome?.state === 'completed' ? { result: outcome.result } : {}),
        // A business failure is told by its code; anything else stays in the Web UI and the logs.
        ...(outcome?.state === 'failed'
          ? { error: { code: failure?.type ?? 'RUN_FAILED', message: 'The run failed; its steps say where.' } }
          : {}),
      };
    },

    /**
     * Asks a running run to stop, for a reason that is audited with who asked. Refused for a run that
     * has ended, and for an operation whose module does not declare it cancellable (stopping it halfway
     * could leave money or data half-moved): its own endpoints say how to undo it instead.
     */
    async cancel(workflowId: string, reason: string, who: AuditContext) {
      const { handle, desc } = await described(workflowId);
      const operation = desc.typedSearchAttributes.get(Operation) ?? null;
      if (desc.status.name !== 'RUNNING') {
        throw new AppError(409, 'RUN_NOT_RUNNING', `The run has already ended (${desc.status.name})`, {
          details: { workflowId, status: desc.status.name },
        });
      }
      if (!operation || !deps.operations.get(operation)?.cancellable) {
        throw new AppError(
          409,
          'RUN_NOT_CANCELLABLE',
          `A ${operation ?? 'run of this kind'} cannot be stopped halfway`,
          {
            details: { workflowId, operation, cancellable: allowed('cancellable') },
          },
        );
      }
      await handle.cancel();
      await appendAudit(deps.orm.em.fork() as EntityManager, who, {
        action: 'run.cancel',
        resourceType: 'run',
        resourceId: workflowId,
        outcome: 'success',
        after: { reason, operation },
        workflowId,
      });
      return { workflowId, operation, status: 'CANCEL_REQUESTED' as const };
    },

    /**
     * Starts a run that ended without success again, with the input it was started with, under the
     * same workflow ID (the operation's idempotency key) as a new run: Temporal accepts a second run
     * of an ID only when the last one failed, was cancelled, terminated or timed out, so a retry can
     * never repeat work that completed, and two operators retrying at once join one new run. Refused
     * for a run that is still open or completed, and for an operation not declared retryable.
     */
    async retry(workflowId: string, reason: string, who: AuditContext) {
      const { handle, desc } = await described(workflowId);
      const operation = desc.typedSearchAttributes.get(Operation) ?? null;
      const status = desc.status.name;
      if (!RETRYABLE_STATUSES.has(status)) {
        throw new AppError(
          409,
          'RUN_NOT_FAILED',
          `Only a run that ended without success is retried; this one is ${status}`,
          {
            details: { workflowId, status },
          },
        );
      }
      const policy = operation ? deps.operations.get(operation) : undefined;
      if (!operation || !policy?.retryable) {
        throw new AppError(
          409,
          'RUN_NOT_RETRYABLE',
          `A ${operation ?? 'run of this kind'} is not run again from here`,
          {
            details: { workflowId, operation, retryable: allowed('retryable') },
          },
        );
      }
      const least = retryRoleOf(policy);
      if (!who.actorRole || !hasRole({ role: who.actorRole as Role }, least)) throw insufficientRole(least);
      const ended = await awaitOutcome(handle, 1_000);
      const failure = ended.state === 'failed' ? ended.failure?.type : undefined;
      if (wasNotApproved(failure)) {
        throw new AppError(
          409,
          'RUN_NOT_RETRYABLE',
          'A request that was not approved is asked for again, not retried',
          {
            details: { workflowId, operation, failure },
          },
        );
      }
      const [input, ...rest] = (await startedWith(handle)).args as [Record<string, unknown>, ...unknown[]];
      // The retry acts for whoever retried it: the audit trail names them, and an operation behind an
      // approval step asks for an approval again (by the config in force now), never from them.
      const amount = typeof input?.amount === 'number' ? input.amount : undefined;
      const approval = policy.approvable
        ? approvalGateFor(deps.approvals, operation, actorLabel(who), amount)
        : undefined;
      const args =
        input && typeof input === 'object' ? [{ ...input, audit: who, approval }, ...rest] : [input, ...rest];
      const tenantId = desc.typedSearchAttributes.get(TenantId);
      const retried = await startOrAttach(deps.temporal, {
        workflowType: desc.type,
        workflowId,
        taskQueue: desc.taskQueue,
        args,
        labels: { operation, ...(tenantId ? { tenantId } : {}), actor: actorLabel(who) },
        memo: { retryOf: desc.runId, retryReason: reason },
        summary: `Retry of ${operation}`,
      });
      const { runId } = await retried.describe();
      await appendAudit(deps.orm.em.fork() as EntityManager, who, {
        action: 'run.retry',
        resourceType: 'run',
        resourceId: workflowId,
        outcome: 'success',
        before: { runId: desc.runId, status },
        after: { reason, operation, runId },
        workflowId,
      });
      return { workflowId, operation, runId, retryOf: desc.runId, status: 'RUNNING' as const };
    },
  };
}

export type RunsService = ReturnType<typeof createRunsService>;
