import { describe, expect, it } from 'vitest';
import { MetricsAggregator } from '../../server/telemetry/aggregator';
import { addEncoded, encodeHistogram, HISTOGRAM_PRECISION, newHistogram, percentilesOf, recordMs } from '../../server/telemetry/histogram';
import { NO_MODEL } from '../../server/telemetry/request-facts';
import { completed, exactPercentile, seededRandom } from './requests';

const T0 = Date.parse('2026-03-01T10:00:00Z');

/** Within the histogram's stated precision (1%), plus the microsecond values are rounded to. */
function expectClose(actual: number | undefined, exact: number): void {
  expect(actual).toBeDefined();
  expect(Math.abs(actual! - exact)).toBeLessThanOrEqual(exact * HISTOGRAM_PRECISION + 0.001);
}

function expectPercentiles(actual: { p50: number; p95: number; p99: number } | null, values: number[]): void {
  expect(actual).not.toBeNull();
  expectClose(actual!.p50, exactPercentile(values, 50));
  expectClose(actual!.p95, exactPercentile(values, 95));
  expectClose(actual!.p99, exactPercentile(values, 99));
}

const distributions: Array<{ name: string; draw: (random: () => number) => number }> = [
  { name: 'uniform 1–10,000 ms', draw: (random) => 1 + random() * 9_999 },
  { name: 'exponential, mean 250 ms', draw: (random) => -250 * Math.log(1 - random()) },
  { name: 'log-normal around 40 ms (sub-millisecond to seconds)', draw: (random) => 40 * Math.exp(1.5 * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())) },
  { name: 'bimodal: 95% near 20 ms, 5% near 3 s', draw: (random) => (random() < 0.95 ? 18 + random() * 4 : 2_900 + random() * 200) },
];

