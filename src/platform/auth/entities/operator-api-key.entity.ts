import { defineEntity, p } from '@mikro-orm/core';

/** An operator API key. Only the SHA-256 of the key is stored; the key is shown once. */
const OperatorApiKeySchema = defineEntity({
  name: 'OperatorApiKey',
  tableName: 'operator_api_key',
  properties: {
    id: p.string().primary(),
    name: p.string().unique(),
    keyHash: p.string().unique(),
    role: p.string(),
    createdAt: p.datetime().onCreate(() => new Date()),
    revokedAt: p.datetime().nullable(),
  },
});
export class OperatorApiKey extends OperatorApiKeySchema.class {}
OperatorApiKeySchema.setClass(OperatorApiKey);
export { OperatorApiKeySchema };
