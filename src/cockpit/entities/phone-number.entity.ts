import { defineEntity, p } from '@mikro-orm/core';

export const NUMBER_STATUSES = ['AVAILABLE', 'ASSIGNED', 'RETIRED'] as const;
export type NumberStatus = (typeof NUMBER_STATUSES)[number];

/** The pool of Twilio numbers handed to clients; deletion returns a number as AVAILABLE. */
const PhoneNumberSchema = defineEntity({
  name: 'PhoneNumber',
  tableName: 'phone_number',
  properties: {
    phoneNumber: p.string().primary(),
    status: p.enum(NUMBER_STATUSES),
    assignedClientId: p.string().nullable(),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});

export class PhoneNumber extends PhoneNumberSchema.class {}
PhoneNumberSchema.setClass(PhoneNumber);
export { PhoneNumberSchema };
