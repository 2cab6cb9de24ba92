import type { CircuitChanged } from '../events';
import type { CircuitState, HealthSnapshot, ModelHealth } from '../routing';
import { LatencyWindow } from './latency-window';

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
  /** seconds of call latencies routing reads (see LatencyWindow); older calls no longer count */
  latencyWindowSeconds: number;
  /** the latency figure is the median of at least this many of the newest calls (when there are) */
  latencyMinSamples: number;
  /** a model with a latency figure not called for this long is due a probe: one request tries it first */
  probeAfterMs: number;
}

/**
 * The cooldown doubles up to 20 s: a model whose upstream recovered gets traffic back within about
 * 20 s, at the price of one probe request every 20 s while it stays down.
 */
export const DEFAULT_BREAKER: BreakerOptions = {
  consecutiveFailures: 3,
  errorRate: 0.5,
  minSamples: 20,
  windowMs: 30_000,
  cooldownMs: 5_000,
  maxCooldownMs: 20_000,
  latencyWindowSeconds: 30,
  latencyMinSamples: 5,
  probeAfterMs: 5_000,
};

const HARD_FAILURES = new Set(['timeout', 'connection']);

interface ModelState {
  circuit: CircuitState;
  consecutiveFailures: number;
  openedAt: number;
  cooldownMs: number;
  probeInFlight: boolean;
  /** calls and failures in the window, in one-second buckets: O(1) to record and to read */
  window: OutcomeWindow;
  latency: LatencyWindow;
  ttft: LatencyWindow;
  /** the last figures when the window has none left (kept, with their time, until a call renews them) */
  lastLatency: { p50: number; at: number } | undefined;
  lastTtft: { p50: number; at: number } | undefined;
  /** when the model was last called (an attempt began): a probe is due once this is old */
  lastCallAt: number;
  samplesSinceRefresh: number;
  view: ModelHealth;
}

/**
 * Circuit breakers and live latency, per model. Closed → open on consecutive failures or an error
 * rate over the window; open → half-open after a cooldown, when exactly one request may probe;
 * the probe's outcome closes or reopens it. An open circuit costs a request nothing: routing skips
 * the model without calling it. The clock is passed in, so the behaviour is testable to the ms.
 *
 * Latency comes from time windows of the model's calls (LatencyWindow): the newest seconds decide,
 * calls older than the window age out. So that a model routing moved off (slow, or its circuit
 * open) can show it recovered, the snapshot marks it due a probe — `probe: 'circuit'` when half-open,
 * `probe: 'latency'` when not called for `probeAfterMs` — and routing sends one request to it first
 * (server/routing/probe.ts). The mark is taken by the first call (acquire), so each model gets at
 * most one probe per `probeAfterMs` (per cooldown for a circuit): a small, bounded share.
 */
export class HealthTracker {
  private states = new Map<string, ModelState>();
  private cached: HealthSnapshot | null = null;
  /** the second the views last aged at: once a second, windows move on and probes fall due */
  private agedSecond = -1;
  private readonly options: BreakerOptions;

  constructor(
    options: Partial<BreakerOptions> = {},
    private readonly onCircuitChange: (event: CircuitChanged) => void = () => {},
  ) {
    this.options = { ...DEFAULT_BREAKER, ...options };
  }

  /** The health routing reads: rebuilt only after something changed (and aged once a second). */
  snapshot(now: number): HealthSnapshot {
    const second = Math.floor(now / 1000);
    if (second !== this.agedSecond) {
      this.agedSecond = second;
      for (const [, state] of this.states) this.refreshView(state, now, false);
    }
    for (const [, state] of this.states) {
      // the cooldown is over: routing may try it again, first, as a probe; acquire() admits one
      if (state.circuit === 'open' && now - state.openedAt >= state.cooldownMs && state.view.circuit === 'open') this.refreshView(state, now);
    }
    if (!this.cached) this.cached = Object.fromEntries([...this.states].map(([id, state]) => [id, state.view]));
    return this.cached;
  }

  /** May this request call the model now? Half-open admits exactly one probe at a time. */
  acquire(modelId: string, now: number): boolean {
    const state = this.states.get(modelId);
    if (!state) return true;
    if (state.circuit === 'closed') {
      state.lastCallAt = now;
      // this call is the probe: the next requests route as usual until it is due again
      if (state.view.probe) this.refreshView(state, now);
      return true;
    }
    if (state.circuit === 'open') {
      if (now - state.openedAt < state.cooldownMs) return false;
      this.transition(modelId, state, 'half-open', now, 'cooldown elapsed');
    }
    if (state.probeInFlight) return false;
    state.probeInFlight = true;
    state.lastCallAt = now;
    if (state.view.probe) this.refreshView(state, now);
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
    state.lastCallAt = Math.max(state.lastCallAt, now - latencyMs);
    this.pushOutcome(state, now, true);
    state.latency.record(now, latencyMs);
    if (ttftMs !== undefined) state.ttft.record(now, ttftMs);
    if (state.circuit !== 'closed') {
      state.cooldownMs = this.options.cooldownMs;
      this.transition(modelId, state, 'closed', now, 'probe succeeded');
    }
    // a new median shows at once (a slowdown moves routing within a few calls); the error rate every 8 calls
    this.refreshView(state, now, ++state.samplesSinceRefresh >= 8);
  }

