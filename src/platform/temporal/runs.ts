import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  WorkflowUpdateFailedError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import { ApplicationFailure, TemporalFailure } from '@temporalio/common';
import type { Workflow } from '@temporalio/common';
import { AppError } from '../http/errors.ts';
import { isoOrNull } from '../http/wire.ts';
import { runSearchAttributes, type RunLabels } from './search-attributes.ts';
import type { Notifications } from '../db/notifications.ts';

export interface StartRequest<W extends Workflow> {
  workflowType: string;
  workflowId: string;
  taskQueue: string;
  args: Parameters<W>;
  labels: RunLabels;
  memo?: Record<string, unknown>;
  summary?: string;
}

/**
 * The run's one-line summary in the Web UI's run list: what, for which tenant, by whom
 * (e.g. `Delete client acme · tenant acme · by operator-key:alice`).
 */
export function runSummary(req: { summary?: string; labels: RunLabels }): string {
  const { operation, tenantId, actor } = req.labels;
  return [req.summary ?? operation, tenantId ? `tenant ${tenantId}` : null, `by ${actor}`].filter(Boolean).join(' · ');
}

/**
 * Starts a run, or attaches to the one that already owns this workflow ID: a
 * duplicate start while it runs joins it (USE_EXISTING); after it completed, the
 * completed run answers (a failed run may be retried with a fresh one).
 */
export async function startOrAttach<W extends Workflow>(
  client: Client,
  req: StartRequest<W>,
): Promise<WorkflowHandle<W>> {
  try {
    // Started untyped (its arguments were typed by StartRequest<W>), then handed back typed.
    const handle = await client.workflow.start(req.workflowType, {
      workflowId: req.workflowId,
      taskQueue: req.taskQueue,
      args: req.args as unknown[],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
      typedSearchAttributes: runSearchAttributes(req.labels),
      memo: { actor: req.labels.actor, ...req.memo },
      staticSummary: runSummary(req),
    });
    return handle as WorkflowHandle<W>;
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return client.workflow.getHandle<W>(req.workflowId);
    // Nothing was started: say so clearly, the caller can retry with the same key safely.
    // The engine's own message goes to the logs (as the cause), not to the caller.
    throw new AppError(
      503,
      'WORKFLOW_ENGINE_UNAVAILABLE',
      `Could not start ${req.workflowId}: the workflow engine is unreachable. ` +
        'Retry; the same request never runs twice.',
      { cause: err },
    );
  }
}

export type RunOutcome<R> =
  | { state: 'completed'; result: R }
  | { state: 'failed'; failure: ApplicationFailure | null; error: Error }
  | { state: 'running' };

/**
 * Where a run's answer is committed before the run reports back: its last step writes it in the
 * transaction of its effect, and the database announces the commit (a LISTEN/NOTIFY channel whose
 * payload is the workflow ID). Reading it then saves the engine's last round trip (the step's
 * completion, the run's last task, its close) from the answer's time.
 */
export interface CommittedAnswer<R> {
  notifications: Notifications;
  channel: string;
  /** The run's result as its step committed it; null until it has. */
  read: () => Promise<R | null>;
}

const never = new Promise<never>(() => undefined);

/**
 * Waits for a run's result at most `timeoutMs`; a run still going is reported as running. With
 * `committed`, its committed answer counts as its result as soon as it is there; a run that fails
 * (which commits no answer) answers with its failure.
 */
export async function awaitOutcome<R>(
  handle: WorkflowHandle,
  timeoutMs: number,
  stopping?: AbortSignal,
  committed?: CommittedAnswer<R>,
): Promise<RunOutcome<R>> {
  const bound = waitBound(timeoutMs, stopping);
  // Once answered (or past the bound) the run's long poll and the row's wait both stop.
  const waiting = new AbortController();
  const timeout = bound.elapsed.then((): RunOutcome<R> => {
    waiting.abort();
    return { state: 'running' };
  });
  const ended = handle.client.withAbortSignal(waiting.signal, () =>
    handle.result().then(
      // A run that ended answers with its committed answer when there is one: the read is where a
      // service checks the request against the run (a key reused with another body).
      async (r): Promise<RunOutcome<R>> => ({ state: 'completed', result: ((await committed?.read()) ?? r) as R }),
      (err: Error): RunOutcome<R> | Promise<never> => {
        if (err instanceof WorkflowFailedError)
          return { state: 'failed', failure: findApplicationFailure(err), error: err };
        if (waiting.signal.aborted) return never;
        throw err;
      },
    ),
  );
  const written = committed
    ? committed.notifications.awaitRow(committed.channel, handle.workflowId, committed.read, waiting.signal).then(
        (r): RunOutcome<R> | Promise<never> => (r === null ? never : { state: 'completed', result: r }),
        // The service's own refusal (AppError) answers; a failed read leaves the answer to the run's end.
        (err: unknown) => (err instanceof AppError ? Promise.reject(err) : never),
      )
    : never;
  try {
    return await Promise.race([ended, written, timeout]);
  } finally {
    waiting.abort();
    bound.clear();
  }
}

/**
 * How long a request waits for its run: `timeoutMs`, or until the process starts draining,
 * whichever comes first. `clear()` once the run answered, so no timer outlives the request.
 */
export function waitBound(timeoutMs: number, stopping?: AbortSignal): { elapsed: Promise<void>; clear(): void } {
  let timer: NodeJS.Timeout | undefined;
  let onStop: (() => void) | undefined;
  const elapsed = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
    if (!stopping) return;
    if (stopping.aborted) return resolve();
    onStop = () => resolve();
    stopping.addEventListener('abort', onStop, { once: true });
  });
  return {
    elapsed,
    clear: () => {
      clearTimeout(timer);
      if (onStop) stopping?.removeEventListener('abort', onStop);
    },
  };
}

/** The business failure (non-retryable ApplicationFailure) at the root of a failed run, if any. */
export function findApplicationFailure(err: unknown): ApplicationFailure | null {
  let cur: unknown = err;
  while (cur instanceof Error) {
    if (cur instanceof ApplicationFailure && cur.type) return cur;
    const wraps =
      cur instanceof TemporalFailure || cur instanceof WorkflowFailedError || cur instanceof WorkflowUpdateFailedError;
    cur = wraps ? cur.cause : undefined;
  }
  return null;
}

/**
 * A run's status for an operations endpoint: when it started and closed, its
 * result, or its failure. Only the failure codes a module names are told as
 * they are; any other failure is answered as `fallback` (its detail stays in
 * the Web UI and the logs). Null when there is no such run.
 */
export async function describeRun(
  client: Client,
  workflowId: string,
  failures: { known: ReadonlySet<string>; fallback: { code: string; message: string } },
) {
  const handle = client.workflow.getHandle(workflowId);
  const desc = await handle.describe().catch(() => null);
  if (!desc) return null;
  const status = desc.status.name;
  const outcome = status === 'RUNNING' ? null : await awaitOutcome<unknown>(handle, 1_000);
  const failure = outcome?.state === 'failed' ? outcome.failure : null;
  return {
    workflowId,
    runId: desc.runId,
    status,
    startedAt: desc.startTime.toISOString(),
    closedAt: isoOrNull(desc.closeTime),
    ...(outcome?.state === 'completed' ? { result: outcome.result } : {}),
    ...(outcome?.state === 'failed'
      ? {
          error:
            failure && failures.known.has(failure.type ?? '')
              ? { code: failure.type, message: failure.message }
              : failures.fallback,
        }
      : {}),
  };
}
