import type { CircuitChanged } from '../events';
import type { CircuitState, HealthSnapshot, ModelHealth } from '../routing';

export interface BreakerOptions {
  /**
   * consecutive hard failures (timeouts, refused or reset connections) that open the circuit. Soft
   * failures (5xx, 429) count only towards the error rate: an upstream that fails 30% of calls at
   * random still serves the other 70%, and a consecutive-failure rule would cut it off by chance.
   */
  consecutiveFailures: number;
  /** error rate over the window that opens it (with at least minSamples in the window) */
  errorRate: number;
  minSamples: number;
  windowMs: number;
  /** how long an open circuit waits before one probe; doubles on each failed probe, up to maxCooldownMs */
  cooldownMs: number;
  maxCooldownMs: number;
}

export const DEFAULT_BREAKER: BreakerOptions = { consecutiveFailures: 3, errorRate: 0.5, minSamples: 20, windowMs: 30_000, cooldownMs: 5_000, maxCooldownMs: 60_000 };

const LATENCY_SAMPLES = 64;
const HARD_FAILURES = new Set(['timeout', 'connection']);

interface ModelState {
  circuit: CircuitState;
  consecutiveFailures: number;
  openedAt: number;
  cooldownMs: number;
  probeInFlight: boolean;
  /** calls and failures in the window, in one-second buckets: O(1) to record and to read */
  window: OutcomeWindow;
  latencies: number[];
  ttfts: number[];
  samplesSinceSort: number;
  view: ModelHealth;
}

/**
 * Circuit breakers and live latency, per model. Closed → open on consecutive failures or an error
 * rate over the window; open → half-open after a cooldown, when exactly one request may probe;
 * the probe's outcome closes or reopens it. An open circuit costs a request nothing: routing skips
 * the model without calling it. The clock is passed in, so the behaviour is testable to the ms.
 */
export class HealthTracker {
  private states = new Map<string, ModelState>();
  private cached: HealthSnapshot | null = null;

  constructor(
    private readonly options: BreakerOptions = DEFAULT_BREAKER,
    private readonly onCircuitChange: (event: CircuitChanged) => void = () => {},
  ) {}

  /** The health routing reads: rebuilt only after something changed. */
  snapshot(now: number): HealthSnapshot {
    for (const [, state] of this.states) {
      if (state.circuit === 'open' && now - state.openedAt >= state.cooldownMs && state.view.circuit === 'open') {
        // the cooldown is over: routing may consider it again (as a last choice); acquire() admits one probe
        state.view = { ...state.view, circuit: 'half-open' };
        this.cached = null;
      }
    }
    if (!this.cached) this.cached = Object.fromEntries([...this.states].map(([id, state]) => [id, state.view]));
    return this.cached;
  }

  /** May this request call the model now? Half-open admits exactly one probe at a time. */
  acquire(modelId: string, now: number): boolean {
    const state = this.states.get(modelId);
    if (!state || state.circuit === 'closed') return true;
    if (state.circuit === 'open') {
      if (now - state.openedAt < state.cooldownMs) return false;
      this.transition(modelId, state, 'half-open', now, 'cooldown elapsed');
    }
    if (state.probeInFlight) return false;
    state.probeInFlight = true;
    return true;
  }

  /** A call that ended without touching the upstream's health (client abort, client's own error). */
  release(modelId: string): void {
    const state = this.states.get(modelId);
    if (state) state.probeInFlight = false;
  }

  recordSuccess(modelId: string, now: number, latencyMs: number, ttftMs?: number): void {
    const state = this.state(modelId);
    state.probeInFlight = false;
    state.consecutiveFailures = 0;
    this.pushOutcome(state, now, true);
    push(state.latencies, latencyMs);
    if (ttftMs !== undefined) push(state.ttfts, ttftMs);
    if (state.circuit !== 'closed') {
      state.cooldownMs = this.options.cooldownMs;
      this.transition(modelId, state, 'closed', now, 'probe succeeded');
    }
    if (++state.samplesSinceSort >= 8 || state.view.p50LatencyMs === undefined) this.refreshView(state);
  }

