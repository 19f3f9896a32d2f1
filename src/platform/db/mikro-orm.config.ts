import { defineConfig, type EntitySchema, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { pgConnection } from './pg-tls.ts';
import { migrationsList } from './migrations/index.ts';
import { OperatorApiKeySchema } from '../auth/entities/operator-api-key.entity.ts';
import { AuditEventSchema } from '../audit/audit-event.entity.ts';

/** The platform's own entities; the modules' come from their manifests (src/modules.ts). */
export const platformEntities = [OperatorApiKeySchema, AuditEventSchema];

export interface OrmSetup {
  /** Every module's entities (the platform adds its own). */
  entities: EntitySchema[];
  poolMax?: number;
}

export function createOrmOptions(databaseUrl: string, setup: OrmSetup): Options {
  const { connectionString, ssl } = pgConnection(databaseUrl);
  // MikroORM reads only host, port, user and database from the URL: its TLS settings and
  // application_name (which names the process in pg_stat_activity) are handed to pg here.
  const applicationName = new URL(connectionString).searchParams.get('application_name');
  return defineConfig({
    clientUrl: connectionString,
    driverOptions: { ssl, ...(applicationName ? { application_name: applicationName } : {}) },
    entities: [...platformEntities, ...setup.entities],
    extensions: [Migrator],
    migrations: { migrationsList, transactional: true, allOrNothing: true, snapshot: false, silent: true },
    pool: { min: 0, max: setup.poolMax ?? 10 },
    debug: false,
    // Entities are checked against the committed migrations by a test, not at every boot:
    // tests/platform/schema-agreement.test.ts (columns, types, nullability).
    discovery: { warnWhenNoEntities: true },
  });
}
