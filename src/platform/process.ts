import { loadConfig, requireDatabaseUrl, ConfigError, StartupError, type Config } from './config.ts';
import { migrate, openOrm, type Orm, type OrmSetup } from './db/orm.ts';
import { createLogger, type Logger } from './observability/logger.ts';

export interface ProcessBase {
  config: Config;
  logger: Logger;
  orm: Orm;
}

/** What the API and the worker both do first: config, logger, ORM, migrations. */
export async function openProcessBase(name: string, entities: OrmSetup['entities']): Promise<ProcessBase> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, name);
  const databaseUrl = requireDatabaseUrl(config);
  const orm = await openOrm(databaseUrl, { entities, poolMax: config.db.poolMax });
  await migrate(orm, databaseUrl);
  return { config, logger, orm };
}

/** Runs a process entry point; a bad configuration prints its list of problems, not a stack. */
export function runMain(main: () => Promise<void>): void {
  main().catch((err) => {
    console.error(err instanceof ConfigError || err instanceof StartupError ? err.message : err);
    process.exit(1);
  });
}