  recordFailure(modelId: string, now: number, kind: string, retryAfterMs?: number): void {
    const state = this.state(modelId);
    state.probeInFlight = false;
    if (HARD_FAILURES.has(kind)) state.consecutiveFailures += 1;
    this.pushOutcome(state, now, false);
    state.lastCallAt = Math.max(state.lastCallAt, now);
    if (retryAfterMs !== undefined) state.view = { ...state.view, retryAfterUntil: now + retryAfterMs };
    if (state.circuit === 'half-open') {
      state.cooldownMs = Math.min(state.cooldownMs * 2, this.options.maxCooldownMs);
      this.transition(modelId, state, 'open', now, `probe failed (${kind})`);
    } else if (state.circuit === 'closed') {
      const rate = errorRate(state);
      if (state.consecutiveFailures >= this.options.consecutiveFailures) this.transition(modelId, state, 'open', now, `${state.consecutiveFailures} consecutive failures (${kind})`);
      else if (state.window.calls >= this.options.minSamples && rate >= this.options.errorRate) this.transition(modelId, state, 'open', now, `error rate ${(rate * 100).toFixed(0)}% over the window`);
    }
    this.refreshView(state, now);
  }

  /** Forget a model's health (it was removed, or an operator reset it). */
  reset(modelId: string): void {
    this.states.delete(modelId);
    this.cached = null;
  }

  private state(modelId: string): ModelState {
    let state = this.states.get(modelId);
    if (!state) {
      const { latencyWindowSeconds, latencyMinSamples } = this.options;
      state = {
        circuit: 'closed',
        consecutiveFailures: 0,
        openedAt: 0,
        cooldownMs: this.options.cooldownMs,
        probeInFlight: false,
        window: new OutcomeWindow(this.options.windowMs),
        latency: new LatencyWindow(latencyWindowSeconds, latencyMinSamples),
        ttft: new LatencyWindow(latencyWindowSeconds, latencyMinSamples),
        lastLatency: undefined,
        lastTtft: undefined,
        lastCallAt: 0,
        samplesSinceRefresh: 0,
        view: { circuit: 'closed' },
      };
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
    this.refreshView(state, now);
    this.onCircuitChange({ type: 'circuit.changed', at: now, modelId, from, to, reason });
  }

  /**
   * Recomputes the model's view at `now`: its latency figures, their time, and whether a probe is
   * due. A new view (and so a new snapshot, compiled again for routing) only when something routing
   * reads changed, or `always` (the error rate, which moves with every call, is refreshed so).
   */
  private refreshView(state: ModelState, now: number, always = true): void {
    const latency = state.latency.estimate(now) ?? state.lastLatency;
    const ttft = state.ttft.estimate(now) ?? state.lastTtft;
    state.lastLatency = latency && { p50: latency.p50, at: latency.at };
    state.lastTtft = ttft && { p50: ttft.p50, at: ttft.at };
    // an open circuit whose cooldown is over shows as half-open: routing may try it again (acquire moves it there)
    const circuit = state.circuit === 'open' && now - state.openedAt >= state.cooldownMs ? 'half-open' : state.circuit;
    const hasFigure = latency !== undefined || ttft !== undefined;
    const probe = circuit === 'half-open' ? (state.probeInFlight ? undefined : 'circuit') : circuit === 'closed' && hasFigure && now - state.lastCallAt >= this.options.probeAfterMs ? 'latency' : undefined;
    const view = state.view;
    const latencyAt = (latency ?? ttft)?.at;
    // the figure's time is shown to a second (the age in decisions), not renewed with every call
    const fresh = latencyAt === undefined || (view.latencyAt !== undefined && latencyAt - view.latencyAt <= 1_000);
    if (!always && fresh && view.circuit === circuit && view.probe === probe && !moved(view.p50LatencyMs, latency?.p50) && !moved(view.ttftP50Ms, ttft?.p50)) return;
    state.samplesSinceRefresh = 0;
    state.view = {
      circuit,
      p50LatencyMs: latency?.p50,
      ttftP50Ms: ttft?.p50,
      latencyAt,
      errorRate: state.window.calls ? errorRate(state) : undefined,
      retryAfterUntil: view.retryAfterUntil,
      probe,
    };
    this.cached = null;
  }
}

/**
 * Did a latency figure change enough to tell routing? A new view means a new snapshot compiled
 * again (and the fastest order sorted again), so the median's jitter under steady traffic (under
 * 20%) waits for the next periodic refresh; a slowdown or a recovery is far past it.
 */
function moved(shown: number | undefined, now: number | undefined): boolean {
  if (shown === undefined || now === undefined) return shown !== now;
  return Math.abs(now - shown) > 0.2 * shown + 1;
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
