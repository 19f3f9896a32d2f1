import type { MikroORM } from '@mikro-orm/postgresql';
import type { Config } from '../../src/platform/config.ts';
import { createStripeClient } from '../stripe/stripe-client.ts';
import { createTwilioClient } from '../twilio/twilio-client.ts';
import { createTenantActivities } from './tenant.activities.ts';
import { createBillingActivities } from './billing.activities.ts';
import { createVoiceActivities } from './voice.activities.ts';

export function createControlActivities(deps: { orm: MikroORM; config: Config }) {
  const { stripe, twilio } = deps.config;
  return {
    ...createTenantActivities(deps),
    ...createBillingActivities({
      stripe: createStripeClient(stripe),
      secretKey: stripe.secretKey,
      webhookSecret: stripe.webhookSecret,
      priceIds: stripe.priceIds,
    }),
    ...createVoiceActivities({
      orm: deps.orm,
      twilio: createTwilioClient(twilio),
      accountSid: twilio.accountSid,
      voiceWebhookUrl: twilio.voiceWebhookUrl,
    }),
  };
}

export type ControlActivities = ReturnType<typeof createControlActivities>;
