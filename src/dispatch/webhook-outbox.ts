import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { WEBHOOK_EVENTS, deliveryWorkflowId, type WebhookEvent } from './deliver-webhook.contract.ts';

/**
 * Records one delivery per subscriber in the caller's transaction (an outbox):
 * the change and the promise to announce it commit together. A delivery's id
 * follows from what caused it, so recording it again (a retried step) is a no-op.
 * Returns the delivery ids, each to be sent by its own deliverWebhook run.
 */
export async function recordDeliveries(
  tx: EntityManager,
  subscribers: readonly string[],
  cause: string,
  event: WebhookEvent,
  data: Record<string, unknown>,
): Promise<string[]> {
  const ids: string[] = [];
  for (const base of subscribers) {
    const url = new URL(WEBHOOK_EVENTS[event].slice(1), base.endsWith('/') ? base : `${base}/`).toString();
    const id = `whd_${createHash('sha256').update(`${cause}|${event}|${url}`).digest('hex').slice(0, 24)}`;
    await tx.execute(
      `insert into webhook_delivery (id, event, url, payload, workflow_id) values (?, ?, ?, ?::json, ?)
        on conflict (id) do nothing`,
      [id, event, url, JSON.stringify({ event, data }), deliveryWorkflowId(id)],
    );
    ids.push(id);
  }
  return ids;
}
