import { z } from 'zod';
import { ALERT_METRICS } from '../../shared/alerts';
import type { AlertEvent } from './evaluate';

/**
 * What an instance tells its peers (PostgreSQL NOTIFY, server/alerts/alert-sync.ts): every rule
 * that fires on its traffic now, and what changed since it last spoke. Sent on each change and
 * every ANNOUNCE_MS, so that a peer that missed a notice (its LISTEN connection was down) is right
 * again within that time.
 */
export interface FleetAlertMessage {
  instance: string;
  at: number;
  firing: Array<{ alertId: string; value: number | null; since: number }>;
  transitions: AlertEvent[];
}

export const ANNOUNCE_MS = 10_000;
/** A peer not heard from for this long is gone (stopped, or cut off): its alerts are no longer shown. */
export const PEER_TTL_MS = 3 * ANNOUNCE_MS;

const transitionSchema = z.object({
  type: z.enum(['alert.fired', 'alert.resolved']),
  at: z.number(),
  alertId: z.string(),
  metric: z.enum(ALERT_METRICS),
  modelId: z.string().optional(),
  value: z.number().nullable(),
  threshold: z.number(),
});

const messageSchema = z.object({
  instance: z.string().min(1).max(100),
  at: z.number(),
  firing: z.array(z.object({ alertId: z.string(), value: z.number().nullable(), since: z.number() })).max(10_000),
  transitions: z.array(transitionSchema).max(10_000),
});

/** A notice's payload, or undefined when it is not one (another version, another program on the channel). */
export function parseFleetMessage(payload: string): FleetAlertMessage | undefined {
  try {
    const parsed = messageSchema.safeParse(JSON.parse(payload));
    return parsed.success ? (parsed.data as FleetAlertMessage) : undefined;
  } catch {
    return undefined;
  }
}

/** The peers' firing rules as they last said, forgotten PEER_TTL_MS after they last spoke. Pure: given the time. */
export class FleetAlerts {
  private readonly peers = new Map<string, { heardAt: number; firing: FleetAlertMessage['firing'] }>();

  receive(message: FleetAlertMessage, now: number): void {
    if (message.firing.length === 0) this.peers.delete(message.instance);
    else this.peers.set(message.instance, { heardAt: now, firing: message.firing });
  }

  /** By rule id: the peers where it fires. */
  firing(now: number): Map<string, Array<{ instance: string; value: number | null; since: string }>> {
    const byRule = new Map<string, Array<{ instance: string; value: number | null; since: string }>>();
    for (const [instance, peer] of this.peers) {
      if (now - peer.heardAt > PEER_TTL_MS) {
        this.peers.delete(instance);
        continue;
      }
      for (const entry of peer.firing) {
        const list = byRule.get(entry.alertId) ?? byRule.set(entry.alertId, []).get(entry.alertId)!;
        list.push({ instance, value: entry.value, since: new Date(entry.since).toISOString() });
      }
    }
    for (const list of byRule.values()) list.sort((a, b) => (a.instance < b.instance ? -1 : 1));
    return byRule;
  }
}
