import type { LiveOutput } from '../api/types';

/** One second of live figures, as metrics.live answers for `seconds: 1`. */
export type LiveSample = LiveOutput;

export interface LiveState {
  /** 'loading' until the first sample; 'reconnecting' while the source fails (the last data stays shown) */
  status: 'loading' | 'live' | 'reconnecting';
  /** oldest first, one per second, at most HISTORY_SECONDS; a second that never arrived is missing, not zero */
  history: LiveSample[];
  /** when the last sample arrived (epoch ms, the browser's clock) */
  updatedAt: number | null;
  error: string | null;
}

export const HISTORY_SECONDS = 60;

/**
 * The live figures the pages read, whatever feeds them: today a poll of metrics.live each second,
 * later the ws subscription. A source only calls `push` and `fail`; pages only read the state.
 * Immutable states, so React re-renders only what read a new one.
 */
export class LiveStore {
  private state: LiveState = { status: 'loading', history: [], updatedAt: null, error: null };
  private readonly listeners = new Set<() => void>();

  getState = (): LiveState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Samples may come twice (a poll that overlapped) or out of order (a backfill): keyed by their second. */
  push(samples: LiveSample[], now: number): void {
    const bySecond = new Map(this.state.history.map((sample) => [sample.from, sample]));
    for (const sample of samples) bySecond.set(sample.from, sample);
    const history = [...bySecond.values()].sort((a, b) => a.from.localeCompare(b.from)).slice(-HISTORY_SECONDS);
    this.set({ status: 'live', history, updatedAt: now, error: null });
  }

  fail(message: string): void {
    this.set({ ...this.state, status: this.state.history.length === 0 && this.state.status === 'loading' ? 'loading' : 'reconnecting', error: message });
  }

  private set(state: LiveState): void {
    this.state = state;
    for (const listener of this.listeners) listener();
  }
}
