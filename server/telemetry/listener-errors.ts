import type { GroveEvent } from '../events';
import type { Logger } from '../logger';

/**
 * Event consumers that throw: counted (Prometheus shows the count) and logged, at most one line
 * per `intervalMs` with how many were left out since, so that a consumer failing on every request
 * cannot flood the log.
 */
export class ListenerErrors {
  count = 0;
  private lastLoggedAt = Number.NEGATIVE_INFINITY;
  private unlogged = 0;

  constructor(
    private readonly logger: Logger,
    private readonly intervalMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  readonly report = (error: unknown, event: GroveEvent): void => {
    this.count += 1;
    const now = this.now();
    if (now - this.lastLoggedAt < this.intervalMs) {
      this.unlogged += 1;
      return;
    }
    this.logger.error({ err: error, eventType: event.type, notLoggedSince: this.unlogged }, 'an event consumer failed; the other consumers got the event');
    this.lastLoggedAt = now;
    this.unlogged = 0;
  };
}
