import { randomUUID } from 'node:crypto';
import type { DatabaseHandle } from '../db/client';
import type { KeyStore } from './auth/keys';
import type { Logger } from './logger';
import type { Registry } from './registry/registry';
import { readChangeVersion } from './registry/repository';

const CHANNEL = 'grove_registry';
/** How often an instance checks the database's change version, to heal notices it never got. */
const CHECK_INTERVAL_MS = 1_000;

/**
 * Several instances on one PostgreSQL: a change made through one reaches the others' snapshots.
 *
 * A notice is `<instance id> <change version>`. The id lets an instance skip its own notices (its
 * snapshot has the change already; a process id would not tell instances apart: pid 1 in every
 * container). The version is the database's change counter (bumped by a trigger in the writing
 * transaction, db/migrations/0001): each snapshot knows the version it includes, and an instance
 * reloads a snapshot whenever it sees a newer version — in a notice, after every reconnection of
 * its LISTEN connection (notices sent while it was down are lost), and in a check every second that
 * also heals a notice lost any other way (a sender whose NOTIFY failed after its commit).
 */
export async function syncWithPeers(input: { database: DatabaseHandle; registry: Registry; keys: KeyStore; logger: Logger }): Promise<{ stop(): void }> {
  const { database, registry, keys, logger } = input;
  const { listen, notify } = database;
  if (!listen || !notify) return { stop() {} };
  const instanceId = randomUUID();
  const readVersion = () => readChangeVersion(database.db);

  // Each snapshot knows the version it includes (the registry reads it in the snapshot of the
  // database it loads from, the keys before theirs): a store is reloaded
  // only when the database is ahead of it. An instance's own change loads after its commit, so
  // neither its own notice nor the next check reads the whole registry again.
  keys.trackVersion(readVersion);
  const reload = () => Promise.all([registry.load(), keys.load()]).then(() => {});
  const reloadStale = async (version: bigint) => {
    await Promise.all([registry.catchUp(version), keys.loadedVersion < version ? keys.load() : undefined]);
  };
  const reloadIfBehind = async () => reloadStale(await readVersion());
  const failed = (what: string) => (error: unknown) => logger.error({ err: error }, `${what} failed`);

  await reload();
  const notifyPeers = () => {
    readVersion()
      .then((version) => notify(CHANNEL, `${instanceId} ${version}`))
      .catch(() => {});
  };
  registry.onChange(notifyPeers);
  keys.onChange(notifyPeers);

  let listening = false;
  await listen(
    CHANNEL,
    (payload) => {
      const [sender, version] = payload.split(' ');
      if (sender === instanceId) return;
      // a notice without a version (an older instance) cannot be placed: reload
      const change = version !== undefined && /^\d+$/.test(version) ? reloadStale(BigInt(version)) : reload();
      change.catch(failed('reload after a peer change'));
    },
    () => {
      // the first LISTEN follows the load above; any later one follows a reconnection
      if (listening) reload().catch(failed('reload after reconnecting'));
      else reloadIfBehind().catch(failed('change check'));
      listening = true;
    },
  );

  const timer = setInterval(() => {
    // the database may be down: the reconnection reloads then
    reloadIfBehind().catch(() => {});
  }, CHECK_INTERVAL_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
