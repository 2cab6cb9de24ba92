import type { CircuitChanged, RequestCompleted } from '../events';

/** Prometheus' buckets for durations, in seconds (le); the last, +Inf, is implied. */
export const DURATION_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300] as const;

/** Cumulative counts of observations per bucket (each bucket its own, not yet summed), with sum and count. */
export class BucketCounts {
  readonly counts = new Float64Array(DURATION_BUCKETS_SECONDS.length + 1);
  sum = 0;
  count = 0;

  observe(seconds: number): void {
    if (!(seconds >= 0)) return;
    let index = 0;
    while (index < DURATION_BUCKETS_SECONDS.length && seconds > DURATION_BUCKETS_SECONDS[index]!) index++;
    this.counts[index]! += 1;
    this.sum += seconds;
    this.count += 1;
  }
}

export const OUTCOMES = ['ok', 'error', 'client_error', 'aborted'] as const satisfies ReadonlyArray<RequestCompleted['outcome']>;

export class ModelTotals {
  /** by outcome, in OUTCOMES order */
  readonly requests = new Float64Array(OUTCOMES.length);
  inputTokens = 0;
  outputTokens = 0;
  costUsd = 0;
  readonly latency = new BucketCounts();
  readonly ttft = new BucketCounts();
}

/**
 * Everything counted since the process started, as Prometheus reads it: counters only go up, so a
 * scrape at any time gives rates; the figures are the same requests the rollups count.
 */
export class Totals {
  readonly models = new Map<string, ModelTotals>();
  /** by `from` NUL `to` */
  readonly failovers = new Map<string, { from: string; to: string; count: number }>();
  /** each model's circuit as the last change left it */
  readonly circuits = new Map<string, string>();

  forModel(modelId: string): ModelTotals {
    let totals = this.models.get(modelId);
    if (!totals) this.models.set(modelId, (totals = new ModelTotals()));
    return totals;
  }

  recordFailovers(attempts: RequestCompleted['attempts']): void {
    for (let index = 1; index < attempts.length; index++) {
      const from = attempts[index - 1]!.modelId;
      const to = attempts[index]!.modelId;
      const key = `${from}\u0000${to}`;
      const pair = this.failovers.get(key);
      if (pair) pair.count += 1;
      else this.failovers.set(key, { from, to, count: 1 });
    }
  }

  recordCircuit(event: CircuitChanged): void {
    this.circuits.set(event.modelId, event.to);
  }
}
