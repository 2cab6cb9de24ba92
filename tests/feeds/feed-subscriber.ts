import type { EventsFeedItem, LiveFeedItem } from '../../shared/feeds';
import { waitFor } from '../support/wait-for';
import { codeOf, wsClientFor } from '../support/ws-client';

type Client = ReturnType<typeof wsClientFor>['client'];
export interface Received<T> {
  id: string;
  data: T;
}

/**
 * A subscription to one of the live feeds over a real ws connection, collecting what arrives:
 * `ended` resolves with the error code it ended with, or 'completed'.
 */
export function subscribeFeed<K extends 'events' | 'ticks'>(client: Client, feed: K, input: { lastEventId?: string; recent?: number } = {}) {
  type Item = K extends 'events' ? EventsFeedItem : LiveFeedItem;
  const items: Array<Received<Item> & { receivedAt: number }> = [];
  let started!: () => void;
  const ready = new Promise<void>((resolve) => (started = resolve));
  let unsubscribe = () => {};
  const ended = new Promise<string>((resolve) => {
    const handlers = {
      onStarted: () => started(),
      onData: (item: Received<Item>) => items.push({ ...item, receivedAt: Date.now() }),
      onError: (error: unknown) => resolve(codeOf(error)),
      onComplete: () => resolve('completed'),
    };
    const subscription = feed === 'events' ? client.events.feed.subscribe(input, handlers as never) : client.metrics.liveFeed.subscribe(input, handlers as never);
    unsubscribe = () => subscription.unsubscribe();
  });
  return {
    items,
    ready,
    ended,
    unsubscribe,
    lastId: () => items.at(-1)?.id,
    /** waits until an item matching `match` has arrived, and returns it */
    async waitForItem(match: (item: Item) => boolean, what: string, timeoutMs = 10_000): Promise<Item> {
      await waitFor(() => items.some((item) => match(item.data)), { timeoutMs, what });
      return items.find((item) => match(item.data))!.data;
    },
  };
}
