import type { FeedEvent, LiveTick } from '../../shared/feeds';
import type { AlertFired, AlertResolved, CircuitChanged, Failover, MetricsTick, ModelChanged, PolicyChanged } from '../events';
import { EventFeed } from './event-feed';

/** How many events `events.feed` keeps for clients that reconnect. */
export const EVENTS_FEED_CAPACITY = 1_000;
/**
 * How many ticks `metrics.liveFeed` keeps: an hour, what the Monitoring page's live charts show, so
 * the page opens with the last hour (and a client that was away for minutes resumes without a gap).
 * A tick is its figures only, ~250 bytes of JSON a model: ten models' hour is ~9 MB, held here and
 * sent once to a Monitoring page that opens (docs/performance.md, "Console").
 */
export const TICKS_FEED_CAPACITY = 3_600;

export type FeedableEvent = Failover | CircuitChanged | ModelChanged | PolicyChanged | AlertFired | AlertResolved;

/**
 * The two feeds the live subscriptions follow, filled from the event bus (server/telemetry/wire-events.ts).
 * Items are put in their wire form once, when published, not once per follower.
 */
export class LiveFeeds {
  readonly events: EventFeed<FeedEvent>;
  readonly ticks: EventFeed<LiveTick>;

  constructor(instanceId: string, now: () => number = Date.now) {
    this.events = new EventFeed<FeedEvent>(instanceId, EVENTS_FEED_CAPACITY, now);
    this.ticks = new EventFeed<LiveTick>(instanceId, TICKS_FEED_CAPACITY, now);
  }

  publishEvent(event: FeedableEvent): void {
    this.events.publish(toFeedEvent(event));
  }

  publishTick(event: MetricsTick): void {
    this.ticks.publish(toLiveTick(event));
  }
}

export function toFeedEvent(event: FeedableEvent): FeedEvent {
  return { ...event, at: new Date(event.at).toISOString() };
}

export function toLiveTick(event: MetricsTick): LiveTick {
  return { type: 'metrics.tick', at: new Date(event.at).toISOString(), second: new Date(event.second).toISOString(), instances: event.instances, overall: event.overall, models: event.models };
}
