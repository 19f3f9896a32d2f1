import { defineEntity, p } from '@mikro-orm/core';
import { createdAt, textId } from '../../platform/db/base-properties.ts';

/** A user of the tenant's own account. Removed with its tenant, explicitly and in the spec's order (see the
  cockpit's deletion). */
const ClientUserSchema = defineEntity({
  name: 'ClientUser',
  tableName: 'client_user',
  properties: {
    ...textId(),
    clientId: p.string(),
    email: p.string(),
    role: p.string(),
    ...createdAt(),
  },
});
export class ClientUser extends ClientUserSchema.class {}
ClientUserSchema.setClass(ClientUser);
export { ClientUserSchema };
