import { useEffect, useState, useSyncExternalStore } from 'react';
import type { LiveTick } from '../../../shared/feeds';
import { useTRPCClient } from '../api/trpc';
import { followFeed } from './follow-feed';
import { LiveHistory, LIVE_HISTORY_SECONDS } from './live-history';
import type { LiveState } from './live-store';

const COALESCE_MS = 100;

export interface LiveHistoryState {
  /** bumped on each tick added: what a chart compares to know it has something new to draw */
  version: number;
  status: LiveState['status'];
  updatedAt: number | null;
  error: string | null;
}

/**
 * The Monitoring page's live source: `metrics.liveFeed` over ws, a tick a second, kept up to an
 * hour in a LiveHistory. It starts with the hour the server still buffers; after a drop, or after
 * the server ends the subscription, it resumes from the last id it saw (follow-feed.ts), so the
 * seconds missed meanwhile come back (a `feed.gap` says when they cannot, and the lines break there).
 */
class LiveHistorySource {
  readonly history = new LiveHistory();
  private state: LiveHistoryState = { version: 0, status: 'loading', updatedAt: null, error: null };
  private readonly listeners = new Set<() => void>();
  private pending: ReturnType<typeof setTimeout> | null = null;

  getState = () => this.state;

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /**
   * Ticks added: told to the charts at most every COALESCE_MS. A tick a second is drawn as it
   * comes; a backfill of many (a resume, a long gap) is drawn once, not once per tick.
   */
  added(): void {
    this.pending ??= setTimeout(() => {
      this.pending = null;
      this.set({ version: this.state.version + 1, status: 'live', updatedAt: Date.now(), error: null });
    }, COALESCE_MS);
  }

  stop(): void {
    if (this.pending) clearTimeout(this.pending);
    this.pending = null;
  }

  set(next: Partial<LiveHistoryState>): void {
    this.state = { ...this.state, ...next };
    for (const listener of this.listeners) listener();
  }
}

export function useLiveHistory(): { history: LiveHistory; state: LiveHistoryState } {
  const client = useTRPCClient();
  const [source] = useState(() => new LiveHistorySource());
  useEffect(() => {
    const stop = followFeed<LiveTick>((input, observer) => client.metrics.liveFeed.subscribe(input, observer), LIVE_HISTORY_SECONDS, {
      item: (tick) => {
        if (source.history.append(tick)) source.added();
      },
      // the seconds the server could not replay stay missing: the next tick breaks the line there
      gap: () => undefined,
      trouble: (message) => source.set({ status: source.getState().updatedAt === null ? 'loading' : 'reconnecting', error: message }),
    });
    return () => {
      stop();
      source.stop();
    };
  }, [client, source]);
  const state = useSyncExternalStore(source.subscribe, source.getState);
  return { history: source.history, state };
}
