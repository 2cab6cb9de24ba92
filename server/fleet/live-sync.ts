import type { DatabaseHandle } from '../../db/client';
import type { Logger } from '../logger';
import type { Telemetry } from '../telemetry/telemetry';
import { encodeLiveSecond, LIVE_CHANNEL, parseLiveSecond, type ModelSecond } from './live-seconds';

/**
 * Several instances on one PostgreSQL: each publishes every second it counted (NOTIFY on
 * LIVE_CHANNEL, ./live-seconds.ts) and adds the others' to its live figures, so that the console's
 * live charts, `metrics.live` and `metrics.liveFeed` show the fleet on whichever instance answers.
 * PGlite has no peers: nothing to do.
 */
export async function shareLiveSeconds(input: { database: Pick<DatabaseHandle, 'listen' | 'notify'>; telemetry: Telemetry; instanceId: string; logger: Logger }): Promise<{ stop(): void }> {
  const { database, telemetry, instanceId, logger } = input;
  const { listen, notify } = database;
  if (!listen || !notify || !telemetry.options.enabled) return { stop() {} };

  let sending = false;
  let stopped = false;
  let failing = false;
  let skipped = 0;
  const send = async (payloads: string[]) => {
    // one after the other: PostgreSQL delivers one session's notices in commit order, and the
    // receivers take the last part as the end of the second
    for (const payload of payloads) await notify(LIVE_CHANNEL, payload);
  };
  telemetry.shareSeconds({
    publish(second: number, models: ModelSecond[]) {
      if (stopped) return;
      // the last second is still on its way (the database is slow or down): this one is not
      // sent; the peers stop waiting for it at their next tick, and their range queries count it anyway
      if (sending) {
        skipped++;
        return;
      }
      sending = true;
      send(encodeLiveSecond(instanceId, second, models))
        .then(() => {
          if (failing || skipped > 0) logger.info({ skippedSeconds: skipped }, 'live figures reach the fleet again');
          failing = false;
          skipped = 0;
        })
        .catch((error: unknown) => {
          if (!failing) logger.warn({ err: error }, 'could not send live figures to the fleet; peers show this instance again when the database answers');
          failing = true;
        })
        .finally(() => (sending = false));
    },
  });

  await listen(LIVE_CHANNEL, (payload) => {
    const message = parseLiveSecond(payload, instanceId);
    if (message) telemetry.receivePeerSecond(message);
  });
  return {
    stop() {
      stopped = true;
    },
  };
}
