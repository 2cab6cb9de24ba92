import { describe, expect, it } from 'vitest';
import type { LatencyHeatmapOutput, TimelineOutput } from '../../../shared/monitoring';
import { LATENCY_BAND_EDGES_MS } from '../../../shared/monitoring';
import { bandLabel, describeHeatmap, heatmapOption, heatmapTable } from '../../../client/src/charts/heatmap';
import { configMarkers, describeTimeline, renderSegment, timelineLanes, timelineOption, timelineTable } from '../../../client/src/charts/failover-timeline';
import { errorRateSpec } from '../../../client/src/charts/model-charts';
import type { SeriesPoint } from '../../../client/src/api/types';

const START = Date.parse('2026-12-06T12:00:00Z');
const MINUTE = 60_000;
const iso = (time: number) => new Date(time).toISOString().replace('.000Z', 'Z');
const bands = LATENCY_BAND_EDGES_MS.map((fromMs, index) => ({ fromMs, toMs: LATENCY_BAND_EDGES_MS[index + 1] ?? null }));
const counts = (entries: Record<number, number>) => bands.map((_, band) => entries[band] ?? 0);

function heatmap(buckets: Array<Record<number, number>>): LatencyHeatmapOutput {
  const shaped = buckets.map((entries, index) => {
    const row = counts(entries);
    return { start: iso(START + index * MINUTE), requests: row.reduce((sum, count) => sum + count, 0), counts: row };
  });
  return { range: { from: iso(START), to: iso(START + buckets.length * MINUTE), timezone: 'UTC', stepSeconds: 60 }, bands, buckets: shaped, requests: shaped.reduce((sum, bucket) => sum + bucket.requests, 0) };
}
const context = { timeZone: 'UTC', period: 'last hour, 1-minute buckets' };

describe('latency heatmap', () => {
  it('labels bands with their units, the last open-ended', () => {
    expect(bands.map(bandLabel)).toEqual(['0–1 ms', '1–2 ms', '2–5 ms', '5–10 ms', '10–20 ms', '20–50 ms', '50–100 ms', '100–200 ms', '200–500 ms', '500 ms–1 s', '1–2 s', '2–5 s', '5–10 s', '10–20 s', '20–50 s', '50–100 s', '≥ 100 s']);
  });

  it('draws only the bands in use (and one either side), blank cells for none, a labelled visual map', () => {
    // band 7 = 100–200 ms, band 9 = 500 ms–1 s
    const data = heatmap([{ 7: 3 }, {}, { 7: 1, 9: 2 }]);
    const option = heatmapOption(data, context);
    expect(option.yAxis.data).toEqual(['50–100 ms', '100–200 ms', '200–500 ms', '500 ms–1 s', '1–2 s']);
    expect(option.series[0]!.data).toEqual([
      [0, 1, 3],
      [2, 1, 1],
      [2, 3, 2],
    ]);
    expect(option.xAxis.data).toEqual(['12:00', '12:01', '12:02']);
    expect(option.xAxis.name).toBe('time (UTC)');
    expect(option.visualMap).toMatchObject({ min: 0, max: 3, text: ['3 requests per cell', '0'] });
    expect(option.aria.enabled).toBe(true);
    expect(describeHeatmap(data, context)).toBe('Latency distribution, last hour, 1-minute buckets, times in UTC: 6 requests; most took 100–200 ms, the slowest 500 ms–1 s.');
  });

  it('tells "no request" apart in its description, and its table adds up to the total', () => {
    expect(describeHeatmap(heatmap([{}, {}]), context)).toBe('Latency distribution, last hour, 1-minute buckets: no request in this range.');
    const data = heatmap([{ 7: 3 }, {}, { 7: 1, 9: 2 }]);
    const table = heatmapTable(data, context);
    expect(table.columns).toEqual(['Time (UTC)', '50–100 ms (requests)', '100–200 ms (requests)', '200–500 ms (requests)', '500 ms–1 s (requests)', '1–2 s (requests)']);
    expect(table.rows).toEqual([
      ['12:02', '0', '1', '0', '2', '0'],
      ['12:00', '0', '3', '0', '0', '0'],
    ]);
    expect(table.rows.flatMap((row) => row.slice(1).map(Number)).reduce((sum, count) => sum + count, 0)).toBe(data.requests);
  });
});

