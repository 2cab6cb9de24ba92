import { z } from 'zod';

/** The environment, parsed once. Every setting Grove reads is here (README "Configuration"). */
const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('127.0.0.1'),
  DATABASE_URL: z.string().url().optional(),
  GROVE_DATA_DIR: z.string().default('./.grove'),
  GROVE_ADMIN_KEY: z.string().min(16, 'GROVE_ADMIN_KEY must be at least 16 characters').optional(),
  GROVE_SECRET_KEY: z.string().min(16, 'GROVE_SECRET_KEY must be at least 16 characters').optional(),
  GROVE_SEED: z.enum(['true', 'false']).default('true'),
  GROVE_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  GROVE_BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(4 * 1024 * 1024),
  GROVE_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(6000),
  GROVE_STATIC_DIR: z.string().optional(),
  GROVE_REQUEST_DEADLINE_MS: z.coerce.number().int().positive().default(120_000),
  GROVE_DEV_ERRORS: z.enum(['true', 'false']).default('false'),
  GROVE_SHUTDOWN_DRAIN_MS: z.coerce.number().int().min(0).default(10_000),
  GROVE_DB_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
  GROVE_REQUEST_LOG_BUFFER_ROWS: z.coerce.number().int().positive().default(50_000),
  GROVE_REQUEST_LOG_INTERVAL_MS: z.coerce.number().int().min(10).max(60_000).default(250),
  GROVE_REQUEST_LOG_RETENTION_DAYS: z.coerce.number().int().positive().default(30),
  GROVE_METRICS_RETENTION_DAYS: z.coerce.number().int().positive().default(90),
  GROVE_METRICS_BUFFER_ROWS: z.coerce.number().int().positive().default(20_000),
  GROVE_HEARTBEAT_MS: z.coerce.number().int().min(100).max(60_000).default(2_000),
  GROVE_TELEMETRY: z.enum(['on', 'off']).default('on'),
  GROVE_DEMO_TRAFFIC: z.enum(['on', 'off']).default('on'),
  GROVE_ALERT_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5_000),
  GROVE_ALERT_WEBHOOK_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
  GROVE_ALERT_WEBHOOK_BACKOFF_MS: z.coerce.number().int().min(10).max(600_000).default(1_000),
  GROVE_ALERT_WEBHOOK_QUEUE: z.coerce.number().int().min(1).max(100_000).default(1_000),
});

export type Config = {
  port: number;
  host: string;
  databaseUrl?: string;
  dataDir: string;
  adminKey?: string;
  secretKey?: string;
  seed: boolean;
  logLevel: z.infer<typeof envSchema>['GROVE_LOG_LEVEL'];
  bodyLimitBytes: number;
  rateLimitPerMinute: number;
  staticDir?: string;
  requestDeadlineMs: number;
  /** error bodies carry the stack and internal messages: for development only, never in production */
  devErrors: boolean;
  /** on SIGTERM, how long running subscriptions may take to finish before they end with an error */
  shutdownDrainMs: number;
  /** how long a write waits on the database before it fails with 503 */
  databaseTimeoutMs: number;
  /** request-log rows held in memory while the database cannot take them; the oldest go past it */
  requestLogBufferRows: number;
  /** how long a request-log row may wait for a full batch before a partial one is written */
  requestLogIntervalMs: number;
  /** request-log rows older than this many days are deleted */
  requestLogRetentionDays: number;
  /** metric rollups older than this many days are deleted; queries may not reach further back */
  metricsRetentionDays: number;
  /** metric rollups held in memory while the database cannot take them; the oldest go past it */
  metricsBufferRows: number;
  /** how often an instance tells the fleet it is alive; it counts as gone after three missed beats */
  heartbeatMs: number;
  /** false only to measure what telemetry costs (the benchmark): no live figures, rollups or Prometheus counts */
  telemetry: boolean;
  /** in demo mode, send gentle background traffic to the demo models (server/gateway/demo-traffic.ts) */
  demoTraffic: boolean;
  /**
   * Alert webhooks: one POST's timeout, tries per delivery, the first retry's wait (doubled for
   * each next one, up to a minute), and how many deliveries may wait (the oldest go past it)
   */
  alertWebhooks: { timeoutMs: number; attempts: number; backoffMs: number; maxQueue: number };
  /** the environment that `{ env: NAME }` secrets are read from */
  env: Record<string, string | undefined>;
};

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, value]) => value !== '')));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`invalid configuration: ${problems}`);
  }
  const values = parsed.data;
  return {
    port: values.PORT,
    host: values.HOST,
    databaseUrl: values.DATABASE_URL,
    dataDir: values.GROVE_DATA_DIR,
    adminKey: values.GROVE_ADMIN_KEY,
    secretKey: values.GROVE_SECRET_KEY,
    seed: values.GROVE_SEED === 'true',
    logLevel: values.GROVE_LOG_LEVEL,
    bodyLimitBytes: values.GROVE_BODY_LIMIT_BYTES,
    rateLimitPerMinute: values.GROVE_RATE_LIMIT_PER_MINUTE,
    staticDir: values.GROVE_STATIC_DIR,
    requestDeadlineMs: values.GROVE_REQUEST_DEADLINE_MS,
    devErrors: values.GROVE_DEV_ERRORS === 'true',
    shutdownDrainMs: values.GROVE_SHUTDOWN_DRAIN_MS,
    databaseTimeoutMs: values.GROVE_DB_TIMEOUT_MS,
    requestLogBufferRows: values.GROVE_REQUEST_LOG_BUFFER_ROWS,
    requestLogIntervalMs: values.GROVE_REQUEST_LOG_INTERVAL_MS,
    requestLogRetentionDays: values.GROVE_REQUEST_LOG_RETENTION_DAYS,
    metricsRetentionDays: values.GROVE_METRICS_RETENTION_DAYS,
    metricsBufferRows: values.GROVE_METRICS_BUFFER_ROWS,
    heartbeatMs: values.GROVE_HEARTBEAT_MS,
    telemetry: values.GROVE_TELEMETRY === 'on',
    demoTraffic: values.GROVE_DEMO_TRAFFIC === 'on',
    alertWebhooks: {
      timeoutMs: values.GROVE_ALERT_WEBHOOK_TIMEOUT_MS,
      attempts: values.GROVE_ALERT_WEBHOOK_ATTEMPTS,
      backoffMs: values.GROVE_ALERT_WEBHOOK_BACKOFF_MS,
      maxQueue: values.GROVE_ALERT_WEBHOOK_QUEUE,
    },
    env,
  };
}
