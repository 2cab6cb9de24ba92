import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../server/config';
import { createLogger, type Logger } from '../../server/logger';
import { createCaller } from '../../server/router';
import { createServices, type Services } from '../../server/services';
import { freshPostgresDatabase } from './database';

export const ADMIN_KEY = 'grove_test_admin_key_0123456789';

export interface TestServices {
  services: Services;
  /** a tRPC caller authenticated as the bootstrap admin */
  admin: ReturnType<typeof createCaller>;
  callerFor(key: string | undefined): ReturnType<typeof createCaller>;
  config: ReturnType<typeof loadConfig>;
  close(): Promise<void>;
}

/** Real services on a real database (in-memory PGlite, or a fresh PostgreSQL database). */
/** `logger`: where the services log (a test that reads the log passes its own); silent otherwise. */
export async function startTestServices(options: { driver?: 'pglite' | 'postgres'; seed?: boolean; env?: Record<string, string>; logger?: Logger } = {}): Promise<TestServices> {
  const dataDir = mkdtempSync(join(tmpdir(), 'grove-test-'));
  const postgres = options.driver === 'postgres' ? await freshPostgresDatabase() : undefined;
  const config = loadConfig({
    GROVE_ADMIN_KEY: ADMIN_KEY,
    GROVE_SECRET_KEY: 'test-secret-key-0123456789',
    GROVE_DATA_DIR: postgres ? dataDir : 'memory://',
    GROVE_SEED: options.seed ? 'true' : 'false',
    GROVE_LOG_LEVEL: 'silent',
    // the living demo only where a test asks for it: its requests would change every figure
    GROVE_DEMO_TRAFFIC: 'off',
    ...(postgres ? { DATABASE_URL: postgres.url } : {}),
    ...options.env,
  });
  let services;
  try {
    ({ services } = await createServices(config, options.logger ?? createLogger('silent')));
  } catch (error) {
    // a start that fails (some tests expect it to) leaves no database and no folder behind
    await postgres?.drop();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const callerFor = (key: string | undefined) => createCaller({ services, principal: services.keys.authenticate(key), requestId: 'test' });
  return {
    services,
    config,
    admin: callerFor(ADMIN_KEY),
    callerFor,
    async close() {
      try {
        await services.close();
      } finally {
        // also when closing fails (a test closed the services itself): nothing is left behind
        await postgres?.drop();
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}
