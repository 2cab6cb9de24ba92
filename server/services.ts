import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { openDatabase, type DatabaseHandle } from '../db/client';
import { projectPath } from '../db/paths';
import { KeyStore } from './auth/keys';
import { EventBus } from './events';
import { Gateway } from './gateway/gateway';
import { logDemoMode } from './gateway/demo-mode-log';
import { databaseSink } from './gateway/log-sink';
import { RequestLogWriter } from './gateway/request-log';
import type { Config } from './config';
import type { Logger } from './logger';
import { syncWithPeers } from './peer-sync';
import { Registry } from './registry/registry';
import { listAudit, writeAudit, type AuditRow } from './registry/repository';
import { createSecretBox, loadSecretKey } from './secrets';
import { seedDemo } from './seed';
import { SubscriptionDrain } from './subscription-drain';

/** Everything a request handler may use, built once at start. */
export interface Services {
  config: Config;
  logger: Logger;
  database: DatabaseHandle;
  registry: Registry;
  keys: KeyStore;
  events: EventBus;
  gateway: Gateway;
  requestLog: RequestLogWriter;
  /** the running subscriptions that shutdown lets finish (server/app.ts) */
  subscriptions: SubscriptionDrain;
  version: string;
  startedAt: string;
  audit(actor: string, action: string, detail?: unknown): Promise<void>;
  listAudit(limit: number): Promise<AuditRow[]>;
  close(): Promise<void>;
}

export interface StartupReport {
  /** the admin key generated on the first start with an empty database: printed once, never stored */
  generatedAdminKey?: string;
  seeded: boolean;
}

export async function createServices(config: Config, logger: Logger): Promise<{ services: Services; report: StartupReport }> {
  // GROVE_DATA_DIR=memory:// keeps the embedded database in memory (tests, throwaway demos).
  const inMemory = config.dataDir === 'memory://';
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.databaseUrl || inMemory ? undefined : config.dataDir, timeoutMs: config.databaseTimeoutMs });
  // in memory, nothing outlives the process: neither may the key its secrets are encrypted with
  const box = createSecretBox(inMemory && !config.secretKey ? randomBytes(32) : loadSecretKey(config.secretKey, config.dataDir));
  const registry = new Registry(database.db, box, config.env);
  const keys = new KeyStore(database.db);
  await registry.load();
  await keys.load();

  const report: StartupReport = { seeded: false };
  const emptyKeys = (await keys.count()) === 0;
  if (config.adminKey) await keys.ensure(config.adminKey, 'bootstrap admin (GROVE_ADMIN_KEY)', ['admin']);
  else if (emptyKeys) report.generatedAdminKey = (await keys.create({ name: 'bootstrap admin', scopes: ['admin'] })).key;
  if (config.seed && registry.snapshot.models.length === 0 && emptyKeys) {
    await seedDemo(registry);
    report.seeded = true;
  }

  // Several instances on one PostgreSQL: a change made by one reaches the others' snapshots.
  const peers = await syncWithPeers({ database, registry, keys, logger });

  const events = new EventBus();
  const gateway = new Gateway(registry, events, { deadlineMs: config.requestDeadlineMs, defaultRateLimitPerMinute: config.rateLimitPerMinute });
  const requestLog = new RequestLogWriter(databaseSink(database), logger, { maxQueue: config.requestLogBufferRows });
  logDemoMode(registry, gateway, logger);
  events.on((event) => {
    if (event.type === 'request.completed') requestLog.enqueue(event);
    else logger.warn(event, 'circuit changed');
  });

  const services: Services = {
    config,
    logger,
    database,
    registry,
    keys,
    events,
    gateway,
    requestLog,
    subscriptions: new SubscriptionDrain(),
    version: packageVersion(),
    startedAt: new Date().toISOString(),
    audit: (actor, action, detail) => writeAudit(database.db, { actor, action, detail }),
    listAudit: (limit) => listAudit(database.db, limit),
    async close() {
      peers.stop();
      await requestLog.flush();
      await database.close();
    },
  };
  return { services, report };
}

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(projectPath('package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}
