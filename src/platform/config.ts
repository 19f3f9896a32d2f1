import { z } from 'zod';

/** Thrown when the environment does not describe a runnable platform. */
export class ConfigError extends Error {}

const duration = z
  .string()
  .regex(/^\d+(ms|s|m|h)$/, 'expected a duration like 500ms, 30s, 5m or 1h');

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)$/).default('100kb'),

  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  EMBEDDED_PG_DIR: z.string().default('.data/postgres'),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65535).default(54329),

  TEMPORAL_ADDRESS: z.string().regex(/^[^:\s]+:\d+$/, 'expected host:port').optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('ops'),
  TEMPORAL_UI_PORT: z.coerce.number().int().min(1).max(65535).default(8233),
  TEMPORAL_DEV_PORT: z.coerce.number().int().min(1).max(65535).default(7233),

  /** How long a synchronous endpoint waits for its workflow before answering 202. */
  SYNC_WAIT: duration.default('20s'),

  /** Optional operator API key seeded at start (dev and tests); never has a default. */
  OPS_ADMIN_API_KEY: z.string().min(24, 'must be at least 24 characters').optional(),

  ALERT_DETECTION_EVERY: duration.default('5m'),
  STUCK_THRESHOLD: duration.default('24h'),
});

export type Config = ReturnType<typeof toConfig>;

export function parseDuration(text: string): number {
  const m = /^(\d+)(ms|s|m|h)$/.exec(text);
  if (!m) throw new ConfigError(`invalid duration ${text}`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
  return Number(m[1]) * unit;
}

function toConfig(env: z.infer<typeof EnvSchema>) {
  return {
    env: env.NODE_ENV,
    http: { host: env.HOST, port: env.PORT, bodyLimit: env.BODY_LIMIT, syncWaitMs: parseDuration(env.SYNC_WAIT) },
    logLevel: env.LOG_LEVEL,
    db: {
      url: env.DATABASE_URL,
      poolMax: env.DB_POOL_MAX,
      embedded: { dir: env.EMBEDDED_PG_DIR, port: env.EMBEDDED_PG_PORT },
    },
    temporal: {
      address: env.TEMPORAL_ADDRESS,
      namespace: env.TEMPORAL_NAMESPACE,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      devPort: env.TEMPORAL_DEV_PORT,
      uiPort: env.TEMPORAL_UI_PORT,
    },
    auth: { adminApiKey: env.OPS_ADMIN_API_KEY },
    alerts: {
      detectionEveryMs: parseDuration(env.ALERT_DETECTION_EVERY),
      stuckThresholdMs: parseDuration(env.STUCK_THRESHOLD),
    },
  };
}

/** Reads the environment once, validates it and fails with every problem listed. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return toConfig(parsed.data);
}

/** The connection URL the process must use; set by the launcher when Postgres is embedded. */
export function requireDatabaseUrl(config: Config): string {
  if (!config.db.url) throw new ConfigError('DATABASE_URL is not set (./ops start sets it for the embedded PostgreSQL)');
  return config.db.url;
}

export function temporalAddress(config: Config): string {
  return config.temporal.address ?? `127.0.0.1:${config.temporal.devPort}`;
}
