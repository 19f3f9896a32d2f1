import { defineConfig, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { migrationsList } from './migrations/index.ts';
import * as cockpit from '../../cockpit/entities/index.ts';
import { OperatorApiKeySchema } from '../auth/entities/operator-api-key.entity.ts';
import { AuditEventSchema } from '../audit/audit-event.entity.ts';

/** Every entity of every module; one list so API, worker and tests see the same model. */
export const entities = [
  cockpit.ClientSchema,
  cockpit.OnboardingStateSchema,
  cockpit.AlertLogSchema,
  cockpit.PhoneNumberSchema,
  cockpit.CustomerSchema,
  cockpit.BookingSchema,
  cockpit.LeadSchema,
  cockpit.ClientUserSchema,
  cockpit.ConversationSchema,
  cockpit.MessageSchema,
  cockpit.ClientDeletionSchema,
  OperatorApiKeySchema,
  AuditEventSchema,
];

export function createOrmOptions(databaseUrl: string, poolMax = 10): Options {
  return defineConfig({
    clientUrl: databaseUrl,
    entities,
    extensions: [Migrator],
    migrations: { migrationsList, transactional: true, allOrNothing: true, snapshot: false, silent: true },
    pool: { min: 0, max: poolMax },
    debug: false,
    // Entities are checked against the committed migrations by a test, not at every boot:
    // tests/platform/schema-agreement.test.ts (columns, types, nullability).
    discovery: { warnWhenNoEntities: true },
  });
}
