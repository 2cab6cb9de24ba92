import './v8-flags';
import { buildApp } from './app';
import { loadConfig } from './config';
import { createLogger } from './logger';
import { createServices } from './services';

const config = loadConfig();
const logger = createLogger(config.logLevel);
const { services, report } = await createServices(config, logger);
const app = await buildApp(services);
const address = await app.listen({ port: config.port, host: config.host });

if (report.generatedAdminKey) {
  // Printed once, to the terminal, on the first start with an empty database; only its hash is stored.
  process.stdout.write(`\n  Grove generated an admin key (shown only this once):\n\n    ${report.generatedAdminKey}\n\n  Log in to the console with it, or set GROVE_ADMIN_KEY.\n\n`);
}
logger.info({ address, driver: services.database.driver, models: services.registry.snapshot.models.length, seeded: report.seeded }, 'grove listening');
process.stdout.write(`Grove ${services.version} listening on ${address} (${services.database.driver})\n`);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down: finishing in-flight requests and subscriptions');
  // app.close() lets subscriptions drain for config.shutdownDrainMs (then ends them), tells ws
  // clients to reconnect, and lets HTTP requests finish; past this margin, the exit is forced
  const force = setTimeout(() => process.exit(1), config.shutdownDrainMs + 5_000);
  force.unref();
  try {
    await app.close();
    await services.close();
    logger.flush();
    process.exit(0);
  } catch (error) {
    logger.error({ err: error }, 'shutdown failed');
    process.exit(1);
  }
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
