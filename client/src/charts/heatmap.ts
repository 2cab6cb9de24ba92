import type { LatencyHeatmapOutput } from '../../../shared/monitoring';
import { formatClock, formatDayClock } from '../time/reporting-zone';

/** The latency heatmap: x the range's steps, y the latency bands (log-spaced), colour the request count. */
export interface HeatmapContext {
  timeZone: string;
  /** e.g. "last hour, 1-minute buckets" */
  period: string;
}

/** "0–1 ms", "200–500 ms", "1–2 s", "≥ 100 s". */
export function bandLabel(band: { fromMs: number; toMs: number | null }): string {
  const text = (ms: number) => (ms >= 1_000 ? `${ms / 1_000}` : `${ms}`);
  const unit = (ms: number) => (ms >= 1_000 ? 's' : 'ms');
  if (band.toMs === null) return `≥ ${text(band.fromMs)} ${unit(band.fromMs)}`;
  // "500 ms–1 s": the unit changes inside the band
  if (unit(band.fromMs) !== unit(band.toMs)) return `${text(band.fromMs)} ${unit(band.fromMs)}–${text(band.toMs)} ${unit(band.toMs)}`;
  return `${text(band.fromMs)}–${text(band.toMs)} ${unit(band.toMs)}`;
}

function timeLabeller(data: LatencyHeatmapOutput, timeZone: string) {
  const long = Date.parse(data.range.to) - Date.parse(data.range.from) > 24 * 3_600_000;
  return (time: number) => (long ? formatDayClock(time, timeZone) : formatClock(time, timeZone, false));
}

/** The bands that ever held a request, lowest to highest, with one empty band either side for context. */
function shownBands(data: LatencyHeatmapOutput): number[] {
  const used = data.bands.map((_, band) => data.buckets.some((bucket) => (bucket.counts[band] ?? 0) > 0));
  const first = used.indexOf(true);
  const last = used.lastIndexOf(true);
  if (first === -1) return [];
  const indices = [];
  for (let band = Math.max(0, first - 1); band <= Math.min(data.bands.length - 1, last + 1); band++) indices.push(band);
  return indices;
}

export function describeHeatmap(data: LatencyHeatmapOutput, context: HeatmapContext): string {
  if (data.requests === 0) return `Latency distribution, ${context.period}: no request in this range.`;
  const totals = data.bands.map((_, band) => data.buckets.reduce((sum, bucket) => sum + (bucket.counts[band] ?? 0), 0));
  const busiest = totals.indexOf(Math.max(...totals));
  const highest = totals.findLastIndex((count) => count > 0);
  return `Latency distribution, ${context.period}, times in ${context.timeZone}: ${data.requests.toLocaleString('en-US')} requests; most took ${bandLabel(data.bands[busiest]!)}, the slowest ${bandLabel(data.bands[highest]!)}.`;
}

/**
 * The ECharts option. Only bands in use are drawn (a fast fleet is not a thin line at the bottom
 * of 17 rows); cells without requests stay blank, so "none" never looks like "few". The visualMap
 * is labelled with what its colour means.
 */
export function heatmapOption(data: LatencyHeatmapOutput, context: HeatmapContext) {
  const bands = shownBands(data);
  const label = timeLabeller(data, context.timeZone);
  const cells: Array<[number, number, number]> = [];
  let highest = 0;
  data.buckets.forEach((bucket, x) => {
    bands.forEach((band, y) => {
      const count = bucket.counts[band] ?? 0;
      if (count === 0) return;
      cells.push([x, y, count]);
      highest = Math.max(highest, count);
    });
  });
  return {
    animation: false,
    aria: { enabled: true, label: { description: describeHeatmap(data, context) } },
    // top: room for the latency axis's name; bottom: the time axis's name, then the colour scale
    grid: { left: 8, right: 16, top: 28, bottom: 64, containLabel: true },
    tooltip: {
      trigger: 'item' as const,
      formatter: (params: { value: [number, number, number] }) => {
        const [x, y, count] = params.value;
        return `${label(Date.parse(data.buckets[x]!.start))} (${context.timeZone})<br/>${bandLabel(data.bands[bands[y]!]!)}: ${count.toLocaleString('en-US')} requests`;
      },
    },
    xAxis: {
      type: 'category' as const,
      data: data.buckets.map((bucket) => label(Date.parse(bucket.start))),
      name: `time (${context.timeZone})`,
      nameLocation: 'middle' as const,
      nameGap: 26,
      axisLabel: { hideOverlap: true },
    },
    yAxis: { type: 'category' as const, data: bands.map((band) => bandLabel(data.bands[band]!)), name: 'latency (ms, s)', nameLocation: 'end' as const },
    visualMap: {
      type: 'continuous' as const,
      min: 0,
      max: Math.max(1, highest),
      orient: 'horizontal' as const,
      left: 'center',
      bottom: 0,
      itemHeight: 160,
      text: [`${Math.max(1, highest).toLocaleString('en-US')} requests per cell`, '0'],
      textGap: 8,
      inRange: { color: ['#d0ebff', '#4dabf7', '#1864ab', '#5f3dc4'] },
    },
    series: [{ type: 'heatmap' as const, name: 'requests per latency band', data: cells, emphasis: { itemStyle: { borderColor: '#000', borderWidth: 1 } } }],
  };
}

/** The same counts as a table: a row per step with requests (newest first), a column per band in use. */
export function heatmapTable(data: LatencyHeatmapOutput, context: HeatmapContext) {
  const bands = shownBands(data);
  const label = timeLabeller(data, context.timeZone);
  const rows = data.buckets
    .filter((bucket) => bucket.requests > 0)
    .reverse()
    .map((bucket) => [label(Date.parse(bucket.start)), ...bands.map((band) => String(bucket.counts[band] ?? 0))]);
  return { caption: `Latency distribution, ${context.period} (requests per band)`, columns: [`Time (${context.timeZone})`, ...bands.map((band) => `${bandLabel(data.bands[band]!)} (requests)`)], rows };
}
