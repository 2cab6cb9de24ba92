import { useEffect, useSyncExternalStore } from 'react';
import { describeError } from '../api/errors';
import type { LiveTick } from '../../../shared/feeds';
import { canSubscribe, useTRPCClient, type ApiClient } from '../api/trpc';
import { followFeed } from './follow-feed';
import { HISTORY_SECONDS, LiveStore, type LiveSample, type LiveState } from './live-store';

/**
 * Twice a second for samples of one second: a poll's own delay drifts, and polling once a second
 * would skip a second now and then. The store keeps one sample per second however often it comes.
 */
export const POLL_MS = 500;

interface Shared {
  store: LiveStore;
  users: number;
  stop: (() => void) | null;
}

// one store and one source per API client, however many panels read it
const shared = new WeakMap<ApiClient, Shared>();

/** A tick of metrics.liveFeed as the second metrics.live would answer for it. */
export function tickToSample(tick: LiveTick): LiveSample {
  return { from: tick.second, to: new Date(Date.parse(tick.second) + 1_000).toISOString(), instances: tick.instances, overall: tick.overall, models: tick.models };
}

/**
 * The source with a ws: metrics.liveFeed, which opens with the last minute and, after a dropped
 * connection, replays the seconds missed (follow-feed.ts). A gap the server could not fill (it
 * restarted, or the id fell out of its buffer) leaves those seconds missing, never zero.
 */
function startFeed(client: ApiClient, store: LiveStore): () => void {
  return followFeed<LiveTick>((input, observer) => client.metrics.liveFeed.subscribe(input, observer), HISTORY_SECONDS, {
    item: (tick) => store.push([tickToSample(tick)], Date.now()),
    gap: () => undefined,
    trouble: (message) => store.fail(message),
  });
}

/**
 * The source without a ws (a console given only an HTTP URL): metrics.live for the last second,
 * polled. A failed poll marks the store reconnecting and the next one retries; the seconds missed
 * while it failed stay missing.
 */
function startPolling(client: ApiClient, store: LiveStore, everyMs: number): () => void {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const poll = async () => {
    try {
      const sample = await client.metrics.live.query({ seconds: 1, until: 'completed' });
      if (!stopped) store.push([sample], Date.now());
    } catch (error) {
      if (!stopped) store.fail(describeError(error));
    }
    if (!stopped) timer = setTimeout(poll, everyMs);
  };
  void poll();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

/** The live figures (last 60 s, one sample a second) and whether they are live, loading or reconnecting. */
export function useLiveMetrics(options: { everyMs?: number } = {}): LiveState {
  const client = useTRPCClient();
  let entry = shared.get(client);
  if (!entry) {
    entry = { store: new LiveStore(), users: 0, stop: null };
    shared.set(client, entry);
  }
  const current = entry;
  useEffect(() => {
    current.users += 1;
    current.stop ??= canSubscribe(client) ? startFeed(client, current.store) : startPolling(client, current.store, options.everyMs ?? POLL_MS);
    return () => {
      current.users -= 1;
      if (current.users === 0) {
        current.stop?.();
        current.stop = null;
      }
    };
  }, [client, current, options.everyMs]);
  return useSyncExternalStore(current.store.subscribe, current.store.getState);
}
