import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import { decodeTypedSearchAttributes } from '@temporalio/common/lib/converter/payload-search-attributes.js';
import { optionalTsToDate } from '@temporalio/common/lib/time.js';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { AppError, notFound, validationError } from '../platform/http/errors.ts';
import { appendAudit, type AuditContext } from '../platform/audit/audit.ts';
import { awaitOutcome } from '../platform/temporal/runs.ts';
import { Actor, Operation, TenantId } from '../platform/temporal/search-attributes.ts';
import { isoOrNull } from '../platform/http/wire.ts';
import { runsQuery, type RunsFilter } from './visibility-query.ts';
import { runSteps } from './run-steps.ts';

type RawExecution = proto.temporal.api.workflow.v1.IWorkflowExecutionInfo;

export interface RunsDeps {
  orm: MikroORM;
  temporal: Client;
  /** Operations whose runs may be cancelled (each module says which of its own). */
  cancellable: ReadonlySet<string>;
  namespace: string;
  /** The Temporal Web UI's base URL, for each run's link; null when none is known. */
  uiUrl: string | null;
}

const STATUS_PREFIX = 'WORKFLOW_EXECUTION_STATUS_';
const statusName = (status: number | null | undefined) =>
  (proto.temporal.api.enums.v1.WorkflowExecutionStatus[status ?? 0] ?? 'UNSPECIFIED').replace(STATUS_PREFIX, '');

/** Runs of every module, from Temporal's visibility store, in the platform's business terms. */
export function createRunsService(deps: RunsDeps) {
  const webUiUrl = (workflowId: string, runId: string) =>
    deps.uiUrl
      ? `${deps.uiUrl}/namespaces/${encodeURIComponent(deps.namespace)}/workflows/` +
        `${encodeURIComponent(workflowId)}/${encodeURIComponent(runId)}/history`
      : null;

  function presentRun(raw: RawExecution) {
    const attrs = decodeTypedSearchAttributes(raw.searchAttributes?.indexedFields);
    const workflowId = raw.execution?.workflowId ?? '';
    const runId = raw.execution?.runId ?? '';
    return {
      workflowId,
      runId,
      workflowType: raw.type?.name ?? null,
      operation: attrs.get(Operation) ?? null,
      tenantId: attrs.get(TenantId) ?? null,
      actor: attrs.get(Actor) ?? null,
      status: statusName(raw.status),
      startedAt: isoOrNull(optionalTsToDate(raw.startTime)),
      closedAt: isoOrNull(optionalTsToDate(raw.closeTime)),
      webUiUrl: webUiUrl(workflowId, runId),
    };
  }

  /** The run's handle and description; 404 when Temporal knows no such run (any other failure is its own). */
  async function described(workflowId: string) {
    const handle = deps.temporal.workflow.getHandle(workflowId);
    const desc = await handle.describe().catch((err: unknown) => {
      if (err instanceof WorkflowNotFoundError) throw notFound('run');
      throw err;
    });
    return { handle, desc };
  }

  return {
    /** One page of runs; the cursor is visibility's own page token, so a page never shifts under new runs. */
    async list(q: RunsFilter & { limit: number; cursor?: Uint8Array }) {
      const res = await deps.temporal.workflowService
        .listWorkflowExecutions({
          namespace: deps.namespace,
          pageSize: q.limit,
          query: runsQuery(q),
          ...(q.cursor ? { nextPageToken: q.cursor } : {}),
        })
        .catch((err: { code?: number; message?: string }) => {
          // A page token visibility cannot read (the only input not fully checked before): not ours.
          if (q.cursor && err.code !== 14 && err.code !== 4)
            throw validationError([{ field: 'query.cursor', message: 'is not a cursor returned by this API' }]);
          throw err;
        });
      const token = res.nextPageToken;
      return {
        runs: (res.executions ?? []).map(presentRun),
        nextCursor: token && token.length ? Buffer.from(token).toString('base64url') : null,
      };
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
      if (!operation || !deps.cancellable.has(operation)) {
        throw new AppError(
          409,
          'RUN_NOT_CANCELLABLE',
          `A ${operation ?? 'run of this kind'} cannot be stopped halfway`,
          {
            details: { workflowId, operation, cancellable: [...deps.cancellable].sort() },
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
  };
}

export type RunsService = ReturnType<typeof createRunsService>;
