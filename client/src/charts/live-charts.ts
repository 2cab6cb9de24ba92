import { FLEET, type LiveField, type LiveHistory } from '../live/live-history';
import { lttb } from './lttb';
import type { TimeSeriesSpec } from './time-series';

/**
 * The Monitoring page's live charts, from up to an hour of one-second points. Each line is
 * down-sampled (LTTB) to about as many points as a chart is wide before it reaches ECharts: ten
 * models' hour is 36,000 points, drawn as ten lines of a few hundred.
 */
export const LIVE_POINTS = 300;

export interface LiveContext {
  timeZone: string;
  /** the oldest second shown (epoch ms) */
  since: number;
  period: string;
}

function line(history: LiveHistory, scope: string, field: LiveField, context: LiveContext, name: string) {
  return { name, points: lttb(history.series(scope, field, context.since), LIVE_POINTS) };
}

/** One model's p50/p95/p99 (never stacked); for all models, each model's p95: which one is slow. */
export function liveLatencySpec(history: LiveHistory, model: string | null, context: LiveContext): TimeSeriesSpec {
  const series = model
    ? [line(history, model, 'latencyP50', context, 'p50'), line(history, model, 'latencyP95', context, 'p95'), line(history, model, 'latencyP99', context, 'p99')]
    : history.models.map((modelId) => line(history, modelId, 'latencyP95', context, `${modelId} p95`));
  return { title: model ? 'Live latency' : 'Live latency p95 per model', unit: 'ms', timeZone: context.timeZone, period: context.period, series };
}

/** Requests and errors each second, of one model or the fleet. */
export function liveTrafficSpec(history: LiveHistory, model: string | null, context: LiveContext): TimeSeriesSpec {
  const scope = model ?? FLEET;
  return {
    title: 'Live requests and errors',
    unit: 'req/s',
    timeZone: context.timeZone,
    period: context.period,
    series: [line(history, scope, 'requests', context, 'requests'), line(history, scope, 'errors', context, 'errors')],
  };
}
