import { LATENCY_BAND_EDGES_MS } from '../../shared/monitoring';
import { echoRange, type ResolvedRange } from './query-range';
import type { RollupRow } from './rollups';
import { isoInZone } from './time-zone';

/** The band a latency (ms) falls in: the last edge at or below it. */
export function bandOf(ms: number): number {
  let band = 0;
  while (band + 1 < LATENCY_BAND_EDGES_MS.length && ms >= LATENCY_BAND_EDGES_MS[band + 1]!) band++;
  return band;
}

/**
 * Adds an encoded histogram's counts (`[µs, count, …]`, server/telemetry/histogram.ts) to band
 * counts. A histogram bucket is 1% wide at most, so a value near an edge may land in the band next
 * to it: that is the whole error, and no request is lost or counted twice.
 */
export function addToBands(counts: number[], encoded: string): void {
  const pairs = JSON.parse(encoded) as number[];
  for (let index = 0; index < pairs.length; index += 2) counts[bandOf(pairs[index]! / 1000)]! += pairs[index + 1]!;
}

/**
 * The latency distribution over a range: per step, how many requests fell in each band. Pure. Each
 * request is in exactly one band of one step, so the counts add up to the range's request total.
 */
export function latencyHeatmap(rows: readonly RollupRow[], range: ResolvedRange) {
  const stepMs = range.stepSeconds * 1000;
  const bandCount = LATENCY_BAND_EDGES_MS.length;
  const byStep = new Map<number, { requests: number; counts: number[] }>();
  for (const row of rows) {
    const start = Math.floor(row.bucketStart / stepMs) * stepMs;
    let bucket = byStep.get(start);
    if (!bucket) byStep.set(start, (bucket = { requests: 0, counts: new Array<number>(bandCount).fill(0) }));
    bucket.requests += row.requests;
    addToBands(bucket.counts, row.latency);
  }
  const buckets = [];
  let requests = 0;
  for (let start = range.from; start < range.to; start += stepMs) {
    const bucket = byStep.get(start) ?? { requests: 0, counts: new Array<number>(bandCount).fill(0) };
    requests += bucket.requests;
    buckets.push({ start: isoInZone(start, range.timeZone), ...bucket });
  }
  const bands = LATENCY_BAND_EDGES_MS.map((fromMs, index) => ({ fromMs, toMs: LATENCY_BAND_EDGES_MS[index + 1] ?? null }));
  return { range: echoRange(range), bands, buckets, requests };
}
