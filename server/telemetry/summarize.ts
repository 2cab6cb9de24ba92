import type { Percentiles } from '../events';
import type { Totals } from '../../shared/metrics';
import { addCounts } from './counts';
import { addEncoded, newHistogram, percentilesOf } from './histogram';
import { echoRange, type ResolvedRange } from './query-range';
import type { RollupRow } from './rollups';
import { isoInZone, localDays } from './time-zone';

/**
 * The metrics queries' answers, computed from rollup rows (stored and still open) for a resolved
 * range. Pure. Totals are sums of the rows; percentiles come from the rows' histograms merged, one
 * group at a time through the same two scratch histograms (a week of per-model points would
 * otherwise hold thousands of histograms at once).
 */

export function emptyTotals(): Totals {
  return { requests: 0, errors: 0, failovers: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 };
}

export function totalsOf(rows: readonly RollupRow[]): Totals {
  const totals = emptyTotals();
  for (const row of rows) addCounts(totals, row);
  return totals;
}

/** The rows a range (and model, if given) covers: those whose bucket starts within it. */
export function rowsInRange(rows: readonly RollupRow[], range: Pick<ResolvedRange, 'from' | 'to'>, modelId?: string): RollupRow[] {
  return rows.filter((row) => row.bucketStart >= range.from && row.bucketStart < range.to && (modelId === undefined || row.modelId === modelId));
}

/** Merges rows' histograms into percentiles, reusing its two histograms from one group to the next. */
export class PercentileMerger {
  private readonly latency = newHistogram();
  private readonly ttft = newHistogram();

  of(rows: readonly RollupRow[]): { latencyMs: Percentiles | null; ttftMs: Percentiles | null } {
    this.latency.reset();
    this.ttft.reset();
    for (const row of rows) {
      addEncoded(this.latency, row.latency);
      if (row.ttft) addEncoded(this.ttft, row.ttft);
    }
    return { latencyMs: percentilesOf(this.latency), ttftMs: percentilesOf(this.ttft) };
  }
}

function groupBy<K>(rows: readonly RollupRow[], keyOf: (row: RollupRow) => K): Map<K, RollupRow[]> {
  const groups = new Map<K, RollupRow[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  return groups;
}

/** Orders items by a string (a model or key id), as the answers list them. */
function sortedBy<T>(items: T[], idOf: (item: T) => string): T[] {
  return items.sort((a, b) => (idOf(a) < idOf(b) ? -1 : idOf(a) > idOf(b) ? 1 : 0));
}

/** The rows' local days in the range, each with its rows (days without any included). */
function rowsByDay(rows: readonly RollupRow[], range: ResolvedRange) {
  const days = localDays(range.from, range.to, range.timeZone).map((day) => ({ ...day, rows: [] as RollupRow[] }));
  for (const row of rows) {
    // the last day that starts at or before the row's bucket
    let low = 0;
    let high = days.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (days[middle]!.from <= row.bucketStart) low = middle;
      else high = middle - 1;
    }
    days[low]?.rows.push(row);
  }
  return days;
}

export function summary(rows: readonly RollupRow[], range: ResolvedRange, grouping?: 'model' | 'key' | 'day') {
  const merger = new PercentileMerger();
  const answer = { range: echoRange(range), totals: totalsOf(rows), ...merger.of(rows) };
  if (!grouping) return answer;
  if (grouping === 'day') {
    const groups = rowsByDay(rows, range).map((day) => ({ key: day.date, from: isoInZone(day.from, range.timeZone), to: isoInZone(day.to, range.timeZone), ...totalsOf(day.rows), ...merger.of(day.rows) }));
    return { ...answer, groupBy: grouping, groups };
  }
  const keyOf = grouping === 'model' ? (row: RollupRow) => row.modelId : (row: RollupRow) => row.keyId;
  const groups = sortedBy(
    [...groupBy(rows, keyOf)].map(([key, group]) => ({ key, ...totalsOf(group), ...merger.of(group) })),
    (group) => group.key,
  );
  return { ...answer, groupBy: grouping, groups };
}

/** One point per step over the whole range (empty steps included), overall and per model. */
export function series(rows: readonly RollupRow[], range: ResolvedRange) {
  const stepMs = range.stepSeconds * 1000;
  const merger = new PercentileMerger();
  const points = (of: readonly RollupRow[]) => {
    const byStep = groupBy(of, (row) => Math.floor(row.bucketStart / stepMs) * stepMs);
    const result = [];
    for (let start = range.from; start < range.to; start += stepMs) {
      const group = byStep.get(start) ?? [];
      result.push({ start: isoInZone(start, range.timeZone), ...totalsOf(group), ...merger.of(group) });
    }
    return result;
  };
  const models = sortedBy(
    [...groupBy(rows, (row) => row.modelId)].map(([modelId, group]) => ({ modelId, points: points(group) })),
    (model) => model.modelId,
  );
  return { range: echoRange(range), overall: points(rows), models };
}

export function topFailing(rows: readonly RollupRow[], range: ResolvedRange, limit: number) {
  const items = [...groupBy(rows, (row) => row.modelId)]
    .map(([modelId, group]) => {
      const { requests, errors } = totalsOf(group);
      return { modelId, requests, errors, errorRate: requests ? errors / requests : 0 };
    })
    .filter((item) => item.errors > 0)
    .sort((a, b) => b.errors - a.errors || b.errorRate - a.errorRate || (a.modelId < b.modelId ? -1 : 1))
    .slice(0, limit);
  return { range: echoRange(range), items };
}

export function usage(rows: readonly RollupRow[], range: ResolvedRange) {
  const usageOf = (group: readonly RollupRow[]) => {
    const { requests, inputTokens, outputTokens, costUsd } = totalsOf(group);
    return { requests, inputTokens, outputTokens, costUsd };
  };
  const byCost = <T extends { costUsd: number }>(items: T[]) => items.sort((a, b) => b.costUsd - a.costUsd);
  return {
    range: echoRange(range),
    totals: totalsOf(rows),
    byModel: byCost([...groupBy(rows, (row) => row.modelId)].map(([modelId, group]) => ({ modelId, ...usageOf(group) }))),
    byKey: byCost([...groupBy(rows, (row) => row.keyId)].map(([keyId, group]) => ({ keyId, ...usageOf(group) }))),
  };
}

export function latency(rows: readonly RollupRow[], range: ResolvedRange) {
  const merger = new PercentileMerger();
  const models = sortedBy(
    [...groupBy(rows, (row) => row.modelId)].map(([modelId, group]) => ({ modelId, requests: totalsOf(group).requests, ...merger.of(group) })),
    (model) => model.modelId,
  );
  return { range: echoRange(range), overall: { requests: totalsOf(rows).requests, ...merger.of(rows) }, models };
}
