import { TRPCError } from '@trpc/server';

interface Running {
  /** rejects the subscription's pending step: it ends with this error */
  end(error: TRPCError): void;
  finished: Promise<void>;
  /** a feed that never finishes by itself: ended as soon as shutdown begins */
  endless: boolean;
}

export interface TrackOptions {
  /**
   * The subscription follows a feed and never finishes by itself (events.feed, metrics.liveFeed):
   * shutdown ends it at once with "server shutting down" rather than waiting the whole deadline
   * for it. Its client resubscribes elsewhere with its lastEventId.
   */
  endless?: boolean;
}

function shuttingDown(): TRPCError {
  return new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: 'server shutting down: retry on another instance' });
}

/**
 * The subscriptions that finish on their own (a streamed completion), tracked so that shutdown
 * lets them finish instead of cutting their sockets: from `close` on, new ones are refused with
 * SERVICE_UNAVAILABLE "server shutting down"; running ones have until the deadline, after which
 * they end with that error, which the client library reports as the subscription's error.
 */
export class SubscriptionDrain {
  private readonly running = new Set<Running>();
  private closing = false;

  get size(): number {
    return this.running.size;
  }

  /**
   * Wraps a subscription's events. The source is not started when the server is shutting down;
   * `cancel` stops its work (an upstream call) when the deadline ends it.
   */
  track<T>(source: AsyncGenerator<T, unknown>, cancel: () => void = () => {}, options: TrackOptions = {}): AsyncGenerator<T, void> {
    return this.iterate(source, cancel, options.endless ?? false);
  }

  private async *iterate<T>(source: AsyncGenerator<T, unknown>, cancel: () => void, endless: boolean): AsyncGenerator<T, void> {
    if (this.closing) {
      await source.return(undefined);
      throw shuttingDown();
    }
    let reject!: (error: TRPCError) => void;
    const ended = new Promise<never>((_resolve, rejectEnded) => (reject = rejectEnded));
    ended.catch(() => {});
    let markFinished!: () => void;
    const end = (error: TRPCError) => {
      reject(error);
      cancel();
    };
    const entry: Running = { end, finished: new Promise((resolve) => (markFinished = resolve)), endless };
    this.running.add(entry);
    try {
      for (;;) {
        const step = await Promise.race([source.next(), ended]);
        if (step.done) return;
        yield step.value;
      }
    } finally {
      this.running.delete(entry);
      markFinished();
      // Not awaited: when the deadline ended it, the source may still be settling its cancelled
      // upstream call, and the error must reach the client now.
      source.return(undefined).catch(() => {});
    }
  }

  /**
   * Refuses new subscriptions, ends the endless ones (feeds) at once, waits up to `deadlineMs` for
   * the others to finish, then ends the rest with "server shutting down". Resolves once every one has ended and its last message
   * (the completion or the error) has been handed to its socket, so the sockets may close after.
   */
  async close(deadlineMs: number): Promise<{ finished: number; ended: number }> {
    this.closing = true;
    const feeds = [...this.running].filter((entry) => entry.endless);
    for (const entry of feeds) entry.end(shuttingDown());
    await Promise.all(feeds.map((entry) => entry.finished));
    const running = [...this.running];
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'deadline'>((resolve) => (timer = setTimeout(resolve, deadlineMs, 'deadline')));
    await Promise.race([Promise.all(running.map((entry) => entry.finished)), deadline]);
    clearTimeout(timer);
    const remaining = [...this.running];
    for (const entry of remaining) entry.end(shuttingDown());
    await Promise.all(remaining.map((entry) => entry.finished));
    // tRPC sends a subscription's last message a few promise turns after its iterator settles:
    // one turn of the event loop lets every such message reach its socket before it closes.
    await new Promise((resolve) => setImmediate(resolve));
    return { finished: running.length - remaining.length, ended: feeds.length + remaining.length };
  }
}
