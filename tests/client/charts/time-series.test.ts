import { describe, expect, it } from 'vitest';
import { costSpec, latencySpec, requestsSpec, throughputSpec } from '../../../client/src/charts/model-charts';
import { capabilityOption, capabilityTable, sparklineOption } from '../../../client/src/charts/small-charts';
import { describeTimeSeries, SAMPLING_THRESHOLD, timeSeriesOption, timeSeriesTable, type TimeSeriesSpec } from '../../../client/src/charts/time-series';
import { formatValue } from '../../../client/src/charts/units';
import type { SeriesPoint } from '../../../client/src/api/types';

const START = Date.parse('2026-12-06T12:00:00Z');

function point(minute: number, fields: Partial<SeriesPoint> = {}): SeriesPoint {
  const requests = fields.requests ?? 10;
  return {
    start: new Date(START + minute * 60_000).toISOString(),
    requests,
    errors: 1,
    failovers: 2,
    inputTokens: 600,
    outputTokens: 1200,
    costUsd: 0.0123456,
    latencyMs: requests === 0 ? null : { p50: 100 + minute, p95: 300 + minute, p99: 900 + minute },
    ttftMs: requests === 0 ? null : { p50: 40, p95: 80, p99: 120 },
    ...fields,
  };
}

const context = { timeZone: 'Asia/Kathmandu', stepSeconds: 60, period: 'last hour, 1-minute buckets' };
const points = [point(0), point(1, { requests: 0 }), point(2)];

describe('time series options', () => {
  it('latency: p50, p95 and p99 as three separate lines, never stacked, with the unit on the axis and in the tooltip', () => {
    const option = timeSeriesOption(latencySpec(points, context));
    expect(option.series.map((series) => series.name)).toEqual(['p50', 'p95', 'p99']);
    for (const series of option.series) expect(series).not.toHaveProperty('stack');
    expect(JSON.stringify(option)).not.toContain('"stack"');
    // the p99 line's value is the p99, not p50 + p95 + p99
    expect(option.series[2]!.data[0]).toEqual([START, 900]);
    expect(option.yAxis.name).toBe('ms');
    expect(option.yAxis.axisLabel.formatter(1500)).toBe('1,500 ms');
    expect(option.tooltip.valueFormatter(42)).toBe('42 ms');
    expect(option.xAxis.name).toBe('time (Asia/Kathmandu)');
    // the tooltip's heading is in the reporting zone too (Kathmandu is UTC+5:45), whatever the browser's
    expect(option.xAxis.axisPointer.label.formatter({ value: START })).toBe(`${option.xAxis.axisLabel.formatter(START)} (Asia/Kathmandu)`);
    expect(option.xAxis.axisLabel.formatter(START)).toContain('17:45');
  });

  it('a step without requests is a gap (null), not zero', () => {
    const option = timeSeriesOption(latencySpec(points, context));
    expect(option.series[0]!.data[1]).toEqual([START + 60_000, null]);
    expect(option.series[0]!.connectNulls).toBe(false);
    expect(timeSeriesTable(latencySpec(points, context)).rows.map((row) => row[0])).toEqual(['17:47', '17:46', '17:45']);
    expect(timeSeriesTable(latencySpec(points, context)).rows[1]).toEqual(['17:46', 'no data', 'no data', 'no data']);
  });

  it('registers aria with a written description and decal patterns', () => {
    const spec = latencySpec(points, context);
    const option = timeSeriesOption(spec);
    expect(option.aria.enabled).toBe(true);
    expect(option.aria.decal.show).toBe(true);
    expect(option.aria.label.description).toBe(describeTimeSeries(spec));
    expect(option.aria.label.description).toContain('Latency, last hour, 1-minute buckets, times in Asia/Kathmandu.');
    expect(option.aria.label.description).toContain('p99: latest 902 ms, peak 902 ms at 17:47');
  });

  it('samples long series with lttb, short ones not', () => {
    const long = Array.from({ length: SAMPLING_THRESHOLD + 1 }, (_, minute) => point(minute));
    expect(timeSeriesOption(latencySpec(long, context)).series[0]).toMatchObject({ sampling: 'lttb' });
    expect(timeSeriesOption(latencySpec(points, context)).series[0]).not.toHaveProperty('sampling');
  });

  it('every chart of the model page has a unit on its value axis and names the zone on its time axis', () => {
    for (const spec of [latencySpec(points, context), latencySpec(points, context, 'ttftMs'), throughputSpec(points, context), requestsSpec(points, context), costSpec(points, context)]) {
      const option = timeSeriesOption(spec);
      expect(['ms', 'tok/s', 'req/s', 'USD']).toContain(option.yAxis.name);
      expect(option.xAxis.name).toContain('Asia/Kathmandu');
    }
    expect(throughputSpec(points, context).series[0]!.points[0]).toEqual([START, 20]);
    expect(requestsSpec(points, context).series.map((series) => series.name)).toEqual(['requests', 'errors', 'failovers']);
  });
});

describe('view as table: the same numbers as the chart', () => {
  const specs: TimeSeriesSpec[] = [latencySpec(points, context), throughputSpec(points, context), requestsSpec(points, context), costSpec(points, context)];
  it.each(specs.map((spec) => [spec.title, spec] as const))('%s', (_title, spec) => {
    const option = timeSeriesOption(spec);
    const table = timeSeriesTable(spec);
    expect(table.columns).toEqual([`Time (${spec.timeZone})`, ...spec.series.map((series) => `${series.name} (${spec.unit})`)]);
    option.series.forEach((series, column) => {
      series.data.forEach(([time, value], index) => {
        const row = table.rows.length - 1 - index;
        expect(table.rows[row]![0]).toBe(option.xAxis.axisLabel.formatter(time));
        expect(table.rows[row]![column + 1]).toBe(formatValue(value, spec.unit));
      });
    });
  });

  it('capabilities', () => {
    const scores = { reasoning: 90, speed: 45 };
    const option = capabilityOption('Capability profile', scores);
    expect(capabilityTable('Capability profile', scores).rows).toEqual(option.yAxis.data.map((name, index) => [name, String(option.series[0]!.data[index])]));
    expect(option.xAxis.name).toBe('score (0–100)');
    expect(option.aria.label.description).toBe('Capability profile: reasoning 90 of 100, speed 45 of 100.');
  });
});

describe('units', () => {
  it('costs keep 4 significant digits below a dollar; null is "no data"', () => {
    expect(formatValue(0.0004123456, 'USD')).toBe('$0.0004123');
    expect(formatValue(12.3456, 'USD')).toBe('$12.35');
    expect(formatValue(0, 'USD')).toBe('$0');
    expect(formatValue(null, 'ms')).toBe('no data');
    expect(formatValue(0, 'ms')).toBe('0 ms');
  });

  it('durations under 10 ms keep a decimal, under 1 ms two: a model on the same host is not "0 ms"', () => {
    expect(formatValue(0.4237, 'ms')).toBe('0.42 ms');
    expect(formatValue(4.237, 'ms')).toBe('4.2 ms');
    expect(formatValue(42.37, 'ms')).toBe('42 ms');
    expect(formatValue(1234.5, 'ms')).toBe('1,235 ms');
  });

  it('a sparkline says what it shows when there is nothing yet', () => {
    expect(sparklineOption('Live p95 latency of a', [null, null]).aria.label.description).toBe('Live p95 latency of a: no data yet.');
    expect(sparklineOption('Live p95 latency of a', [null, 120, 80]).aria.label.description).toBe('Live p95 latency of a: latest 80 ms, highest 120 ms over the last 3 seconds.');
  });
});
