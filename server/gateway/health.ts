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
  /** outcomes in the window: [time, ok] pairs in a ring */
  outcomes: Array<{ at: number; ok: boolean }>;
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
      else if (state.outcomes.length >= this.options.minSamples && rate >= this.options.errorRate) this.transition(modelId, state, 'open', now, `error rate ${(rate * 100).toFixed(0)}% over the window`);
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
      state = { circuit: 'closed', consecutiveFailures: 0, openedAt: 0, cooldownMs: this.options.cooldownMs, probeInFlight: false, outcomes: [], latencies: [], ttfts: [], samplesSinceSort: 0, view: { circuit: 'closed' } };
      this.states.set(modelId, state);
      this.cached = null;
    }
    return state;
  }

  private pushOutcome(state: ModelState, now: number, ok: boolean): void {
    state.outcomes.push({ at: now, ok });
    const horizon = now - this.options.windowMs;
    let drop = 0;
    while (drop < state.outcomes.length && state.outcomes[drop]!.at < horizon) drop += 1;
    if (drop) state.outcomes.splice(0, drop);
    if (state.outcomes.length > 1000) state.outcomes.splice(0, state.outcomes.length - 1000);
  }

  private transition(modelId: string, state: ModelState, to: CircuitState, now: number, reason: string): void {
    const from = state.circuit;
    state.circuit = to;
    if (to === 'open') state.openedAt = now;
    if (to === 'closed') state.outcomes = [];
    this.refreshView(state);
    this.onCircuitChange({ type: 'circuit.changed', at: now, modelId, from, to, reason });
  }

  private refreshView(state: ModelState): void {
    state.samplesSinceSort = 0;
    state.view = {
      circuit: state.circuit,
      p50LatencyMs: median(state.latencies),
      ttftP50Ms: median(state.ttfts),
      errorRate: state.outcomes.length ? errorRate(state) : undefined,
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
  let failures = 0;
  for (const outcome of state.outcomes) if (!outcome.ok) failures += 1;
  return failures / state.outcomes.length;
}
