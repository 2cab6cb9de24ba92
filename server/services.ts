import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { readFileSync } from 'node:fs';
import { openDatabase, type DatabaseHandle } from '../db/client';
import { projectPath } from '../db/paths';
import { KeyStore } from './auth/keys';
import { EventBus } from './events';
import { LiveFeeds } from './feeds/live-feeds';
import { Gateway } from './gateway/gateway';
import { logDemoMode } from './gateway/demo-mode-log';
import { DemoTraffic } from './gateway/demo-traffic';
import { databaseSink } from './gateway/log-sink';
import { RequestLogWriter } from './gateway/request-log';
import type { Config } from './config';
import type { Logger } from './logger';
import { syncAlerts } from './alerts/alert-sync';
import { Alerts } from './alerts/alerts';
import { WebhookSender } from './alerts/webhook-sender';
import { Fleet } from './fleet/fleet';
import { shareLiveSeconds } from './fleet/live-sync';
import { EventSharing, receivePeerEvents } from './fleet/event-sync';
import { syncWithPeers } from './peer-sync';
import { Registry } from './registry/registry';
import { listAudit, writeAudit, type AuditRow } from './registry/repository';
import { createSecretBox, loadSecretKey } from './secrets';
import { seedDemo } from './seed';
import { SubscriptionDrain } from './subscription-drain';
import { emitObjectChanges } from './telemetry/object-changes';
import { ListenerErrors } from './telemetry/listener-errors';
import { Telemetry } from './telemetry/telemetry';
import { wireEvents } from './telemetry/wire-events';

/** Everything a request handler may use, built once at start. */
export interface Services {
  config: Config;
  logger: Logger;
  database: DatabaseHandle;
  registry: Registry;
  keys: KeyStore;
  events: EventBus;
  /** event consumers that threw, counted */
  listenerErrors: ListenerErrors;
  gateway: Gateway;
  requestLog: RequestLogWriter;
  /** live figures, metric history, retention */
  telemetry: Telemetry;
  /** the living demo's background traffic; absent when GROVE_DEMO_TRAFFIC=off */
  demoTraffic?: DemoTraffic;
  /** AlertRules' states, evaluated every second, and their webhooks */
  alerts: Alerts;
  webhooks: WebhookSender;
  /** what the live subscriptions follow: events.feed and metrics.liveFeed */
  feeds: LiveFeeds;
  /** the Grove processes on this database */
  fleet: Fleet;
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
  const keys = new KeyStore(database.db, logger);
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

  const listenerErrors = new ListenerErrors(logger);
  const events = new EventBus(listenerErrors.report);
  // this start of this process: in its heartbeat, in rollup rows, and in the ids of the live feeds
  const instanceId = randomBytes(6).toString('hex');
  const version = packageVersion();
  const startedAt = new Date().toISOString();
  // it publishes telemetry's unstored rows (made below) from its first beat, once started
  const fleet = new Fleet(database.db, logger, { instanceId, version, startedAt, heartbeatMs: config.heartbeatMs, unstored: () => telemetry.unstored() });
  const gateway = new Gateway(registry, events, { deadlineMs: config.requestDeadlineMs, defaultRateLimitPerMinute: config.rateLimitPerMinute, fleetSize: () => fleet.size() });
  registry.beforeSwap((snapshot, pause) => gateway.prepare(snapshot, pause));
  const requestLog = new RequestLogWriter(databaseSink(database), logger, { maxQueue: config.requestLogBufferRows, intervalMs: config.requestLogIntervalMs });
  logDemoMode(registry, gateway, logger);
  const webhooks = new WebhookSender({ ...config.alertWebhooks, maxBackoffMs: 60_000, concurrency: 8 }, logger, `grove/${version}`);
  // the same instance id as the fleet's: the alerts it tells its peers about are its own traffic's
  const alerts = new Alerts(registry, events, webhooks, instanceId);
  const feeds = new LiveFeeds(instanceId);
  const telemetry = new Telemetry(database, events, logger, {
    enabled: config.telemetry,
    metricsDays: config.metricsRetentionDays,
    requestLogDays: config.requestLogRetentionDays,
    bufferRows: config.metricsBufferRows,
    instanceId,
    alerts,
  });
  // on PostgreSQL, the fleet's instances tell each other their events (the console's event feed)
  const eventSharing = database.notify ? new EventSharing(database.notify, instanceId, logger) : undefined;
  wireEvents(events, { logger, requestLog, metrics: config.telemetry ? telemetry.aggregator : undefined, circuits: telemetry.circuits, alerts, feeds, peers: eventSharing }, listenerErrors.report);
  telemetry.start();
  keys.usage.start();
  await fleet.start();
  telemetry.addPeers(fleet);
  const alertPeers = await syncAlerts({ database, alerts, logger });
  const livePeers = await shareLiveSeconds({ database, telemetry, instanceId, logger });
  await receivePeerEvents({ database, feeds, instanceId });
  registry.onCommitted((changes, actor) => emitObjectChanges(events, changes, actor));
  // after the consumers are wired: its first requests are counted like any other
  const demoTraffic = config.demoTraffic ? new DemoTraffic(registry, gateway, logger) : undefined;

  const services: Services = {
    config,
    logger,
    database,
    registry,
    keys,
    events,
    listenerErrors,
    gateway,
    requestLog,
    telemetry,
    demoTraffic,
    alerts,
    webhooks,
    feeds,
    fleet,
    subscriptions: new SubscriptionDrain(),
    version,
    startedAt,
    audit: (actor, action, detail) => writeAudit(database.db, { actor, action, detail }),
    listAudit: (limit) => listAudit(database.db, limit),
    async close() {
      peers.stop();
      livePeers.stop();
      demoTraffic?.close();
      // at most a second: a database that is down must not hold up the shutdown
      await Promise.race([eventSharing?.stop(), delay(1_000, undefined, { ref: false })]);
      await alertPeers.stop();
      webhooks.close();
      await Promise.all([requestLog.flush(), telemetry.close(), keys.usage.close()]);
      // after telemetry stored its last rows: peers never see them twice
      await fleet.stop();
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
