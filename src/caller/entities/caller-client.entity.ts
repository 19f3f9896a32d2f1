import { defineEntity, p } from '@mikro-orm/core';
import { textId, timestamps } from '../../platform/db/base-properties.ts';

export const CLIENT_STATUSES = ['Active', 'Inactive'] as const;
export type CallerClientStatus = (typeof CLIENT_STATUSES)[number];

/** A caller client: who the calls are made for, its ElevenLabs agent and Twilio number, its hashed secret. */
const CallerClientSchema = defineEntity({
  name: 'CallerClient',
  tableName: 'caller_client',
  properties: {
    ...textId(),
    status: p.enum(CLIENT_STATUSES),
    agentId: p.string(),
    twilioPhoneNumber: p.string(),
    fullName: p.string(),
    email: p.string(),
    phone: p.string(),
    businessName: p.string().nullable(),
    city: p.string().nullable(),
    jobTitle: p.string().nullable(),
    notes: p.string().nullable(),
    secretHash: p.string(),
    secretVersion: p.integer(),
    ...timestamps(),
  },
});
export class CallerClient extends CallerClientSchema.class {}
CallerClientSchema.setClass(CallerClient);
export { CallerClientSchema };
