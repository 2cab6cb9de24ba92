import type { FeedGap } from '../../../shared/feeds';
import { describeError } from '../api/errors';

/** What a tracked feed's `subscribe` takes and gives: `client.metrics.liveFeed.subscribe` and `client.events.feed.subscribe` fit. */
type Subscribe<Item> = (
  input: { lastEventId?: string | null; recent: number },
  observer: {
    onStarted: () => void;
    onData: (value: { id: string; data: Item | FeedGap }) => void;
    onError: (error: unknown) => void;
    onComplete: () => void;
    onConnectionStateChange: (state: { state: string; error: unknown }) => void;
  },
) => { unsubscribe(): void };

export interface FeedHandlers<Item> {
  item(item: Item): void;
  /** the feed could not resume exactly after the last item seen: what came between is unknown */
  gap(gap: FeedGap): void;
  /** the connection dropped or the subscription ended with an error; a retry is under way */
  trouble(message: string): void;
  /** the server took the subscription (again, after a reconnect): live, even before an item comes */
  started?(): void;
}

/** after a subscription ends with an error (the server restarting, draining, a timeout) */
export const RESUBSCRIBE_MS = 2_000;

/**
 * Follows a tracked feed until the returned stop is called. When the websocket drops, tRPC's ws
 * client reconnects by itself and resubscribes with the last id it saw, so the server replays what
 * was missed (the gap is backfilled). When the subscription itself ends (an error, or the server
 * ending it on shutdown), tRPC gives up; this subscribes again after a pause, from the last id too.
 * `recent` asks a first subscription for the newest buffered items, so a page opens with history.
 */
export function followFeed<Item>(subscribe: Subscribe<Item>, recent: number, handlers: FeedHandlers<Item>): () => void {
  let lastEventId: string | null = null;
  let stopped = false;
  let subscription: { unsubscribe(): void } | null = null;
  let retry: ReturnType<typeof setTimeout> | undefined;

  const again = () => {
    if (stopped) return;
    subscription?.unsubscribe();
    subscription = null;
    clearTimeout(retry);
    retry = setTimeout(start, RESUBSCRIBE_MS);
  };
  function start() {
    subscription = subscribe(lastEventId === null ? { recent } : { lastEventId, recent: 0 }, {
      onStarted: () => handlers.started?.(),
      onData: ({ id, data }) => {
        lastEventId = id;
        if (isGap(data)) handlers.gap(data);
        else handlers.item(data);
      },
      onError: (error) => {
        handlers.trouble(describeError(error));
        again();
      },
      onComplete: again,
      onConnectionStateChange: (state) => {
        if (state.state === 'connecting' && state.error) handlers.trouble(describeError(state.error));
      },
    });
  }
  start();
  return () => {
    stopped = true;
    clearTimeout(retry);
    subscription?.unsubscribe();
  };
}

function isGap(data: unknown): data is FeedGap {
  return typeof data === 'object' && data !== null && (data as { type?: unknown }).type === 'feed.gap';
}
