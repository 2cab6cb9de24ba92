import { Int32Histogram } from 'hdr-histogram-js';
import type { Percentiles } from '../events';

/**
 * Latencies as HDR histograms (hdr-histogram-js): values in microseconds with two significant
 * digits, so any percentile read back is within 1% of the true one (HISTOGRAM_PRECISION). Two
 * digits rather than HDR's usual three keep one histogram at ~11 KB instead of ~70 KB: the live
 * windows hold one per model per second. Histograms merge exactly (bucket by bucket), which is how
 * percentiles over a range are true percentiles, never averages of percentiles.
 */
export type LatencyHistogram = Int32Histogram;

/** the largest relative error of a percentile read from these histograms */
export const HISTOGRAM_PRECISION = 0.01;
const SIGNIFICANT_DIGITS = 2;
/** the range covered from the start; longer values (a stream of minutes) grow the histogram */
const INITIAL_HIGHEST_US = 60_000_000;

export function newHistogram(): LatencyHistogram {
  const histogram = new Int32Histogram(1, INITIAL_HIGHEST_US, SIGNIFICANT_DIGITS);
  histogram.autoResize = true;
  return histogram;
}

/** Records a duration given in ms; a value that is not a finite duration is left out. */
export function recordMs(histogram: LatencyHistogram, ms: number): void {
  if (!(ms >= 0) || ms === Number.POSITIVE_INFINITY) return;
  histogram.recordValue(Math.round(ms * 1000));
}

/** p50, p95 and p99 in ms; null when nothing was recorded. */
export function percentilesOf(histogram: LatencyHistogram | null): Percentiles | null {
  if (!histogram || histogram.totalCount === 0) return null;
  return { p50: valueAt(histogram, 50), p95: valueAt(histogram, 95), p99: valueAt(histogram, 99) };
}

function valueAt(histogram: LatencyHistogram, percentile: number): number {
  // the bucket's middle: within half a bucket (0.5%) of every value in it
  return histogram.medianEquivalentValue(histogram.getValueAtPercentile(percentile)) / 1000;
}

/** A histogram's non-empty buckets as `[value, count, value, count…]` (values in µs). */
export function histogramPairs(histogram: LatencyHistogram): number[] {
  const pairs: number[] = [];
  const length = histogram.countsArrayLength;
  for (let index = 0; index < length; index++) {
    const count = histogram.getCountAtIndex(index);
    if (count > 0) pairs.push(histogram.valueFromIndex(index), count);
  }
  return pairs;
}

/** Adds `[value, count, …]` pairs to `target`. Throws on anything that is not such a list. */
export function addPairs(target: LatencyHistogram, pairs: unknown): void {
  if (!Array.isArray(pairs) || pairs.length % 2 !== 0) throw new Error('not an encoded histogram');
  for (let index = 0; index < pairs.length; index += 2) {
    const value = pairs[index] as number;
    const count = pairs[index + 1] as number;
    if (!Number.isSafeInteger(value) || !Number.isSafeInteger(count) || value < 0 || count < 0) throw new Error('not an encoded histogram');
    target.recordValueWithCount(value, count);
  }
}

/**
 * A histogram as text for the database: its pairs as JSON. Decoding is one JSON.parse and a
 * record per bucket: ~100 times faster than HDR's compressed base64 form, which matters when a
 * query merges thousands of rollups.
 */
export function encodeHistogram(histogram: LatencyHistogram): string {
  return JSON.stringify(histogramPairs(histogram));
}

/** Adds an encoded histogram's counts to `target`. Throws on text that is not an encoded histogram. */
export function addEncoded(target: LatencyHistogram, encoded: string): void {
  addPairs(target, JSON.parse(encoded) as unknown);
}

/**
 * Histograms to reuse: a rollup's are released once it is encoded, and the next rollup takes them
 * rather than allocate 11 KB anew. At most `capacity` are kept.
 */
export class HistogramPool {
  private free: LatencyHistogram[] = [];

  constructor(private readonly capacity = 256) {}

  take(): LatencyHistogram {
    return this.free.pop() ?? newHistogram();
  }

  release(histogram: LatencyHistogram | null): void {
    if (!histogram || this.free.length >= this.capacity) return;
    histogram.reset();
    this.free.push(histogram);
  }
}