describe('the metrics aggregator', () => {
  it.each(distributions)('reads p50, p95 and p99 of $name within the stated precision', ({ draw }) => {
    const random = seededRandom(7);
    const aggregator = new MetricsAggregator();
    const latencies: number[] = [];
    const ttfts: number[] = [];
    for (let index = 0; index < 20_000; index++) {
      const latencyMs = draw(random);
      const ttftMs = latencyMs * random();
      latencies.push(latencyMs);
      ttfts.push(ttftMs);
      // all complete within one second, T0 + 1 s
      aggregator.recordRequest(completed({ at: T0 + 1_000 - latencyMs, latencyMs, ttftMs }));
    }
    const view = aggregator.live(T0 + 1_500, 1);
    expect(view.overall.requests).toBe(20_000);
    expectPercentiles(view.overall.latencyMs, latencies);
    expectPercentiles(view.overall.ttftMs, ttfts);
  });

  it('merges models by their histograms: the overall p99 is the p99 of all requests, not an average of p99s', () => {
    const aggregator = new MetricsAggregator();
    const all: number[] = [];
    // 990 fast requests on one model, 10 very slow on another: the overall p99 is fast
    for (let index = 0; index < 990; index++) {
      const latencyMs = 10 + (index % 10);
      all.push(latencyMs);
      aggregator.recordRequest(completed({ at: T0, latencyMs, servedModel: 'fast' }));
    }
    for (let index = 0; index < 10; index++) {
      all.push(5_000);
      aggregator.recordRequest(completed({ at: T0 - 5_000 + 19, latencyMs: 5_000, servedModel: 'slow' }));
    }
    const view = aggregator.live(T0 + 100, 1);
    expect(view.models.map((model) => [model.modelId, model.requests])).toEqual([
      ['fast', 990],
      ['slow', 10],
    ]);
    expectPercentiles(view.overall.latencyMs, all);
    expect(view.overall.latencyMs!.p99).toBeLessThan(20);
  });

  it('counts requests, errors, failovers, tokens and cost per model; a refused request counts under no model', () => {
    const aggregator = new MetricsAggregator();
    aggregator.recordRequest(completed({ at: T0, latencyMs: 5, promptTokens: 10, completionTokens: 20, costUsd: 0.001 }));
    aggregator.recordRequest(
      completed({
        at: T0,
        latencyMs: 9,
        servedModel: 'model-b',
        promptTokens: 7,
        completionTokens: 3,
        costUsd: 0.0005,
        attempts: [
          { modelId: 'model-a', provider: 'simulated', startedAt: T0, latencyMs: 2, outcome: 'error', errorKind: 'server' },
          { modelId: 'model-c', provider: 'simulated', startedAt: T0, latencyMs: 0, outcome: 'skipped' },
          { modelId: 'model-b', provider: 'simulated', startedAt: T0, latencyMs: 7, outcome: 'ok' },
        ],
      }),
    );
    aggregator.recordRequest(completed({ at: T0, latencyMs: 30, servedModel: undefined, outcome: 'error', status: 502, attempts: [{ modelId: 'model-a', provider: 'simulated', startedAt: T0, latencyMs: 30, outcome: 'error', errorKind: 'timeout' }] }));
    aggregator.recordRequest(completed({ at: T0, latencyMs: 1, servedModel: undefined, outcome: 'client_error', status: 404, attempts: [] }));
    const view = aggregator.live(T0 + 100, 1);
    const byModel = Object.fromEntries(view.models.map(({ modelId, requests, errors, failovers, inputTokens, outputTokens, costUsd }) => [modelId, { requests, errors, failovers, inputTokens, outputTokens, costUsd }]));
    expect(byModel).toEqual({
      'model-a': { requests: 2, errors: 1, failovers: 0, inputTokens: 10, outputTokens: 20, costUsd: 0.001 },
      'model-b': { requests: 1, errors: 0, failovers: 2, inputTokens: 7, outputTokens: 3, costUsd: 0.0005 },
      [NO_MODEL]: { requests: 1, errors: 0, failovers: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 },
    });
    expect(view.overall).toMatchObject({ requests: 4, errors: 1, failovers: 2, inputTokens: 17, outputTokens: 23 });
    expect([...aggregator.totals.failovers.values()]).toEqual([
      { from: 'model-a', to: 'model-c', count: 1 },
      { from: 'model-c', to: 'model-b', count: 1 },
    ]);
  });

  it('keeps the live window to its seconds: older seconds age out, and a tick tells the second that just ended', () => {
    const aggregator = new MetricsAggregator({ liveSeconds: 10 });
    for (let second = 0; second < 30; second++) aggregator.recordRequest(completed({ at: T0 + second * 1_000, latencyMs: second + 1 }));
    const now = T0 + 29_500;
    const view = aggregator.live(now, 60);
    expect(view.overall.requests).toBe(10);
    expect(view.to - view.from).toBe(10_000);
    // the first ticks: every second counted that the window still holds, up to the one that just ended
    const ticks = aggregator.ticks(now);
    expect(ticks.map((tick) => (tick.second - T0) / 1000)).toEqual([19, 20, 21, 22, 23, 24, 25, 26, 27, 28]);
    const tick = ticks.at(-1);
    expect(tick).toMatchObject({ type: 'metrics.tick', second: T0 + 28_000, overall: { requests: 1 }, models: [{ modelId: 'model-a', requests: 1 }] });
    expectClose(tick!.overall.latencyMs!.p50, 29);
    // a minute later, with no traffic, the model is forgotten
    expect(aggregator.ticks(now + 60_000).at(-1)!.models).toEqual([]);
  });

  it('the first tick starts at the first second a request was counted in: none is left out at the start', () => {
    const aggregator = new MetricsAggregator({ liveSeconds: 10 });
    // counted in second 0, before the process's first tick, which comes in second 2
    aggregator.recordRequest(completed({ at: T0 + 400, latencyMs: 10 }));
    const ticks = aggregator.ticks(T0 + 2_020);
    expect(ticks.map((tick) => [(tick.second - T0) / 1000, tick.overall.requests])).toEqual([
      [0, 1],
      [1, 0],
    ]);
    // without any request, the first tick is the second that just ended
    expect(new MetricsAggregator().ticks(T0 + 2_020).map((tick) => (tick.second - T0) / 1000)).toEqual([1]);
  });

  it('ticks every second once: a late timer makes up the seconds it missed, an early one repeats none', () => {
    const aggregator = new MetricsAggregator({ liveSeconds: 10 });
    for (let second = 0; second < 8; second++) aggregator.recordRequest(completed({ at: T0 + second * 1_000 + 100, latencyMs: 10 }));
    const seconds = (ticks: { second: number }[]) => ticks.map((tick) => (tick.second - T0) / 1_000);
    expect(seconds(aggregator.ticks(T0 + 1_900))).toEqual([0]);
    // fired again within the same second: nothing new
    expect(aggregator.ticks(T0 + 1_999)).toEqual([]);
    // fired 2.2 s late: seconds 1, 2 and 3, each with its request
    const late = aggregator.ticks(T0 + 4_100);
    expect(seconds(late)).toEqual([1, 2, 3]);
    expect(late.map((tick) => tick.overall.requests)).toEqual([1, 1, 1]);
    // a gap longer than the live window starts at its oldest second
    expect(seconds(aggregator.ticks(T0 + 30_000))).toEqual([20, 21, 22, 23, 24, 25, 26, 27, 28, 29]);
  });

  it('closes a minute after its end and the grace, and its quarter when the quarter ends; a late request reopens its minute', () => {
    const aggregator = new MetricsAggregator({ graceMs: 2_000 });
    const quarter = Date.parse('2026-03-01T10:15:00Z');
    for (let minute = 0; minute < 15; minute++) {
      aggregator.recordRequest(completed({ at: quarter + minute * 60_000 + 1_000, latencyMs: 100, keyId: 'key_a', costUsd: 0.25 }));
      aggregator.recordRequest(completed({ at: quarter + minute * 60_000 + 2_000, latencyMs: 300, keyId: 'key_b', costUsd: 0.5 }));
    }
    expect(aggregator.closeRollups(quarter + 60_000 + 1_999)).toEqual([]);
    const first = aggregator.closeRollups(quarter + 60_000 + 2_000);
    expect(first.map((row) => [row.bucketSeconds, row.bucketStart, row.keyId, row.requests, row.costUsd])).toEqual([
      [60, quarter, 'key_a', 1, 0.25],
      [60, quarter, 'key_b', 1, 0.5],
    ]);
    // a request that completes late for the first minute (a clock stepped back)
    aggregator.recordRequest(completed({ at: quarter + 30_000, latencyMs: 50, keyId: 'key_a', costUsd: 1 }));
    const rest = aggregator.closeRollups(quarter + 15 * 60_000 + 2_000);
    const minutes = rest.filter((row) => row.bucketSeconds === 60);
    const quarters = rest.filter((row) => row.bucketSeconds === 900);
    expect(minutes).toHaveLength(29);
    expect(quarters.map((row) => [row.bucketStart, row.keyId, row.requests, row.costUsd])).toEqual([
      [quarter, 'key_a', 16, 15 * 0.25 + 1],
      [quarter, 'key_b', 15, 15 * 0.5],
    ]);
    const keyA = newHistogram();
    addEncoded(keyA, quarters[0]!.latency);
    expect(keyA.totalCount).toBe(16);
    expectClose(percentilesOf(keyA)!.p50, 100);
  });

  it('shows what is still open as rows: open minutes, and open quarters with the minutes not yet in them', () => {
    const aggregator = new MetricsAggregator();
    aggregator.recordRequest(completed({ at: T0, latencyMs: 10 }));
    aggregator.recordRequest(completed({ at: T0 + 60_000, latencyMs: 10 }));
    aggregator.closeRollups(T0 + 62_000);
    expect(aggregator.openRows(60).map((row) => row.requests)).toEqual([1]);
    expect(aggregator.openRows(900).map((row) => [row.bucketSeconds, row.requests])).toEqual([
      [900, 1],
      [60, 1],
    ]);
  });
});

