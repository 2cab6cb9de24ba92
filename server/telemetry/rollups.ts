import { encodeHistogram, recordMs, type HistogramPool, type LatencyHistogram } from './histogram';
import type { Counts } from '../events';
import { addCounts } from './counts';
import type { RequestSample } from './live-window';

export type BucketSeconds = 60 | 900;

/**
 * A rollup as it is stored and read: one model's requests with one key over one bucket (a minute,
 * or a quarter of an hour for long ranges), histograms encoded. Several rows may cover the same
 * bucket, model and key (instances of a fleet, requests counted late): readers add them up.
 */
export interface RollupRow extends Counts {
  /** epoch ms, a multiple of bucketSeconds */
  bucketStart: number;
  bucketSeconds: BucketSeconds;
  modelId: string;
  keyId: string;
  /** encoded (./histogram.ts) */
  latency: string;
  ttft: string | null;
  /** the instance that counted it, on rows read from the database or from a peer's heartbeat */
  instanceId?: string;
}

/** An open rollup, still counting. */
export class Rollup {
  requests = 0;
  errors = 0;
  failovers = 0;
  inputTokens = 0;
  outputTokens = 0;
  costUsd = 0;
  ttft: LatencyHistogram | null = null;

  constructor(
    readonly bucketStart: number,
    readonly modelId: string,
    readonly keyId: string,
    readonly latency: LatencyHistogram,
  ) {}

  record(sample: RequestSample, pool: HistogramPool): void {
    this.requests += 1;
    if (sample.error) this.errors += 1;
    this.failovers += sample.failovers;
    this.inputTokens += sample.inputTokens;
    this.outputTokens += sample.outputTokens;
    this.costUsd += sample.costUsd;
    recordMs(this.latency, sample.latencyMs);
    if (sample.ttftMs !== undefined) recordMs((this.ttft ??= pool.take()), sample.ttftMs);
  }

  /** Adds a closed rollup of a shorter bucket inside this one. */
  merge(other: Rollup, pool: HistogramPool): void {
    addCounts(this, other);
    this.latency.add(other.latency);
    if (other.ttft) (this.ttft ??= pool.take()).add(other.ttft);
  }

  row(bucketSeconds: BucketSeconds): RollupRow {
    return {
      bucketStart: this.bucketStart,
      bucketSeconds,
      modelId: this.modelId,
      keyId: this.keyId,
      requests: this.requests,
      errors: this.errors,
      failovers: this.failovers,
      inputTokens: this.inputTokens,
      outputTokens: this.outputTokens,
      costUsd: this.costUsd,
      latency: encodeHistogram(this.latency),
      ttft: this.ttft ? encodeHistogram(this.ttft) : null,
    };
  }
}

/**
 * The open rollups of one bucket size, by bucket start, model and key (nested maps: no key string
 * is built per request). A bucket closes `graceMs` after its end; a request counted later for a
 * closed bucket opens it again, and it closes at the next call.
 */
export class RollupBook {
  private readonly open = new Map<number, Map<string, Map<string, Rollup>>>();
  readonly bucketMs: number;

  constructor(
    readonly bucketSeconds: BucketSeconds,
    private readonly pool: HistogramPool,
  ) {
    this.bucketMs = bucketSeconds * 1000;
  }

  /** The rollup for a time (epoch ms), model and key, opened on first use. */
  rollupFor(time: number, modelId: string, keyId: string): Rollup {
    const start = time - (((time % this.bucketMs) + this.bucketMs) % this.bucketMs);
    let byModel = this.open.get(start);
    if (!byModel) this.open.set(start, (byModel = new Map()));
    let byKey = byModel.get(modelId);
    if (!byKey) byModel.set(modelId, (byKey = new Map()));
    let rollup = byKey.get(keyId);
    if (!rollup) byKey.set(keyId, (rollup = new Rollup(start, modelId, keyId, this.pool.take())));
    return rollup;
  }

  /** Removes and returns the rollups of buckets that ended at least `graceMs` before `now`. */
  close(now: number, graceMs: number): Rollup[] {
    const closed: Rollup[] = [];
    for (const [start, byModel] of this.open) {
      if (start + this.bucketMs + graceMs > now) continue;
      this.open.delete(start);
      for (const byKey of byModel.values()) closed.push(...byKey.values());
    }
    return closed;
  }

  /** Every open rollup as a row (what a query adds to the stored ones). */
  openRows(): RollupRow[] {
    const rows: RollupRow[] = [];
    for (const byModel of this.open.values()) {
      for (const byKey of byModel.values()) for (const rollup of byKey.values()) rows.push(rollup.row(this.bucketSeconds));
    }
    return rows;
  }

  /** Gives a closed rollup's histograms back for reuse. */
  release(rollup: Rollup): void {
    this.pool.release(rollup.latency);
    this.pool.release(rollup.ttft);
  }
}
