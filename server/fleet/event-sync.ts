import { z } from 'zod';
import type { DatabaseHandle } from '../../db/client';
import { feedEventSchema, type FeedEvent } from '../../shared/feeds';
import { EVENTS_FEED_CAPACITY, toFeedEvent, type LiveFeeds } from '../feeds/live-feeds';
import type { Logger } from '../logger';
import type { CircuitChanged, Failover, ModelChanged, PolicyChanged } from '../events';

/** What an instance tells its peers: its own failovers, circuit changes and registry changes (alerts go by server/alerts/alert-sync.ts). */
export type SharedEvent = Failover | CircuitChanged | ModelChanged | PolicyChanged;

const CHANNEL = 'grove_events';
/** PostgreSQL refuses a NOTIFY payload of 8000 bytes or more */
const MAX_PAYLOAD_BYTES = 7_900;
/** events are sent in batches this often, so that a burst (a 10,000-model apply) is a few notices */
const FLUSH_MS = 250;

const messageSchema = z.object({ instance: z.string().min(1).max(100), events: z.array(feedEventSchema).max(1_000) });

/**
 * Several instances on one PostgreSQL: the live events feed (`events.feed`, the console's event
 * list) is the fleet's. Each instance sends its own failovers, circuit changes and model and policy
 * changes to the others in batches (NOTIFY on `grove_events`); a receiver adds them to its feed
 * marked with `peerInstance`, and to nothing else: they are not its events (its log, figures and
 * webhooks are its own traffic's). A batch keeps the newest EVENTS_FEED_CAPACITY events, what a
 * feed holds anyway; one that cannot be sent (the database is down) is dropped, as a notice sent
 * while a peer's LISTEN connection is down is. PGlite has no peers: nothing to do.
 */
export class EventSharing {
  private queue: FeedEvent[] = [];
  private timer: NodeJS.Timeout | null = null;
  private sending: Promise<void> = Promise.resolve();
  private failing = false;
  private stopped = false;

  constructor(
    private readonly notify: (channel: string, payload: string) => Promise<void>,
    private readonly instanceId: string,
    private readonly logger: Logger,
  ) {}

  /** Called from the event bus: only queues. */
  share(event: SharedEvent): void {
    if (this.stopped) return;
    this.queue.push(toFeedEvent(event));
    // trimmed in one go once it holds twice what is kept: one splice per event of a 10,000-event burst shifted the whole queue each time
    if (this.queue.length >= 2 * EVENTS_FEED_CAPACITY) this.queue.splice(0, this.queue.length - EVENTS_FEED_CAPACITY);
    if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), FLUSH_MS);
      this.timer.unref();
    }
  }

  /** Sends what is queued, in payloads under NOTIFY's bound, after the batch before it. */
  flush(): Promise<void> {
    this.timer = null;
    const events = this.queue.slice(-EVENTS_FEED_CAPACITY);
    this.queue = [];
    if (events.length === 0) return this.sending;
    const payloads = encodeEvents(this.instanceId, events);
    this.sending = this.sending.then(async () => {
      try {
        for (const payload of payloads) await this.notify(CHANNEL, payload);
        if (this.failing) this.logger.info('live events reach the fleet again');
        this.failing = false;
      } catch (error) {
        if (!this.failing) this.logger.warn({ err: error, events: events.length }, 'could not send live events to the fleet; they are missing from the peers\' event feeds');
        this.failing = true;
      }
    });
    return this.sending;
  }

  /** Sends what is queued and takes no more. */
  stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    return this.flush();
  }
}

/** Events as NOTIFY payloads `{ instance, events }`, each under MAX_PAYLOAD_BYTES; an event too large alone is left out. */
export function encodeEvents(instance: string, events: readonly FeedEvent[], maxBytes = MAX_PAYLOAD_BYTES): string[] {
  const head = `{"instance":${JSON.stringify(instance)},"events":[`;
  const room = maxBytes - Buffer.byteLength(head) - 2;
  const payloads: string[] = [];
  let group: string[] = [];
  let used = 0;
  for (const event of events) {
    const text = JSON.stringify(event);
    const size = Buffer.byteLength(text) + 1;
    if (size > room) continue;
    if (used + size > room) {
      payloads.push(`${head}${group.join(',')}]}`);
      group = [];
      used = 0;
    }
    group.push(text);
    used += size;
  }
  if (group.length > 0) payloads.push(`${head}${group.join(',')}]}`);
  return payloads;
}

/**
 * A notice's payload, or undefined when it is not one (another version, another program on the
 * channel) or is `ownInstance`'s: an instance hears its own notices too, and checking those (a
 * 10,000-model apply sends hundreds of events) would be work for nothing.
 */
export function parseEvents(payload: string, ownInstance?: string): { instance: string; events: FeedEvent[] } | undefined {
  try {
    const json: unknown = JSON.parse(payload);
    if (ownInstance !== undefined && (json as { instance?: unknown } | null)?.instance === ownInstance) return undefined;
    const parsed = messageSchema.safeParse(json);
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Adds the peers' events to this instance's feed as they arrive. */
export async function receivePeerEvents(input: { database: Pick<DatabaseHandle, 'listen'>; feeds: Pick<LiveFeeds, 'events'>; instanceId: string }): Promise<void> {
  const { database, feeds, instanceId } = input;
  if (!database.listen) return;
  await database.listen(CHANNEL, (payload) => {
    const message = parseEvents(payload, instanceId);
    if (!message) return;
    for (const event of message.events) {
      // an alert a peer forwards is already marked, and alert-sync brings it anyway
      if (event.type === 'alert.fired' || event.type === 'alert.resolved') continue;
      feeds.events.publish({ ...event, peerInstance: message.instance });
    }
  });
}
