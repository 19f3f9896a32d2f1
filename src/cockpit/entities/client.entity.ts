import { defineEntity, p } from '@mikro-orm/core';

/** A JobRun client; the control plane calls the same row a tenant (businessId). */
const ClientSchema = defineEntity({
  name: 'Client',
  tableName: 'client',
  properties: {
    id: p.string().primary(),
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
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});

export class Client extends ClientSchema.class {}
ClientSchema.setClass(Client);
export { ClientSchema };