describe('histogram encoding', () => {
  it('gives back the same counts and percentiles, and refuses text that is not a histogram', () => {
    const random = seededRandom(3);
    const histogram = newHistogram();
    for (let index = 0; index < 5_000; index++) recordMs(histogram, random() * 2_000);
    recordMs(histogram, 600_000);
    const copy = newHistogram();
    addEncoded(copy, encodeHistogram(histogram));
    expect(copy.totalCount).toBe(histogram.totalCount);
    expect(percentilesOf(copy)).toEqual(percentilesOf(histogram));
    expect(copy.getValueAtPercentile(100)).toBe(histogram.getValueAtPercentile(100));
    expect(() => addEncoded(newHistogram(), '{"a":1}')).toThrow('not an encoded histogram');
    expect(() => addEncoded(newHistogram(), '[1,-2]')).toThrow('not an encoded histogram');
  });
});

describe('windowFigures (what an alert rule reads)', () => {
  it('counts as live() does, for a model or all together, merging latency only when asked', () => {
    const aggregator = new MetricsAggregator();
    const random = seededRandom(11);
    for (let index = 0; index < 2_000; index++) {
      const second = Math.floor(random() * 30);
      aggregator.recordRequest(completed({ at: T0 + second * 1_000, latencyMs: 1 + random() * 500, ttftMs: 1, servedModel: index % 3 === 0 ? 'a' : 'b', outcome: random() < 0.1 ? 'error' : 'ok', costUsd: 0.001 }));
    }
    const now = T0 + 30_000;
    const live = aggregator.live(now, 20);
    const { ttftMs: _ttft, costUsd, ...overall } = live.overall;
    // all models are read from a window of their own: the same requests, summed in another order
    const all = aggregator.windowFigures(now, 20, undefined, true);
    expect(all).toEqual({ ...overall, costUsd: expect.closeTo(costUsd, 9), ttftMs: null });
    const { ttftMs: _modelTtft, modelId: _id, ...modelA } = live.models.find((model) => model.modelId === 'a')!;
    expect(aggregator.windowFigures(now, 20, 'a', true)).toEqual({ ...modelA, ttftMs: null });
    expect(aggregator.windowFigures(now, 20, 'a', false)).toEqual({ ...modelA, latencyMs: null, ttftMs: null });
    expect(aggregator.windowFigures(now, 20, 'unknown', true)).toMatchObject({ requests: 0, latencyMs: null });
  });
});
