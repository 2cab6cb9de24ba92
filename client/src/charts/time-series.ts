import { formatClock, formatDayClock } from '../time/reporting-zone';
import { formatValue, type ChartUnit } from './units';

/**
 * One chart as data: the chart option and the "view as table" are both built from it, so the two
 * always show the same numbers. Points are [epoch ms, value or null]; null is "no data" (a gap in
 * the line), never 0.
 */
export interface TimeSeriesSpec {
  title: string;
  unit: ChartUnit;
  timeZone: string;
  /** what the range covers, e.g. "last hour, 1-minute buckets" (in the description and the table caption) */
  period: string;
  series: Array<{ name: string; points: Array<[number, number | null]> }>;
}

/** Past this many points a line is down-sampled (largest-triangle-three-buckets) as it is drawn. */
export const SAMPLING_THRESHOLD = 200;

/** A human summary for screen readers (ECharts' aria label), instead of a list of hundreds of points. */
export function describeTimeSeries(spec: TimeSeriesSpec): string {
  const parts = spec.series.map((series) => {
    const values = series.points.filter((point): point is [number, number] => point[1] !== null);
    if (values.length === 0) return `${series.name}: no data`;
    const peak = values.reduce((best, point) => (point[1] > best[1] ? point : best));
    const latest = values[values.length - 1]!;
    return `${series.name}: latest ${formatValue(latest[1], spec.unit)}, peak ${formatValue(peak[1], spec.unit)} at ${formatClock(peak[0], spec.timeZone, false)}`;
  });
  return `${spec.title}, ${spec.period}, times in ${spec.timeZone}. ${parts.join('; ')}.`;
}

function axisTime(spec: TimeSeriesSpec): (value: number) => string {
  const first = spec.series[0]?.points[0]?.[0] ?? 0;
  const last = spec.series[0]?.points.at(-1)?.[0] ?? 0;
  const long = last - first > 24 * 3600_000;
  return (value) => (long ? formatDayClock(value, spec.timeZone) : formatClock(value, spec.timeZone, false));
}

/**
 * The ECharts option of a time series. Lines are never stacked (p50/p95/p99 are separate lines on
 * one value axis), the unit is on the axis and in the tooltip, decals and aria are on.
 */
export function timeSeriesOption(spec: TimeSeriesSpec) {
  const timeLabel = axisTime(spec);
  return {
    animation: false,
    aria: { enabled: true, label: { description: describeTimeSeries(spec) }, decal: { show: true } },
    // bottom: room for the time axis's name (containLabel leaves axis names out)
    grid: { left: 8, right: 16, top: 40, bottom: 26, containLabel: true },
    legend: { top: 0, type: 'scroll' as const },
    tooltip: {
      trigger: 'axis' as const,
      valueFormatter: (value: unknown) => formatValue(typeof value === 'number' ? value : null, spec.unit),
    },
    xAxis: {
      type: 'time' as const,
      name: `time (${spec.timeZone})`,
      nameLocation: 'middle' as const,
      nameGap: 26,
      axisLabel: { formatter: timeLabel, hideOverlap: true },
      // the tooltip's heading: ECharts would print it in the browser's zone, not the reporting one
      axisPointer: { label: { formatter: ({ value }: { value: unknown }) => `${timeLabel(Number(value))} (${spec.timeZone})` } },
    },
    yAxis: { type: 'value' as const, name: spec.unit, min: 0, axisLabel: { formatter: (value: number) => formatValue(value, spec.unit) } },
    series: spec.series.map((series) => ({
      type: 'line' as const,
      name: series.name,
      data: series.points,
      showSymbol: series.points.length < 40,
      connectNulls: false,
      ...(series.points.length > SAMPLING_THRESHOLD ? { sampling: 'lttb' as const } : {}),
    })),
  };
}

/** The same numbers as a table: a row per time (newest first), a column per series, the unit in each header. */
export function timeSeriesTable(spec: TimeSeriesSpec): { caption: string; columns: string[]; rows: string[][]; times: number[] } {
  // newest first: the rows an operator looks for are the last ones
  const times = [...new Set(spec.series.flatMap((series) => series.points.map((point) => point[0])))].sort((a, b) => b - a);
  const lookup = spec.series.map((series) => new Map(series.points));
  const timeLabel = axisTime(spec);
  return {
    caption: `${spec.title}, ${spec.period}`,
    columns: [`Time (${spec.timeZone})`, ...spec.series.map((series) => `${series.name} (${spec.unit})`)],
    rows: times.map((time) => [timeLabel(time), ...lookup.map((values) => formatValue(values.get(time) ?? null, spec.unit))]),
    /** each row's time (epoch ms), for links from a row to its moment */
    times,
  };
}
