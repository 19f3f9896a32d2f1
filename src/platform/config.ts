import { z } from 'zod';
import { readFileSync } from 'node:fs';
import type { TemporalEndpoint } from './temporal/connection.ts';
import { pgTlsProblems } from './db/pg-tls.ts';
import { parseApprovals } from './approvals/approvals-config.ts';

/** Thrown when the environment does not describe a runnable platform. */
export class ConfigError extends Error {}

/** Thrown when a service the process needs at start (Temporal, PostgreSQL) cannot be reached; one line, no stack. */
export class StartupError extends Error {}

const duration = z.string().regex(/^\d+(ms|s|m|h)$/, 'expected a duration like 500ms, 30s, 5m or 1h');

const secret = z.string().min(24, 'must be at least 24 characters');

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * Behind TLS-terminating proxies: how many of them to trust. `true` is one hop;
   * a number says how many proxies each append to X-Forwarded-For (the client
   * address is the one the outermost trusted proxy appended).
   */
  TRUST_PROXY: z
    .string()
    .regex(/^(true|false|[0-9]|[1-9][0-9])$/, 'expected false, true (one proxy) or the number of trusted proxy hops')
    .default('false')
    .transform((v) => (v === 'false' ? 0 : v === 'true' ? 1 : Number(v))),
  BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/)
    .default('100kb'),

  /** sslmode=disable|require|verify-ca|verify-full and sslrootcert/sslcert/sslkey are honoured (libpq's meaning). */
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  /** The CA that signed PostgreSQL's certificate (a path); the same as sslrootcert in DATABASE_URL. */
  DATABASE_CA: z.string().optional(),
  DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  /** `./ops start` seeds the demo data into an existing database too (as --demo does). */
  OPS_DEMO: z.enum(['0', '1'], 'expected 1 (seed the demo data) or 0').default('0'),
  /** Where ./ops start keeps local state (embedded PostgreSQL, Temporal's SQLite, pid files). */
  DATA_DIR: z.string().min(1).default('.data'),
  EMBEDDED_PG_DIR: z.string().optional(),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65535).default(54329),

  TEMPORAL_ADDRESS: z
    .string()
    .regex(/^[^:\s]+:\d+$/, 'expected host:port')
    .optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  /** mTLS to a self-hosted cluster or Temporal Cloud: the client certificate and its key (PEM paths). */
  TEMPORAL_TLS_CERT: z.string().optional(),
  TEMPORAL_TLS_KEY: z.string().optional(),
  /** The CA that signed the frontend's certificate (PEM path); the system's CAs when unset. */
  TEMPORAL_TLS_CA: z.string().optional(),
  /** The name the frontend's certificate is checked against, when it is not the address's host. */
  TEMPORAL_TLS_SERVER_NAME: z.string().optional(),
  /** TLS with the system's CAs and no client certificate (1), e.g. behind a TLS load balancer. */
  TEMPORAL_TLS: z.enum(['0', '1'], 'expected 1 (TLS) or 0').default('0'),
  /** Temporal Cloud API key (implies TLS). */
  TEMPORAL_API_KEY: z.string().optional(),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('ops'),
  TEMPORAL_UI_PORT: z.coerce.number().int().min(1).max(65535).default(8233),
  /** The Temporal Web UI's base URL for run links (the dev server's when TEMPORAL_ADDRESS is unset). */
  TEMPORAL_UI_URL: z.url({ protocol: /^https?$/ }).optional(),
  TEMPORAL_DEV_PORT: z.coerce.number().int().min(1).max(65535).default(7233),

  /**
   * SIGTERM: how long the API may take to finish the answers in flight (waits for runs end at once, answering
   * "still running"), and how long the worker lets running activities finish before handing them back.
   */
  API_SHUTDOWN_GRACE: duration.default('10s'),
  WORKER_SHUTDOWN_GRACE: duration.default('20s'),
  /** How long a synchronous endpoint waits for its workflow before answering 202. */
  SYNC_WAIT: duration.default('20s'),
  /** A DELETE of a client deleted this recently answers that deletion's log (a retried request) instead of 404. */
  DELETE_REPLAY_WINDOW: duration.default('24h'),

  /**
   * Dispatch (spec 002) webhook subscribers: base URLs, comma-separated; each
   * event is POSTed to <base>/webhook/order-status | driver-assignment | payment.
   */
  DISPATCH_WEBHOOK_URLS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((u) => u.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.url({ protocol: /^https?$/, error: 'expected http(s) URLs, comma-separated' }))),
  /** Spec 002 §7 budgets per operator and minute: every dispatch route, and the analytics summary. */
  DISPATCH_RATE_PER_MINUTE: z.coerce.number().int().min(1).default(100),
  DISPATCH_ANALYTICS_RATE_PER_MINUTE: z.coerce.number().int().min(1).default(20),
  /** The HMAC-SHA256 key webhook deliveries are signed with (X-Ops-Signature). */
  DISPATCH_WEBHOOK_SECRET: secret.optional(),
  /** How often recorded webhook deliveries whose run never started are started (the outbox sweep). */
  WEBHOOK_OUTBOX_SWEEP_EVERY: duration.default('1m'),
  /** Outgoing webhooks to private, loopback or link-local addresses: refused unless 1 (tests, a local n8n). */
  WEBHOOK_ALLOW_PRIVATE: z.enum(['0', '1'], 'expected 1 (allow) or 0').default('0'),
  /** Signs completion callbacks (a start's callbackUrl); without it a start asking for one is refused. */
  CALLBACK_SECRET: secret.optional(),

  /** Caller (spec 003): the HS256 key its JWTs are signed with (./ops start generates one and keeps it). */
  CALLER_JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  CALLER_TOKEN_TTL: duration.default('1h'),
  /** Outbound calls per caller (client or operator) and minute: a leaked secret cannot run up a phone bill. */
  CALLER_CALLS_PER_MINUTE: z.coerce.number().int().min(1).default(30),
  /**
   * The public base URL Twilio calls back (status callbacks): the signature
   * Twilio sends is over this URL, so it must be the one Twilio was given.
   */
  CALLER_PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  /**
   * Which call progress events Twilio posts to the status callback (comma-separated), or `none` (Twilio
   * then posts on completion only). The Twilio mock refuses the parameter, so ./ops start and the tests use none.
   */
  CALLER_STATUS_EVENTS: z
    .string()
    .regex(/^(none|(initiated|ringing|answered|completed)(,(initiated|ringing|answered|completed))*)$/, {
      error: 'expected none, or some of initiated,ringing,answered,completed',
    })
    .default('initiated,ringing,answered,completed'),
  /** Where the answered call's audio is streamed: the agent's conversation endpoint (agent_id is added). */
  ELEVENLABS_STREAM_URL: z.url({ protocol: /^wss?$/ }).default('wss://api.elevenlabs.io/v1/convai/conversation'),

  /** Optional operator API key seeded at start (dev and tests); never has a default. */
  OPS_ADMIN_API_KEY: secret.optional(),
  /** The `admin` operator's password, set by ./ops start when given; never has a default. */
  OPS_ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').max(1000).optional(),

  /** Control plane keys (spec 004); each unset key simply does not exist. */
  OPS_KEY_ADMIN: secret.optional(),
  OPS_KEY_N8N: secret.optional(),
  OPS_INTERNAL_SECRET: secret.optional(),
  OPS_KEY_READONLY: secret.optional(),
  /** How long a duplicate of a running request waits for it before 409 REQUEST_IN_PROGRESS. */
  DUPLICATE_WAIT: duration.default('10s'),
  IDEMPOTENCY_TTL: duration.default('168h'),

  STRIPE_SECRET_KEY: z
    .string()
    .regex(/^(sk|rk)_(test|live)_\w+$/, 'expected sk_test_…, sk_live_…, rk_test_… or rk_live_…')
    .optional(),
  STRIPE_WEBHOOK_SECRET: z.string().min(1).optional(),
  STRIPE_PRICE_IDS: z.string().optional(),
  /** Base URL of a Stripe-compatible API (stripe-mock in tests and demos). */
  STRIPE_API_BASE: z.url({ protocol: /^https?$/ }).optional(),

  TWILIO_ACCOUNT_SID: z
    .string()
    .regex(/^AC[0-9a-fA-F]{32}$/, 'expected AC followed by 32 hex characters')
    .optional(),
  TWILIO_AUTH_TOKEN: z.string().min(1).optional(),
  /** Base URL replacing https://api.twilio.com (a mock of Twilio's OpenAPI spec in tests and demos). */
  TWILIO_API_BASE: z.url({ protocol: /^https?$/ }).optional(),
  /** Public URL the voice webhooks must answer on; checked by voice.smokeTest when set. */
  VOICE_WEBHOOK_URL: z.url().optional(),

  /** Operator sessions of the support admin expire this long after login. */
  SESSION_TTL: duration.default('8h'),
  /** …and this long after their last request. */
  SESSION_IDLE_TIMEOUT: duration.default('30m'),
  /** Login attempts per (username, client IP), and per client IP, every 15 minutes. */
  LOGIN_ATTEMPTS: z.coerce.number().int().min(1).max(1000).default(5),
  LOGIN_ATTEMPTS_PER_IP: z.coerce.number().int().min(1).max(100000).default(30),
  /** Refused API keys per client IP every 15 minutes before the address is refused outright. */
  REFUSED_CREDENTIALS_PER_IP: z.coerce.number().int().min(1).max(100000).default(30),

  ALERT_DETECTION_EVERY: duration.default('5m'),
  STUCK_THRESHOLD: duration.default('24h'),

  /** How often each worker copies new runs from Temporal's visibility into the runs list's index. */
  RUNS_INDEX_EVERY: duration.default('1s'),
  /** How far back a worker looks for runs when it starts on an empty index (as long as the namespace keeps runs). */
  RUNS_INDEX_BACKFILL: duration.default('720h'),

  /**
   * Operations that wait for a second operator's approval before they act (off by default, so the
   * specs' synchronous answers hold): comma-separated operation names (see the README's Approvals).
   */
  APPROVALS: z
    .string()
    .default('')
    .superRefine((text, ctx) => {
      for (const problem of parseApprovals(text).problems) ctx.addIssue({ code: 'custom', message: problem });
    }),
  /** How long a run waits for its approval before it ends as expired. */
  APPROVAL_TIMEOUT: duration.default('24h'),
});

