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
    env,
  };
}
