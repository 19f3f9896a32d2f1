import { ApplicationFailure, Context, heartbeat } from '@temporalio/activity';
import { WorkflowFailedError, type Client } from '@temporalio/client';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { SIGNATURE_HEADER, signatureHeader } from '../../src/platform/webhooks/signature.ts';
import { postJson } from '../../src/platform/webhooks/post.ts';
import { refusedTarget } from '../../src/platform/webhooks/public-target.ts';
import { findApplicationFailure } from '../../src/platform/temporal/runs.ts';
import {
  CALLBACK_FAILURES,
  type RunCallbackBody,
  type RunCallbackRequest,
} from '../../src/platform/callbacks/run-callback.contract.ts';

export interface CallbackDeps {
  orm: MikroORM;
  client: Client;
  secret: string | undefined;
  allowPrivate: boolean;
  timeoutMs?: number;
}

/** Waiting for a run and announcing its end: the two steps of a completion callback. */
export function createCallbackActivities(deps: CallbackDeps) {
  const fork = () => deps.orm.em.fork() as EntityManager;
  return {
    /**
     * Waits (long-polling Temporal, heartbeating) until the run ends, then answers its outcome in the
     * callback's terms: the result, or only the failure's business code (its internals stay inside).
     */
    async awaitRunOutcome(input: RunCallbackRequest): Promise<RunCallbackBody> {
      const handle = deps.client.workflow.getHandle(input.workflowId, input.runId);
      const beat = setInterval(() => heartbeat(), 5_000);
      try {
        const outcome = await handle.result().then(
          (result: unknown) => ({ result }),
          (err: unknown) => {
            if (err instanceof WorkflowFailedError)
              return { failed: findApplicationFailure(err)?.type ?? 'RUN_FAILED' };
            throw err;
          },
        );
        const desc = await handle.describe();
        const status = desc.status.name as RunCallbackBody['status'];
        return {
          workflowId: input.workflowId,
          runId: desc.runId,
          operation: input.operation,
          status,
          ...('result' in outcome ? { result: outcome.result } : { error: { code: outcome.failed } }),
          closedAt: desc.closeTime?.toISOString() ?? null,
        };
      } finally {
        clearInterval(beat);
      }
    },

    /** One signed POST to the receiver, recorded; a non-2xx answer or no answer is retried by the run. */
    async postRunCallback(input: { callbackId: string; url: string; body: RunCallbackBody }): Promise<number> {
      const attempt = Context.current().info.attempt;
      const em = fork();
      const record = (statusCode: number | null, error: string | null) =>
        em.execute(
          `insert into run_callback (id, workflow_id, url, status, attempts, last_status_code, last_error, delivered_at)
           values (?, ?, ?, case when ? then 'delivered' else 'pending' end, ?, ?, ?, case when ? then now() end)
           on conflict (id) do update set attempts = greatest(run_callback.attempts, excluded.attempts),
             status = case when run_callback.status = 'delivered' then 'delivered' else excluded.status end,
             last_status_code = excluded.last_status_code, last_error = excluded.last_error,
             delivered_at = coalesce(run_callback.delivered_at, excluded.delivered_at)`,
          [
            input.callbackId,
            input.body.workflowId,
            input.url,
            statusCode !== null && statusCode < 300,
            attempt,
            statusCode,
            error,
            statusCode !== null && statusCode < 300,
          ],
        );
      if (!deps.secret) {
        await record(null, 'CALLBACK_SECRET is not set');
        throw ApplicationFailure.nonRetryable('CALLBACK_SECRET is not set', CALLBACK_FAILURES.notConfigured);
      }
      const refused = await refusedTarget(input.url, deps.allowPrivate);
      if (refused) {
        await record(null, `target refused: ${refused}`);
        throw ApplicationFailure.nonRetryable(`Callback target refused: ${refused}`, CALLBACK_FAILURES.targetRefused);
      }
      const body = JSON.stringify(input.body);
      let statusCode: number;
      try {
        ({ statusCode } = await postJson(
          input.url,
          body,
          { [SIGNATURE_HEADER]: signatureHeader(deps.secret, body), 'X-Ops-Callback': input.callbackId },
          { allowPrivate: deps.allowPrivate, timeoutMs: deps.timeoutMs ?? 10_000 },
        ));
      } catch (err) {
        await record(null, (err as Error).message.slice(0, 500));
        throw err;
      }
      await record(statusCode, null);
      if (statusCode >= 300) throw new Error(`callback receiver answered ${statusCode}`);
      return statusCode;
    },

    /** Gave up: the delivery is marked failed, so nobody reads it as on its way. */
    async markCallbackFailed(input: { callbackId: string; workflowId: string; url: string }): Promise<void> {
      await fork().execute(
        `insert into run_callback (id, workflow_id, url, status, attempts) values (?, ?, ?, 'failed', 0)
         on conflict (id) do update set status = 'failed' where run_callback.status <> 'delivered'`,
        [input.callbackId, input.workflowId, input.url],
      );
    },
  };
}

export type CallbackActivities = ReturnType<typeof createCallbackActivities>;