export type Config = ReturnType<typeof toConfig>;
type Env = z.infer<typeof EnvSchema>;

/** A PEM file's bytes; a missing or unreadable file is a configuration error naming the variable. */
function pemFile(name: string, path: string): Buffer {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new ConfigError(`${name}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
  if (!bytes.includes('-----BEGIN ')) throw new ConfigError(`${name}: ${path} is not a PEM file`);
  return bytes;
}

/** The TLS settings of the Temporal connection, with every file read now (not at the first connection). */
function temporalTls(env: Env): TemporalEndpoint['tls'] {
  const { TEMPORAL_TLS_CERT: cert, TEMPORAL_TLS_KEY: key, TEMPORAL_TLS_CA: ca } = env;
  const serverName = env.TEMPORAL_TLS_SERVER_NAME;
  if (!cert !== !key) throw new ConfigError('TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY: set both (mTLS) or neither');
  const anyTls = cert || ca || serverName || env.TEMPORAL_TLS === '1' || env.TEMPORAL_API_KEY;
  if (!anyTls) return undefined;
  if (!env.TEMPORAL_ADDRESS) throw new ConfigError('TEMPORAL_ADDRESS: required with TLS or an API key (the cluster)');
  if (!cert && !ca && !serverName) return true;
  return {
    ...(serverName ? { serverNameOverride: serverName } : {}),
    ...(ca ? { serverRootCACertificate: pemFile('TEMPORAL_TLS_CA', ca) } : {}),
    ...(cert && key
      ? { clientCertPair: { crt: pemFile('TEMPORAL_TLS_CERT', cert), key: pemFile('TEMPORAL_TLS_KEY', key) } }
      : {}),
  };
}

/** DATABASE_CA folded into the URL as libpq's sslrootcert, so one URL says everything about the connection. */
function withRootCert(url: string | undefined, caPath: string | undefined): string | undefined {
  if (!url || !caPath) return url;
  const u = new URL(url);
  u.searchParams.set('sslrootcert', caPath);
  return u.toString();
}

export function parseDuration(text: string): number {
  const m = /^(\d+)(ms|s|m|h)$/.exec(text);
  if (!m) throw new ConfigError(`invalid duration ${text}`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
  return Number(m[1]) * unit;
}

function toConfig(env: z.infer<typeof EnvSchema>) {
  return {
    env: env.NODE_ENV,
    http: {
      host: env.HOST,
      port: env.PORT,
      bodyLimit: env.BODY_LIMIT,
      syncWaitMs: parseDuration(env.SYNC_WAIT),
      shutdownGraceMs: parseDuration(env.API_SHUTDOWN_GRACE),
      trustedProxyHops: env.TRUST_PROXY,
    },
    logLevel: env.LOG_LEVEL,
    dataDir: env.DATA_DIR,
    demo: env.OPS_DEMO === '1',
    db: {
      url: withRootCert(env.DATABASE_URL, env.DATABASE_CA),
      poolMax: env.DB_POOL_MAX,
      embedded: { dir: env.EMBEDDED_PG_DIR ?? `${env.DATA_DIR}/postgres`, port: env.EMBEDDED_PG_PORT },
    },
    temporal: {
      address: env.TEMPORAL_ADDRESS,
      tls: temporalTls(env),
      apiKey: env.TEMPORAL_API_KEY,
      namespace: env.TEMPORAL_NAMESPACE,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      workerShutdownGraceMs: parseDuration(env.WORKER_SHUTDOWN_GRACE),
      devPort: env.TEMPORAL_DEV_PORT,
      uiPort: env.TEMPORAL_UI_PORT,
      uiUrl: env.TEMPORAL_UI_URL ?? (env.TEMPORAL_ADDRESS ? null : `http://127.0.0.1:${env.TEMPORAL_UI_PORT}`),
    },
    auth: {
      adminApiKey: env.OPS_ADMIN_API_KEY,
      adminPassword: env.OPS_ADMIN_PASSWORD,
      sessionTtlMs: parseDuration(env.SESSION_TTL),
      sessionIdleMs: parseDuration(env.SESSION_IDLE_TIMEOUT),
      limits: {
        loginPerAccountAndIp: env.LOGIN_ATTEMPTS,
        loginPerIp: env.LOGIN_ATTEMPTS_PER_IP,
        refusedPerIp: env.REFUSED_CREDENTIALS_PER_IP,
      },
    },
    control: {
      keys: {
        admin: env.OPS_KEY_ADMIN,
        n8n: env.OPS_KEY_N8N,
        legacy: env.OPS_INTERNAL_SECRET,
        readonly: env.OPS_KEY_READONLY,
      },
      duplicateWaitMs: parseDuration(env.DUPLICATE_WAIT),
      idempotencyTtlMs: parseDuration(env.IDEMPOTENCY_TTL),
    },
    stripe: {
      secretKey: env.STRIPE_SECRET_KEY,
      webhookSecret: env.STRIPE_WEBHOOK_SECRET,
      priceIds: (env.STRIPE_PRICE_IDS ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      apiBase: env.STRIPE_API_BASE,
    },
    twilio: {
      accountSid: env.TWILIO_ACCOUNT_SID,
      authToken: env.TWILIO_AUTH_TOKEN,
      apiBase: env.TWILIO_API_BASE,
      voiceWebhookUrl: env.VOICE_WEBHOOK_URL,
    },
    dispatch: {
      webhookUrls: env.DISPATCH_WEBHOOK_URLS,
      webhookSecret: env.DISPATCH_WEBHOOK_SECRET,
      outboxSweepEveryMs: parseDuration(env.WEBHOOK_OUTBOX_SWEEP_EVERY),
      rateLimits: {
        standard: env.DISPATCH_RATE_PER_MINUTE,
        analytics: env.DISPATCH_ANALYTICS_RATE_PER_MINUTE,
        bulk: 10,
      },
    },
    webhooks: { allowPrivateTargets: env.WEBHOOK_ALLOW_PRIVATE === '1' },
    callbacks: { secret: env.CALLBACK_SECRET, allowPrivate: env.WEBHOOK_ALLOW_PRIVATE === '1' },
    caller: {
      jwtSecret: env.CALLER_JWT_SECRET,
      tokenTtlMs: parseDuration(env.CALLER_TOKEN_TTL),
      callsPerMinute: env.CALLER_CALLS_PER_MINUTE,
      publicUrl: env.CALLER_PUBLIC_URL ?? `http://${env.HOST}:${env.PORT}`,
      streamUrl: env.ELEVENLABS_STREAM_URL,
      statusEvents: env.CALLER_STATUS_EVENTS === 'none' ? [] : env.CALLER_STATUS_EVENTS.split(','),
    },
    cockpit: { deleteReplayWindowMs: parseDuration(env.DELETE_REPLAY_WINDOW) },
    alerts: {
      detectionEveryMs: parseDuration(env.ALERT_DETECTION_EVERY),
      stuckThresholdMs: parseDuration(env.STUCK_THRESHOLD),
    },
    approvals: { rules: parseApprovals(env.APPROVALS).rules, timeoutMs: parseDuration(env.APPROVAL_TIMEOUT) },
    runsIndex: { everyMs: parseDuration(env.RUNS_INDEX_EVERY), backfillMs: parseDuration(env.RUNS_INDEX_BACKFILL) },
  };
}

/** Reads the environment once, validates it and fails with every problem listed. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty value (FOO= in an env file) means "not set".
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const config = toConfig(parsed.data);
  const tlsProblem = config.db.url ? pgTlsProblems(config.db.url) : undefined;
  if (tlsProblem) throw new ConfigError(tlsProblem);
  return config;
}

/** The connection URL the process must use; set by the launcher when Postgres is embedded. */
export function requireDatabaseUrl(config: Config): string {
  if (!config.db.url)
    throw new ConfigError('DATABASE_URL is not set (./ops start sets it for the embedded PostgreSQL)');
  return config.db.url;
}

export function temporalAddress(config: Config): string {
  return config.temporal.address ?? `127.0.0.1:${config.temporal.devPort}`;
}

/** Where and how every process (API, worker, bench, tests) connects to Temporal. */
export function temporalEndpoint(config: Config): TemporalEndpoint {
  const { tls, apiKey } = config.temporal;
  return { address: temporalAddress(config), ...(tls ? { tls } : {}), ...(apiKey ? { apiKey } : {}) };
}
