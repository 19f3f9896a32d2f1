import { ApplicationFailure, Context } from '@temporalio/activity';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { WEBHOOK_FAILURES } from '../../src/dispatch/deliver-webhook.contract.ts';
import { SIGNATURE_HEADER, signatureHeader } from '../../src/platform/webhooks/signature.ts';
import { postJson } from '../../src/platform/webhooks/post.ts';
import { refusedTarget } from '../../src/platform/webhooks/public-target.ts';

export interface WebhookDeps {
  orm: MikroORM;
  secret: string | undefined;
  allowPrivate: boolean;
  timeoutMs?: number;
}

/** Sends one webhook delivery, recording every attempt; a non-2xx answer is retried by the run's policy. */
export function createWebhookActivities(deps: WebhookDeps) {
  const fork = () => deps.orm.em.fork() as EntityManager;
  return {
    async postWebhook(input: { deliveryId: string }): Promise<{ statusCode: number; attempts: number }> {
      const em = fork();
      const [delivery] = (await em.execute(
        'select url, payload::text as body, status from webhook_delivery where id = ?',
        [input.deliveryId],
      )) as { url: string; body: string; status: string }[];
      if (!delivery) throw ApplicationFailure.nonRetryable('No such webhook delivery', WEBHOOK_FAILURES.gone);
      const attempt = Context.current().info.attempt;
      if (!deps.secret)
        throw ApplicationFailure.nonRetryable('DISPATCH_WEBHOOK_SECRET is not set', WEBHOOK_FAILURES.targetRefused);
      const refused = await refusedTarget(delivery.url, deps.allowPrivate);
      const record = (statusCode: number | null, error: string | null, durationMs: number) =>
        em.execute(
          `with a as (insert into webhook_attempt (delivery_id, attempt, status_code, error, duration_ms)
              values (?, ?, ?, ?, ?))
           update webhook_delivery set attempts = greatest(attempts, ?),
             status = case when ? then 'delivered' else status end,
             delivered_at = case when ? then now() else delivered_at end where id = ?`,
          [
            input.deliveryId,
            attempt,
            statusCode,
            error,
            durationMs,
            attempt,
            statusCode !== null && statusCode < 300,
            statusCode !== null && statusCode < 300,
            input.deliveryId,
          ],
        );
      if (refused) {
        await record(null, `target refused: ${refused}`, 0);
        throw ApplicationFailure.nonRetryable(`Webhook target refused: ${refused}`, WEBHOOK_FAILURES.targetRefused);
      }
      const started = Date.now();
      let statusCode: number;
      try {
        ({ statusCode } = await postJson(
          delivery.url,
          delivery.body,
          { [SIGNATURE_HEADER]: signatureHeader(deps.secret, delivery.body), 'X-Ops-Delivery': input.deliveryId },
          { allowPrivate: deps.allowPrivate, timeoutMs: deps.timeoutMs ?? 10_000 },
        ));
      } catch (err) {
        await record(null, (err as Error).message.slice(0, 500), Date.now() - started);
        throw err;
      }
      await record(statusCode, null, Date.now() - started);
      if (statusCode >= 300) throw new Error(`subscriber answered ${statusCode}`);
      return { statusCode, attempts: attempt };
    },

    /** Pending deliveries never attempted, recorded at least `olderThanMs` ago: their run never started. */
    async unstartedDeliveries(input: { olderThanMs: number; limit: number }): Promise<string[]> {
      const rows = (await fork().execute(
        `select id from webhook_delivery where status = 'pending' and attempts = 0
            and created_at < now() - (? * interval '1 millisecond') order by created_at limit ?`,
        [input.olderThanMs, input.limit],
      )) as { id: string }[];
      return rows.map((r) => r.id);
    },

    async markDeliveryFailed(input: { deliveryId: string }): Promise<void> {
      await fork().execute(`update webhook_delivery set status = 'failed' where id = ? and status = 'pending'`, [
        input.deliveryId,
      ]);
    },
  };
}
