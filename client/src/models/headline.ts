import type { SummaryOutput } from '../api/types';
import { formatValue, significant } from '../charts/units';

export interface HeadlineFigure {
  label: string;
  value: string;
  /** what the number covers: period, zone, currency, inclusions */
  scope: string;
}

/**
 * The dashboard's five headline figures from one summary. Pure, so the numbers are tested: req/s
 * over the snapped range, the range's true p95 (merged histograms, never an average), errors per
 * request, estimated cost, failovers. No request in the range is "no data", not zero.
 */
export function headlineFigures(summary: SummaryOutput, period: string, includesDemo: boolean): HeadlineFigure[] {
  const { totals, range } = summary;
  const seconds = (Date.parse(range.to) - Date.parse(range.from)) / 1000;
  const scope = `${period} · ${range.timezone}${includesDemo ? ' · includes demo traffic' : ''}`;
  const empty = totals.requests === 0;
  return [
    { label: 'Requests per second', value: formatValue(seconds > 0 ? totals.requests / seconds : null, 'req/s'), scope: `${scope} · ${totals.requests.toLocaleString('en-US')} requests` },
    { label: 'Latency p95', value: formatValue(summary.latencyMs?.p95 ?? null, 'ms'), scope: `${scope} · all requests answered` },
    { label: 'Error rate', value: empty ? 'no data' : formatValue((totals.errors / totals.requests) * 100, '%'), scope: `${scope} · ${totals.errors} errors of ${totals.requests}` },
    { label: 'Cost', value: `$${significant(totals.costUsd, 4)}`, scope: `${scope} · USD, estimated from list prices` },
    { label: 'Failovers', value: totals.failovers.toLocaleString('en-US'), scope: `${scope} · steps to a next model` },
  ];
}
