import type { AlertMetric } from '../../shared/alerts';
import type { LiveFigures } from '../events';

/**
 * A rule's metric from the figures of its window (its model's, or all models' together). null means "no
 * figure" — the window had no request to take a rate or a percentile of — and a condition on no
 * figure does not hold: an idle model is not failing. Cost has a figure without traffic: $0.
 *
 * - p95_latency_ms: the window's p95 latency (merged histograms, never an average of p95s).
 * - error_rate: errors / requests (0 to 1).
 * - failover_rate: failover steps / requests (a request that went through three models counts 2).
 * - cost_per_hour_usd: the window's cost scaled to an hour.
 * - circuit_open: for a model, 1 while its circuit is open or half-open, else 0; for all models, how
 *   many circuits are open or half-open.
 */
export function readMetric(rule: { metric: AlertMetric; model?: string; windowSeconds: number }, figures: LiveFigures, circuits: ReadonlyMap<string, string>): number | null {
  if (rule.metric === 'circuit_open') {
    if (rule.model !== undefined) return isOpen(circuits.get(rule.model)) ? 1 : 0;
    let open = 0;
    for (const state of circuits.values()) if (isOpen(state)) open += 1;
    return open;
  }
  switch (rule.metric) {
    case 'cost_per_hour_usd':
      return (figures.costUsd * 3600) / rule.windowSeconds;
    case 'p95_latency_ms':
      return figures.latencyMs?.p95 ?? null;
    case 'error_rate':
      return figures.requests > 0 ? figures.errors / figures.requests : null;
    case 'failover_rate':
      return figures.requests > 0 ? figures.failovers / figures.requests : null;
    default:
      return unknownMetric(rule.metric);
  }
}

function isOpen(state: string | undefined): boolean {
  return state === 'open' || state === 'half-open';
}

function unknownMetric(metric: never): never {
  throw new Error(`no reading for metric ${String(metric)}`);
}
