import { setTimeout as delay } from 'node:timers/promises';
import type { DatabaseHandle } from '../../db/client';
import type { Logger } from '../logger';
import type { Alerts } from './alerts';
import { ANNOUNCE_MS, parseFleetMessage, type FleetAlertMessage } from './fleet-alerts';

const CHANNEL = 'grove_alerts';
/** PostgreSQL refuses a NOTIFY payload of 8000 bytes or more */
const MAX_PAYLOAD_BYTES = 7_900;

/**
 * Several instances on one PostgreSQL: each judges its own traffic, and tells the others what fires
 * on it — on every change and every ANNOUNCE_MS, which also heals a notice lost while a LISTEN
 * connection was down — so that `alerts.list` on any instance shows where each rule fires, and its
 * bus carries the peers' fires and resolves (marked `peerInstance`: their webhooks are theirs to
 * send). On stop, it says that nothing fires here any more. PGlite has no peers: nothing to do.
 */
export async function syncAlerts(input: { database: Pick<DatabaseHandle, 'listen' | 'notify'>; alerts: Alerts; logger: Logger }): Promise<{ stop(): Promise<void> }> {
  const { database, alerts, logger } = input;
  const { listen, notify } = database;
  if (!listen || !notify) return { stop: async () => {} };

  let failures = 0;
  const send = (message: FleetAlertMessage) => {
    const payload = fitted(message);
    return notify(CHANNEL, payload).catch((error: unknown) => {
      // the database may be down: the next announcement (or change) tries again
      if (failures++ === 0) logger.warn({ err: error }, 'could not tell peers about alerts');
    });
  };
  alerts.onAnnounce((message) => void send(message).then(() => (failures = 0)));

  await listen(CHANNEL, (payload) => {
    const message = parseFleetMessage(payload);
    if (message) alerts.receivePeer(message);
  });
  const timer = setInterval(() => void send(alerts.message()), ANNOUNCE_MS);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      alerts.onAnnounce(() => {});
      // at most a second: a database that is down must not hold up the shutdown (peers then
      // forget this instance PEER_TTL_MS after its last announcement)
      await Promise.race([send({ instance: alerts.instanceId, at: Date.now(), firing: [], transitions: [] }), delay(1_000, undefined, { ref: false })]);
    },
  };
}

/**
 * The message as JSON under PostgreSQL's limit: hundreds of changes in one second would not fit, so
 * the transitions go first (the firing set, which the next announcement repeats, is what counts).
 */
function fitted(message: FleetAlertMessage): string {
  const payload = JSON.stringify(message);
  if (Buffer.byteLength(payload) < MAX_PAYLOAD_BYTES) return payload;
  const firing = [...message.firing];
  let smaller = JSON.stringify({ ...message, transitions: [] });
  while (Buffer.byteLength(smaller) >= MAX_PAYLOAD_BYTES && firing.length > 0) {
    firing.length = Math.floor(firing.length / 2);
    smaller = JSON.stringify({ ...message, firing, transitions: [] });
  }
  return smaller;
}
