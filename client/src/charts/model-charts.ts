import type { SeriesPoint } from '../api/types';
import type { TimeSeriesSpec } from './time-series';

/** The five charts of a model page, from `metrics.series` points (one per step). */
interface Context {
  timeZone: string;
  period: string;
  stepSeconds: number;
}

const at = (point: SeriesPoint) => Date.parse(point.start);

export function latencySpec(points: SeriesPoint[], context: Context, field: 'latencyMs' | 'ttftMs' = 'latencyMs'): TimeSeriesSpec {
  const title = field === 'latencyMs' ? 'Latency' : 'Time to first token';
  return {
    title,
    unit: 'ms',
    timeZone: context.timeZone,
    period: context.period,
    // separate lines, never stacked: the p99 line's height is the p99
    series: (['p50', 'p95', 'p99'] as const).map((name) => ({ name, points: points.map((point) => [at(point), point[field]?.[name] ?? null]) })),
  };
}

export function throughputSpec(points: SeriesPoint[], context: Context): TimeSeriesSpec {
  const perSecond = (value: number) => value / context.stepSeconds;
  return {
    title: 'Throughput',
    unit: 'tok/s',
    timeZone: context.timeZone,
    period: context.period,
    series: [
      { name: 'output tokens', points: points.map((point) => [at(point), point.requests === 0 ? null : perSecond(point.outputTokens)]) },
      { name: 'input tokens', points: points.map((point) => [at(point), point.requests === 0 ? null : perSecond(point.inputTokens)]) },
    ],
  };
}

export function requestsSpec(points: SeriesPoint[], context: Context): TimeSeriesSpec {
  return {
    title: 'Requests and errors',
    unit: 'req/s',
    timeZone: context.timeZone,
    period: context.period,
    // the error rate needs its denominator: requests on the same axis
    series: [
      { name: 'requests', points: points.map((point) => [at(point), point.requests / context.stepSeconds]) },
      { name: 'errors', points: points.map((point) => [at(point), point.errors / context.stepSeconds]) },
      { name: 'failovers', points: points.map((point) => [at(point), point.failovers / context.stepSeconds]) },
    ],
  };
}

/** Failed requests as a share of the step's requests; a step without requests has no rate (null), not 0%. */
export function errorRateSpec(points: SeriesPoint[], context: Context): TimeSeriesSpec {
  return {
    title: 'Error rate',
    unit: '%',
    timeZone: context.timeZone,
    period: context.period,
    series: [{ name: 'errors / requests', points: points.map((point) => [at(point), point.requests === 0 ? null : (point.errors / point.requests) * 100]) }],
  };
}

export function costSpec(points: SeriesPoint[], context: Context): TimeSeriesSpec {
  return {
    title: 'Cost (estimated from list prices)',
    unit: 'USD',
    timeZone: context.timeZone,
    period: context.period,
    series: [{ name: 'cost per step', points: points.map((point) => [at(point), point.costUsd]) }],
  };
}
