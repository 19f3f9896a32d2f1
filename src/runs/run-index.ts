import type { Client } from '@temporalio/client';
import type proto from '@temporalio/proto';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { decodeTypedSearchAttributes } from '@temporalio/common/lib/converter/payload-search-attributes.js';
import { optionalTsToDate } from '@temporalio/common/lib/time.js';
import type { Logger } from '../platform/observability/logger.ts';
import type { WorkerServices } from '../platform/module.ts';
import { runLabelsOf } from '../platform/temporal/search-attributes.ts';
import { HOUR, MINUTE, SECOND } from '../platform/time.ts';
import { unstorableReason } from '../platform/http/text-guard.ts';

type RawExecution = proto.temporal.api.workflow.v1.IWorkflowExecutionInfo;

/**
 * Each sweep reads again this far before the last one began: visibility records a run a
 * moment after it starts, and the hosts' clocks differ a little.
 */
const OVERLAP_MS = 10 * SECOND;
/** Runs older than this are swept by counted ranges (a resweep, a backfill); newer ones page by page. */
const SLICE_MS = 5 * MINUTE;
/** Every few minutes (and at start) a sweep reads the last hour again, for a run recorded later than the overlap. */
const RESWEEP = { everyMs: 5 * MINUTE, windowMs: HOUR };
const PAGE_SIZE = 1000;
/** How long stop() waits for a sweep under way. */
const STOP_WAIT_MS = 5 * SECOND;

/** What never changes about a run: the runs list's index keeps these, visibility the rest. */
export interface IndexedRun {
  id: string;
  workflowId: string;
  workflowType: string;
  operation: string | null;
  tenantId: string | null;
  actor: string | null;
  startedAt: Date;
  executionTime: Date;
}

/** The run's row, or the reason it cannot be one (a run may be started from anywhere, with any labels). */
function indexedRunOf(raw: RawExecution): IndexedRun | string {
  const startedAt = optionalTsToDate(raw.startTime);
  const id = raw.execution?.runId;
  if (!id || !raw.execution?.workflowId || !startedAt) return 'no run ID, workflow ID or start time';
  const run = {
    id,
    workflowId: raw.execution.workflowId,
    workflowType: raw.type?.name ?? '',
    ...runLabelsOf(decodeTypedSearchAttributes(raw.searchAttributes?.indexedFields)),
    startedAt,
    // A run without a start delay executes from its start.
    executionTime: optionalTsToDate(raw.executionTime) ?? startedAt,
  };
  // A text PostgreSQL cannot store (a NUL) would fail the whole batch, and every sweep after it.
  for (const text of [run.id, run.workflowId, run.workflowType, run.operation, run.tenantId, run.actor]) {
    const reason = text === null ? null : unstorableReason(text);
    if (reason) return `a label ${reason}`;
  }
  return run;
}

/** The visibility condition of runs whose ExecutionTime is in [from, to), or from `from` on. */
export const executionTimeRange = (from: number, to?: number) =>
  `ExecutionTime >= '${new Date(from).toISOString()}'` +
  (to === undefined ? '' : ` AND ExecutionTime < '${new Date(to).toISOString()}'`);

export interface RunIndexerDeps {
  orm: MikroORM;
  temporal: Client;
  namespace: string;
  logger: Logger;
  /** How often a sweep runs. */
  everyMs: number;
  /** How far back the first sweep of an empty index reads. */
  backfillMs: number;
}

/**
 * Copies every run of the namespace from Temporal's visibility into `run_index`, by
 * ExecutionTime (visibility answers a range of it from its own index). Every worker runs
 * one: each row is written once (a second copy is ignored), so two workers only repeat reads.
 */
