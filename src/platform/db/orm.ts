import { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { createOrmOptions, type OrmSetup } from './mikro-orm.config.ts';
import { pgConnection } from './pg-tls.ts';

export type Orm = MikroORM;
export type { OrmSetup };

export async function openOrm(databaseUrl: string, setup: OrmSetup): Promise<Orm> {
  return MikroORM.init(createOrmOptions(databaseUrl, setup));
}

// Any fixed number works; it only has to be the same in every process of the platform.
const MIGRATION_LOCK_KEY = 4_242_001;

/**
 * Runs committed migrations once, even when API and worker processes start together:
 * the first takes a session advisory lock, the others wait and then find nothing to do.
 */
export async function migrate(orm: Orm, databaseUrl: string): Promise<string[]> {
  const lock = new pg.Client(pgConnection(databaseUrl));
  await lock.connect();
  try {
    await lock.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const done = await orm.migrator.up();
    return done.map((m) => m.name);
  } finally {
    await lock.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => {});
    await lock.end();
  }
}
