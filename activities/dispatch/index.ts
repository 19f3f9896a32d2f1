import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Config } from '../../src/platform/config.ts';
import { createStripeClient } from '../stripe/stripe-client.ts';
import { createOrderReads } from '../../src/dispatch/orders.service.ts';
import { createAssignActivities } from './assign.activities.ts';
import { createRefundActivities } from './refund.activities.ts';
import { createWebhookActivities } from './webhook.activities.ts';

export function createDispatchActivities(deps: { orm: MikroORM; config: Config }) {
  const { dispatch, webhooks, stripe } = deps.config;
  const webhookUrls = dispatch.webhookUrls;
  return {
    ...createAssignActivities({
      orm: deps.orm,
      reads: createOrderReads({ em: () => deps.orm.em.fork() as EntityManager }),
      webhookUrls,
    }),
    ...createRefundActivities({ orm: deps.orm, stripe: createStripeClient(stripe), webhookUrls }),
    ...createWebhookActivities({
      orm: deps.orm,
      secret: dispatch.webhookSecret,
      allowPrivate: webhooks.allowPrivateTargets,
    }),
  };
}

export type DispatchActivities = ReturnType<typeof createDispatchActivities>;
export type { ReserveDriverInput } from './assign.activities.ts';
export type { RefundStepInput } from './refund.activities.ts';