export function createRunIndexer(deps: RunIndexerDeps) {
  const log = deps.logger.child({ module: 'runs', component: 'run-index' });
  const em = () => deps.orm.em.fork() as EntityManager;
  /** Set by stop(): a sweep under way ends at its next query (the next sweep reads again what it left). */
  let stopped = false;

  async function record(batch: IndexedRun[]) {
    if (!batch.length) return;
    // In run ID order: two workers writing overlapping batches then wait on each other in one order, never a deadlock.
    const runs = [...batch].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    await em().execute(
      `insert into run_index (id, workflow_id, workflow_type, operation, tenant_id, actor, started_at, execution_time)
       values ${runs.map(() => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}
       on conflict (id) do nothing`,
      runs.flatMap((r) => [
        r.id,
        r.workflowId,
        r.workflowType,
        r.operation,
        r.tenantId,
        r.actor,
        r.startedAt,
        r.executionTime,
      ]),
    );
  }

  /** Every run whose ExecutionTime is in [from, to), or from `from` on (runs delayed into the future too). */
  async function sweepSlice(from: number, to?: number) {
    let token: Uint8Array | undefined;
    do {
      const res = await deps.temporal.workflowService.listWorkflowExecutions({
        namespace: deps.namespace,
        pageSize: PAGE_SIZE,
        query: executionTimeRange(from, to),
        ...(token ? { nextPageToken: token } : {}),
      });
      const runs: IndexedRun[] = [];
      for (const raw of res.executions ?? []) {
        const run = indexedRunOf(raw);
        if (typeof run !== 'string') runs.push(run);
        else
          log.warn({ workflowId: raw.execution?.workflowId?.slice(0, 200), reason: run }, 'runs index: run left out');
      }
      await record(runs);
      token = res.nextPageToken?.length ? res.nextPageToken : undefined;
    } while (token && !stopped);
  }

  /**
   * Every run in [from, to), counted first: an empty range costs one count, a range of more runs
   * than a page is halved (each list query sorts only the runs of its own range).
   */
  async function sweepRange(from: number, to: number): Promise<void> {
    const { count } = await deps.temporal.workflow.count(executionTimeRange(from, to));
    if (count === 0 || stopped) return;
    if (count <= PAGE_SIZE || to - from <= SECOND) return sweepSlice(from, to);
    const mid = from + Math.floor((to - from) / 2);
    await sweepRange(from, mid);
    await sweepRange(mid, to);
  }

  /** Every run from `from` on: what is older than a few minutes by ranges, the rest (and beyond now) by pages. */
  async function sweep(from: number) {
    const cut = Date.now() - SLICE_MS;
    if (from < cut) await sweepRange(from, cut);
    await sweepSlice(Math.max(from, cut));
  }

  /**
   * Where the first sweep starts: the start of the newest run indexed (a run executes at or after its
   * start, so every run the index lacks is later), or the backfill.
   */
  async function startingPoint(): Promise<number> {
    const [row] = (await em().execute('select max(started_at) as latest from run_index')) as {
      latest: Date | null;
    }[];
    return row?.latest ? new Date(row.latest).getTime() : Date.now() - deps.backfillMs;
  }

  return {
    /** Sweeps every `everyMs` until stopped; a failed sweep (Temporal or the database away) is tried again. */
    start(): { stop(): Promise<void> } {
      let timer: NodeJS.Timeout | undefined;
      let since: number | null = null;
      let lastResweep = 0;
      let running: Promise<void> = Promise.resolve();
      const tick = async () => {
        const began = Date.now();
        try {
          since ??= await startingPoint();
          const resweep = began - lastResweep >= RESWEEP.everyMs;
          await sweep((resweep ? Math.min(since, began - RESWEEP.windowMs) : since) - OVERLAP_MS);
          if (resweep) lastResweep = began;
          since = began;
        } catch (err) {
          log.warn({ err }, 'runs index: sweep failed; trying again at the next one');
        }
        if (!stopped) timer = setTimeout(() => (running = tick()), deps.everyMs);
      };
      running = tick();
      return {
        async stop() {
          stopped = true;
          clearTimeout(timer);
          // A sweep ends at its next query; one stuck retrying an unreachable Temporal is not waited for
          // past STOP_WAIT_MS (closing the connection ends it, and the next start reads it again).
          let waited: NodeJS.Timeout | undefined;
          await Promise.race([running, new Promise((r) => (waited = setTimeout(r, STOP_WAIT_MS)))]);
          clearTimeout(waited);
        },
      };
    },
  };
}

/** The sweeper a worker runs beside itself (the runs module starts it; the bench's inline worker too). */
export function startRunIndexer(w: Pick<WorkerServices, 'orm' | 'client' | 'config' | 'logger'>) {
  return createRunIndexer({
    orm: w.orm,
    temporal: w.client,
    namespace: w.config.temporal.namespace,
    logger: w.logger,
    ...w.config.runsIndex,
  }).start();
}