describe('failover timeline', () => {
  const answer: TimelineOutput = {
    range: { from: iso(START), to: iso(START + 60 * MINUTE), timezone: 'UTC', stepSeconds: 60 },
    models: [
      {
        modelId: 'flaky',
        initial: null,
        changes: [
          { at: iso(START + 10 * MINUTE), from: 'closed', to: 'open', reason: '3 consecutive failures (connection)', instanceId: 'a' },
          { at: iso(START + 11 * MINUTE), from: 'open', to: 'half-open', reason: 'cooldown elapsed', instanceId: 'a' },
          { at: iso(START + 12 * MINUTE), from: 'half-open', to: 'closed', reason: 'probe succeeded', instanceId: 'a' },
        ],
      },
      { modelId: 'down', initial: 'open', changes: [] },
    ],
    configChanges: [{ at: iso(START + 5 * MINUTE), kind: 'Model', objectId: 'flaky', revision: 2, action: 'update', actor: 'key_1' }],
    configTruncated: false,
  };
  const end = START + 60 * MINUTE;
  const timelineContext = { timeZone: 'UTC', period: 'last hour', from: START, to: end };

  it('turns changes into segments per lane; models without changes are healthy throughout', () => {
    const lanes = timelineLanes(answer, ['calm', 'flaky'], START, end);
    expect(lanes.map((lane) => lane.modelId)).toEqual(['calm', 'down', 'flaky']);
    expect(lanes[0]!.segments).toEqual([{ start: START, end, state: 'healthy' }]);
    expect(lanes[1]!.segments).toEqual([{ start: START, end, state: 'open' }]);
    expect(lanes[2]!.segments.map((segment) => [segment.start - START, segment.end - START, segment.state])).toEqual([
      [0, 10 * MINUTE, 'healthy'],
      [10 * MINUTE, 11 * MINUTE, 'open'],
      [11 * MINUTE, 12 * MINUTE, 'degraded'],
      [12 * MINUTE, 60 * MINUTE, 'healthy'],
    ]);
    expect(lanes[2]!.segments[1]!.reason).toBe('3 consecutive failures (connection)');
    // a range still going on ends its lanes at now
    expect(timelineLanes(answer, [], START, START + 30 * MINUTE)[1]!.segments.at(-1)!.end).toBe(START + 30 * MINUTE);
  });

  it('draws lanes as a custom series with config markers above them, described in words', () => {
    const lanes = timelineLanes(answer, ['flaky'], START, end);
    const markers = configMarkers(answer);
    const option = timelineOption(lanes, markers, timelineContext);
    expect(option.yAxis.data).toEqual(['config changes', 'down', 'flaky']);
    expect(option.xAxis).toMatchObject({ type: 'time', min: START, max: end, name: 'time (UTC)' });
    expect(option.series[0]!.data.map((item) => item.value)).toEqual([
      [1, START, end, 2],
      [2, START, START + 10 * MINUTE, 0],
      [2, START + 10 * MINUTE, START + 11 * MINUTE, 2],
      [2, START + 11 * MINUTE, START + 12 * MINUTE, 1],
      [2, START + 12 * MINUTE, end, 0],
    ]);
    expect(option.series[1]!.data).toEqual([{ value: [START + 5 * MINUTE, 'config changes'], label: 'Model flaky revision 2 (update) by key_1' }]);
    expect(describeTimeline(lanes, markers, timelineContext)).toBe(
      'Failover timeline, last hour, times in UTC: down: circuit open from 12:00:00; flaky: circuit open from 12:10:00, degraded (probing) from 12:11:00. 1 configuration change.',
    );
  });

  it('renders a segment clipped to the grid, with its state written when it fits', () => {
    const api = (values: number[]) => ({ value: (dimension: number) => values[dimension]!, coord: ([x, y]: [number, number]) => [x / 1000, y * 40] as [number, number], size: () => [0, 40] as [number, number] });
    const grid = { coordSys: { x: 100, y: 0, width: 300, height: 200 } };
    const wide = renderSegment(grid, api([1, 50_000, 900_000, 2])) as { children: Array<{ type: string; shape?: { x: number; width: number }; style: { text?: string } }> };
    expect(wide.children[0]!.shape).toMatchObject({ x: 100, width: 300 });
    expect(wide.children[1]!.style.text).toBe('circuit open');
    const narrow = renderSegment(grid, api([1, 150_000, 160_000, 0])) as { children: unknown[] };
    expect(narrow.children).toHaveLength(1);
    expect(renderSegment(grid, api([1, 0, 50_000, 0]))).toBeNull();
  });

  it('lists every segment and config change as table rows, newest first', () => {
    const lanes = timelineLanes(answer, [], START, end);
    const table = timelineTable(lanes, configMarkers(answer), timelineContext);
    expect(table.columns).toEqual(['From (UTC)', 'Model', 'State', 'Why']);
    expect(table.rows[0]).toEqual(['12:12:00', 'flaky', 'healthy', 'probe succeeded']);
    expect(table.rows).toContainEqual(['12:05:00', '—', 'configuration changed', 'Model flaky revision 2 (update) by key_1']);
    expect(table.rows).toHaveLength(6);
  });
});

describe('error rate chart', () => {
  it('is errors over requests in percent, and no data (not 0%) for a step without requests', () => {
    const point = (offset: number, requests: number, errors: number): SeriesPoint => ({ start: iso(START + offset * MINUTE), requests, errors, failovers: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, latencyMs: null, ttftMs: null });
    const spec = errorRateSpec([point(0, 4, 1), point(1, 0, 0), point(2, 5, 0)], { timeZone: 'UTC', period: 'last hour', stepSeconds: 60 });
    expect(spec.unit).toBe('%');
    expect(spec.series[0]!.points).toEqual([
      [START, 25],
      [START + MINUTE, null],
      [START + 2 * MINUTE, 0],
    ]);
  });
});
