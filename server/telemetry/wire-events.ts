import type { AlertFired, AlertResolved, CircuitChanged, EventBus, GroveEvent, MetricsTick, RequestCompleted } from '../events';
import type { FeedableEvent, LiveFeeds } from '../feeds/live-feeds';
import type { Logger } from '../logger';
import type { MetricsAggregator } from './aggregator';
import type { SharedEvent } from '../fleet/event-sync';

/** Who consumes the bus's events. */
export interface EventConsumers {
  logger: Logger;
  requestLog: { enqueue(event: RequestCompleted): void };
  /** absent when telemetry is off (GROVE_TELEMETRY=off, to measure its cost) */
  metrics?: Pick<MetricsAggregator, 'recordRequest' | 'recordCircuit'>;
  /** circuit changes stored for the failover timeline (server/telemetry/circuit-log.ts) */
  circuits?: { record(event: CircuitChanged): void };
  /** the alert webhooks (server/alerts/alerts.ts): queued, never sent on the emitter's turn */
  alerts?: { notify(event: AlertFired | AlertResolved): void };
  /** what the live subscriptions follow (events.feed, metrics.liveFeed) */
  feeds: Pick<LiveFeeds, 'publishEvent' | 'publishTick'>;
  /** the fleet's other instances' event feeds (server/fleet/event-sync.ts): absent on the embedded database */
  peers?: { share(event: SharedEvent): void };
}

/**
 * The one place where events meet their consumers: an exhaustive switch over the event type, so
 * that a new event does not compile until someone decided who hears it. Each consumer is called
 * on its own, so one that throws (reported through `report`) keeps none of the others from the
 * event, and the producer never sees the error.
 */
export function wireEvents(bus: EventBus, consumers: EventConsumers, report: (error: unknown, event: GroveEvent) => void): () => void {
  const { logger, requestLog, metrics, circuits, alerts, feeds, peers } = consumers;
  const enqueueLog = (event: RequestCompleted) => requestLog.enqueue(event);
  const countRequest = metrics ? (event: RequestCompleted) => metrics.recordRequest(event) : undefined;
  const countCircuit = metrics ? (event: CircuitChanged) => metrics.recordCircuit(event) : undefined;
  const logCircuit = (event: CircuitChanged) => logger.warn(event, 'circuit changed');
  const storeCircuit = circuits ? (event: CircuitChanged) => circuits.record(event) : undefined;
  const logDebug = (event: GroveEvent) => logger.debug(event, event.type);
  // a peer's alert was that peer's to send
  const notifyAlert = alerts
    ? (event: AlertFired | AlertResolved) => {
        if (event.peerInstance === undefined) alerts.notify(event);
      }
    : undefined;
  const logAlert = (event: AlertFired | AlertResolved) => logger.warn(event, event.type === 'alert.fired' ? 'alert fired' : 'alert resolved');
  const feedEvent = (event: FeedableEvent) => feeds.publishEvent(event);
  const feedTick = (event: MetricsTick) => feeds.publishTick(event);
  const tellPeers = peers ? (event: SharedEvent) => peers.share(event) : undefined;

  function deliver<E extends GroveEvent>(consume: (event: E) => void, event: E): void {
    try {
      consume(event);
    } catch (error) {
      report(error, event);
    }
  }

  return bus.on((event) => {
    switch (event.type) {
      case 'request.completed':
        if (countRequest) deliver(countRequest, event);
        deliver(enqueueLog, event);
        return;
      case 'circuit.changed':
        if (countCircuit) deliver(countCircuit, event);
        if (storeCircuit) deliver(storeCircuit, event);
        deliver(logCircuit, event);
        deliver(feedEvent, event);
        if (tellPeers) deliver(tellPeers, event);
        return;
      // the webhook (queued, sent off this turn), the live events feed, and a line an operator can grep for
      case 'alert.fired':
      case 'alert.resolved':
        if (notifyAlert) deliver(notifyAlert, event);
        deliver(feedEvent, event);
        deliver(logAlert, event);
        return;
      // told as they happen, on the live events feed (the fleet's); the figures come from request.completed
      case 'failover':
      case 'model.changed':
      case 'policy.changed':
        deliver(feedEvent, event);
        if (tellPeers) deliver(tellPeers, event);
        deliver(logDebug, event);
        return;
      // one per failed call: the failover (or the request's outcome) tells the feed, this only the debug log
      case 'attempt.failed':
        deliver(logDebug, event);
        return;
      // every second, for live subscribers
      case 'metrics.tick':
        deliver(feedTick, event);
        return;
      default:
        return unhandled(event);
    }
  });
}

/** Compiles only when every event type has its case above. */
function unhandled(event: never): never {
  throw new Error(`no consumer decided for event ${(event as GroveEvent).type}`);
}
