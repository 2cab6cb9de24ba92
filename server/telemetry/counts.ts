import type { Counts } from '../events';

/** Adds `source`'s sums to `target`'s: a second to a window, a minute to its quarter, a row to a total. */
export function addCounts(target: Counts, source: Counts): void {
  target.requests += source.requests;
  target.errors += source.errors;
  target.failovers += source.failovers;
  target.inputTokens += source.inputTokens;
  target.outputTokens += source.outputTokens;
  target.costUsd += source.costUsd;
}
