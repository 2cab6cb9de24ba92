import { tracked, type TrackedEnvelope } from '@trpc/server';
import type { FeedGap } from '../../shared/feeds';

export interface FollowOptions {
  /** resume after this id (what the tRPC client sends as lastEventId when it resubscribes) */
  lastEventId?: string | null;
  /** without lastEventId: start with up to this many of the newest buffered items */
  recent?: number;
}

/**
 * A bounded feed of items with increasing ids, for subscriptions that resume where they left off.
 * Items go into a ring of `capacity`; each follower is a cursor into it (no queue per follower),
 * so a follower reads every item after its cursor exactly once, in order: the backfill and the
 * live items come from the same ring, and nothing can fall between them or come twice. A follower
 * that falls a whole ring behind, or resumes from an id the ring no longer holds, is told so with
 * a `feed.gap` item first instead of silently skipping ahead.
 *
 * Ids are `<instance>-<sequence>`: the instance part is random per start, so an id from before a
 * restart or from another instance of a fleet is recognised as unknown rather than mistaken for
 * a position in this ring.
 */
export class EventFeed<T> {
  private readonly ring: Array<T | undefined>;
  /** the sequence number of the newest item; the first item is 1 */
  private newest = 0;
  private readonly waiting = new Set<() => void>();

  constructor(
    private readonly instanceId: string,
    readonly capacity: number,
    private readonly now: () => number = Date.now,
  ) {
    this.ring = new Array<T | undefined>(capacity);
  }

  /** Synchronous and O(followers waiting): called from the event bus. */
  publish(item: T): void {
    this.newest += 1;
    this.ring[this.newest % this.capacity] = item;
    const waiting = [...this.waiting];
    this.waiting.clear();
    for (const wake of waiting) wake();
  }

  /** The id of the newest item (what a client that saw everything would resume from). */
  get lastId(): string {
    return this.idOf(this.newest);
  }

  /**
   * The items after `lastEventId` (or the `recent` newest), then every new one as it is published,
   * until `signal` aborts. Each is yielded as tRPC's tracked envelope.
   */
  async *follow(options: FollowOptions, signal: AbortSignal): AsyncGenerator<TrackedEnvelope<T | FeedGap>, void> {
    let cursor: number;
    if (options.lastEventId == null) {
      cursor = Math.max(this.newest - (options.recent ?? 0), this.oldest - 1);
    } else {
      const resumeAfter = this.sequenceOf(options.lastEventId);
      if (resumeAfter !== undefined && resumeAfter >= this.oldest - 1) {
        cursor = resumeAfter;
      } else {
        cursor = this.oldest - 1;
        yield tracked(this.idOf(cursor), this.gap(options.lastEventId, resumeAfter === undefined ? 'unknown' : 'evicted'));
      }
    }
    while (!signal.aborted) {
      while (cursor < this.newest && !signal.aborted) {
        // lapped while the consumer was busy: the items it missed are overwritten
        if (cursor < this.oldest - 1) {
          const missedAfter = this.idOf(cursor);
          cursor = this.oldest - 1;
          yield tracked(this.idOf(cursor), this.gap(missedAfter, 'evicted'));
          continue;
        }
        cursor += 1;
        yield tracked(this.idOf(cursor), this.ring[cursor % this.capacity] as T);
      }
      if (!(await this.published(signal))) return;
    }
  }

  /** The oldest sequence number still in the ring (newest + 1 when it is empty). */
  private get oldest(): number {
    return Math.max(1, this.newest - this.capacity + 1);
  }

  private idOf(sequence: number): string {
    return `${this.instanceId}-${sequence}`;
  }

  /** The sequence number an id of this feed names, or undefined for one it never gave. */
  private sequenceOf(id: string): number | undefined {
    const dash = id.lastIndexOf('-');
    if (dash < 0 || id.slice(0, dash) !== this.instanceId) return undefined;
    const digits = id.slice(dash + 1);
    if (!/^\d{1,15}$/.test(digits)) return undefined;
    const sequence = Number(digits);
    return sequence <= this.newest ? sequence : undefined;
  }

  private gap(lastEventId: string, reason: FeedGap['reason']): FeedGap {
    const message =
      reason === 'evicted'
        ? `items after ${lastEventId} are no longer buffered (this feed keeps the last ${this.capacity}): some were missed; what follows is complete`
        : `${lastEventId} is not an id of this feed (another instance, an earlier start, or not an id): what came between is unknown; what follows is complete`;
    return { type: 'feed.gap', at: new Date(this.now()).toISOString(), lastEventId, reason, message };
  }

  /** Resolves true on the next publish, false when the signal aborts first. */
  private published(signal: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      const onAbort = () => {
        this.waiting.delete(wake);
        resolve(false);
      };
      const wake = () => {
        signal.removeEventListener('abort', onAbort);
        resolve(true);
      };
      if (signal.aborted) return resolve(false);
      this.waiting.add(wake);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
