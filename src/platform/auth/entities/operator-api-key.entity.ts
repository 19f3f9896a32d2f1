import { defineEntity, p } from '@mikro-orm/core';
import { ROLES } from '../roles.ts';

/** An operator API key. Only the SHA-256 of the key is stored; the key is shown once. */
const OperatorApiKeySchema = defineEntity({
  name: 'OperatorApiKey',
  tableName: 'operator_api_key',
  properties: {
    id: p.string().primary(),
    name: p.string().unique(),
    keyHash: p.string().unique(),
    role: p.enum(ROLES),
    createdAt: p.datetime().onCreate(() => new Date()),
    /** After this the key no longer works (null: no expiry). */
    expiresAt: p.datetime().nullable(),
    revokedAt: p.datetime().nullable(),
  },
});
export class OperatorApiKey extends OperatorApiKeySchema.class {}
OperatorApiKeySchema.setClass(OperatorApiKey);
export { OperatorApiKeySchema };
