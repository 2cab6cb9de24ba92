import './v8-flags';
import { buildApp } from './app';
import { loadConfig } from './config';
import { createLogger } from './logger';
import { createServices } from './services';

const config = loadConfig();
const logger = createLogger(config.logLevel);
const { services, report } = await createServices(config, logger);
// The embedded database runs on a thread of its own. Should that thread die, nothing can be read or
// written any more: say so and end, for whoever supervises the process to start it again, rather
// than serve errors (or wait) for ever.
services.database.onFailure?.((error) => {
  logger.fatal({ err: error }, 'the embedded database stopped: Grove cannot go on without it and exits');
  logger.flush();
  process.exit(1);
});
const app = await buildApp(services);
const address = await app.listen({ port: config.port, host: config.host });

// Before saying it listens: a supervisor may send SIGTERM the moment it reads that line, and a
// signal that arrives before its handler ends the process at once, with nothing drained.
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

if (report.generatedAdminKey) {
  // Printed once, to the terminal, on the first start with an empty database; only its hash is stored.
  process.stdout.write(`\n  Grove generated an admin key (shown only this once):\n\n    ${report.generatedAdminKey}\n\n  Log in to the console with it, or set GROVE_ADMIN_KEY.\n\n`);
}
logger.info({ address, driver: services.database.driver, models: services.registry.snapshot.models.length, seeded: report.seeded }, 'grove listening');
process.stdout.write(`Grove ${services.version} listening on ${address} (${services.database.driver})\n`);

