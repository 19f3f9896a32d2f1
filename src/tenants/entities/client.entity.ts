import { defineEntity, p } from '@mikro-orm/core';
import { textId, timestamps } from '../../platform/db/base-properties.ts';

/**
 * The tenant: a JobRun client in the cockpit, a `businessId` in the control plane,
 * the owner of support's conversations. One row, whichever module speaks of it.
 */
const ClientSchema = defineEntity({
  name: 'Client',
  tableName: 'client',
  properties: {
    ...textId(),
    /** New each time the row is created: a re-created client is a new incarnation. */
    incarnation: p.uuid().defaultRaw('gen_random_uuid()'),
    businessName: p.string(),
    email: p.string().nullable(),
    onboardingComplete: p.boolean().default(false),
    opsAlertsMuted: p.boolean().default(false),
    paymentActive: p.boolean().default(false),
    paymentGateAlertedAt: p.datetime().nullable(),
    twilioNumber: p.string().nullable(),
    calendarProvider: p.string().nullable(),
    schedulingConfigured: p.boolean().default(false),
    ...timestamps(),
  },
});

export class Client extends ClientSchema.class {}
ClientSchema.setClass(Client);
export { ClientSchema };