  recordFailure(modelId: string, now: number, kind: string, retryAfterMs?: number): void {
    const state = this.state(modelId);
    state.probeInFlight = false;
    if (HARD_FAILURES.has(kind)) state.consecutiveFailures += 1;
    this.pushOutcome(state, now, false);
    if (retryAfterMs !== undefined) state.view = { ...state.view, retryAfterUntil: now + retryAfterMs };
    if (state.circuit === 'half-open') {
      state.cooldownMs = Math.min(state.cooldownMs * 2, this.options.maxCooldownMs);
      this.transition(modelId, state, 'open', now, `probe failed (${kind})`);
    } else if (state.circuit === 'closed') {
      const rate = errorRate(state);
      if (state.consecutiveFailures >= this.options.consecutiveFailures) this.transition(modelId, state, 'open', now, `${state.consecutiveFailures} consecutive failures (${kind})`);
      else if (state.window.calls >= this.options.minSamples && rate >= this.options.errorRate) this.transition(modelId, state, 'open', now, `error rate ${(rate * 100).toFixed(0)}% over the window`);
    }
    this.refreshView(state);
  }

  /** Forget a model's health (it was removed, or an operator reset it). */
  reset(modelId: string): void {
    this.states.delete(modelId);
    this.cached = null;
  }

  private state(modelId: string): ModelState {
    let state = this.states.get(modelId);
    if (!state) {
      state = { circuit: 'closed', consecutiveFailures: 0, openedAt: 0, cooldownMs: this.options.cooldownMs, probeInFlight: false, window: new OutcomeWindow(this.options.windowMs), latencies: [], ttfts: [], samplesSinceSort: 0, view: { circuit: 'closed' } };
      this.states.set(modelId, state);
      this.cached = null;
    }
    return state;
  }

  private pushOutcome(state: ModelState, now: number, ok: boolean): void {
    state.window.record(now, ok);
  }

  private transition(modelId: string, state: ModelState, to: CircuitState, now: number, reason: string): void {
    const from = state.circuit;
    state.circuit = to;
    if (to === 'open') state.openedAt = now;
    if (to === 'closed') state.window = new OutcomeWindow(this.options.windowMs);
    this.refreshView(state);
    this.onCircuitChange({ type: 'circuit.changed', at: now, modelId, from, to, reason });
  }

  private refreshView(state: ModelState): void {
    state.samplesSinceSort = 0;
    state.view = {
      circuit: state.circuit,
      p50LatencyMs: median(state.latencies),
      ttftP50Ms: median(state.ttfts),
      errorRate: state.window.calls ? errorRate(state) : undefined,
      retryAfterUntil: state.view.retryAfterUntil,
    };
    this.cached = null;
  }
}

function push(samples: number[], value: number): void {
  samples.push(value);
  if (samples.length > LATENCY_SAMPLES) samples.shift();
}

function median(samples: number[]): number | undefined {
  if (samples.length === 0) return undefined;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function errorRate(state: ModelState): number {
  return state.window.failures / state.window.calls;
}

/** A sliding window of call outcomes in one-second buckets, with running totals. */
class OutcomeWindow {
  private readonly buckets: Array<{ second: number; calls: number; failures: number }>;
  calls = 0;
  failures = 0;

  constructor(windowMs: number) {
    this.buckets = Array.from({ length: Math.max(1, Math.ceil(windowMs / 1000)) }, () => ({ second: -1, calls: 0, failures: 0 }));
  }

  record(now: number, ok: boolean): void {
    const second = Math.floor(now / 1000);
    // expire whatever fell out of the window since the last call
    for (const bucket of this.buckets) {
      if (bucket.second !== -1 && bucket.second <= second - this.buckets.length) {
        this.calls -= bucket.calls;
        this.failures -= bucket.failures;
        bucket.second = -1;
        bucket.calls = 0;
        bucket.failures = 0;
      }
    }
    const bucket = this.buckets[second % this.buckets.length]!;
    if (bucket.second !== second) {
      this.calls -= bucket.calls;
      this.failures -= bucket.failures;
      bucket.second = second;
      bucket.calls = 0;
      bucket.failures = 0;
    }
    bucket.calls += 1;
    this.calls += 1;
    if (!ok) {
      bucket.failures += 1;
      this.failures += 1;
    }
  }
}
