import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { DatabaseHandle } from '../db/client';
import { changeVersion } from '../db/schema';
import type { KeyStore } from './auth/keys';
import type { Logger } from './logger';
import type { Registry } from './registry/registry';

const CHANNEL = 'grove_registry';
/** How often an instance checks the database's change version, to heal notices it never got. */
const CHECK_INTERVAL_MS = 1_000;

/**
 * Several instances on one PostgreSQL: a change made through one reaches the others' snapshots.
 *
 * A notice is `<instance id> <change version>`. The id lets an instance skip its own notices (its
 * snapshot has the change already; a process id would not tell instances apart: pid 1 in every
 * container). The version is the database's change counter (bumped by a trigger in the writing
 * transaction, db/migrations/0001): an instance remembers the version its snapshots include and
 * reloads both snapshots whenever it sees a newer one — in a notice, after every reconnection of
 * its LISTEN connection (notices sent while it was down are lost), and in a check every second that
 * also heals a notice lost any other way (a sender whose NOTIFY failed after its commit).
 */
export async function syncWithPeers(input: { database: DatabaseHandle; registry: Registry; keys: KeyStore; logger: Logger }): Promise<{ stop(): void }> {
  const { database, registry, keys, logger } = input;
  const { listen, notify } = database;
  if (!listen || !notify) return { stop() {} };
  const instanceId = randomUUID();
  const readVersion = async () => {
    const [row] = await database.db.select({ version: changeVersion.version }).from(changeVersion).where(eq(changeVersion.id, 1));
    return row?.version ?? 0n;
  };

  /** the change version both snapshots include (they may include more) */
  let loaded = -1n;
  // The version is read before the snapshots: they are then at least as new as it says.
  const reload = async () => {
    const version = await readVersion();
    await Promise.all([registry.load(), keys.load()]);
    if (version > loaded) loaded = version;
  };
  const reloadIfBehind = async () => {
    if ((await readVersion()) > loaded) await reload();
  };
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
      if (version !== undefined && /^\d+$/.test(version) && BigInt(version) <= loaded) return;
      reload().catch(failed('reload after a peer change'));
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
