import { describe, expect, it } from 'vitest';
import type { LiveTick } from '../../../shared/feeds';
import { liveLatencySpec, liveTrafficSpec, LIVE_POINTS } from '../../../client/src/charts/live-charts';
import { FLEET, LiveHistory } from '../../../client/src/live/live-history';
import { withLiveChanges } from '../../../client/src/components/FailoverTimeline/FailoverTimeline';

const START = Date.parse('2026-12-06T12:00:00Z');
const figures = (requests: number, p95: number | null) => ({ requests, errors: requests > 2 ? 1 : 0, failovers: 0, inputTokens: 10, outputTokens: 20, costUsd: 0.001, latencyMs: p95 === null ? null : { p50: p95 / 2, p95, p99: p95 * 2 }, ttftMs: null });
function tick(offsetSeconds: number, models: Record<string, number>): LiveTick {
  const entries = Object.entries(models);
  return {
    type: 'metrics.tick',
    at: new Date(START + offsetSeconds * 1000 + 5).toISOString(),
    second: new Date(START + offsetSeconds * 1000).toISOString(),
    instances: 1,
    overall: figures(entries.length, entries.length ? Math.max(...entries.map(([, p95]) => p95)) : null),
    models: entries.map(([modelId, p95]) => ({ modelId, ...figures(1, p95) })),
  };
}

describe('LiveHistory', () => {
  it('appends ticks as columns; a model seen late has no data before it, and zero requests while idle', () => {
    const history = new LiveHistory();
    history.append(tick(0, { a: 100 }));
    history.append(tick(1, { a: 110, b: 300 }));
    history.append(tick(2, { b: 310 }));
    expect(history.models).toEqual(['a', 'b']);
    expect(history.series('a', 'latencyP95')).toEqual([
      [START, 100],
      [START + 1000, 110],
      [START + 2000, null],
    ]);
    expect(history.series('b', 'latencyP95')).toEqual([
      [START, null],
      [START + 1000, 300],
      [START + 2000, 310],
    ]);
    expect(history.series('a', 'requests').map((point) => point[1])).toEqual([1, 1, 0]);
    expect(history.series(FLEET, 'requests').map((point) => point[1])).toEqual([1, 2, 1]);
    expect(history.series('a', 'latencyP95', START + 1000)).toHaveLength(2);
  });

  it('ignores a repeated tick, and breaks the line where seconds are missing', () => {
    const history = new LiveHistory();
    expect(history.append(tick(0, { a: 100 }))).toBe(true);
    expect(history.append(tick(0, { a: 999 }))).toBe(false);
    history.append(tick(5, { a: 120 }));
    expect(history.series('a', 'latencyP95')).toEqual([
      [START, 100],
      [START + 1000, null],
      [START + 5000, 120],
    ]);
  });

  it('keeps at most its capacity of seconds, dropping the oldest, with every column still aligned', () => {
    const history = new LiveHistory(100);
    for (let second = 0; second < 250; second++) history.append(tick(second, second >= 200 ? { a: second, late: second + 1 } : { a: second }));
    expect(history.times.length).toBeLessThanOrEqual(160);
    expect(history.times.at(-1)).toBe(START + 249_000);
    const a = history.series('a', 'latencyP95');
    expect(a.every(([time, value]) => value === (time - START) / 1000)).toBe(true);
    const late = history.series('late', 'latencyP95');
    expect(late.filter(([, value]) => value !== null).every(([time, value]) => value === (time - START) / 1000 + 1)).toBe(true);
    expect(late.find(([, value]) => value !== null)![0]).toBe(START + 200_000);
  });

  it('feeds charts an hour of ten models as ten sampled lines; one model as p50/p95/p99, never stacked', () => {
    const history = new LiveHistory();
    const models = Object.fromEntries(Array.from({ length: 10 }, (_, index) => [`model-${index}`, 100 + index]));
    for (let second = 0; second < 3_600; second++) history.append(tick(second, models));
    const context = { timeZone: 'UTC', since: START, period: 'live' };
    const fleet = liveLatencySpec(history, null, context);
    expect(fleet.series.map((series) => series.name)).toEqual(Object.keys(models).map((id) => `${id} p95`));
    for (const series of fleet.series) expect(series.points.length).toBeLessThanOrEqual(LIVE_POINTS);
    const one = liveLatencySpec(history, 'model-3', context);
    expect(one.series.map((series) => series.name)).toEqual(['p50', 'p95', 'p99']);
    expect(one.series[1]!.points[0]).toEqual([START, 103]);
    expect(liveTrafficSpec(history, null, context).series.map((series) => series.name)).toEqual(['requests', 'errors']);
    expect(liveTrafficSpec(history, null, context).unit).toBe('req/s');
  });
});

describe('the timeline with live events', () => {
  const answer = {
    range: { from: '2026-12-06T12:00:00Z', to: '2026-12-06T13:00:00Z', timezone: 'UTC', stepSeconds: 60 },
    models: [{ modelId: 'a', initial: null, changes: [{ at: '2026-12-06T12:10:00Z', from: 'closed', to: 'open', reason: 'x', instanceId: 'i' }] }],
    configChanges: [{ at: '2026-12-06T12:05:00Z', kind: 'Model', objectId: 'a', revision: 2, action: 'update', actor: 'k' }],
    configTruncated: false,
  };

  it('adds circuit and config events the answer does not have yet, once', () => {
    const merged = withLiveChanges(
      answer,
      [
        // the answer's own change, told again by the feed (to the ms): not twice
        { type: 'circuit.changed', at: '2026-12-06T12:10:00.250Z', modelId: 'a', from: 'closed', to: 'open', reason: 'x' },
        { type: 'circuit.changed', at: '2026-12-06T12:20:00.100Z', modelId: 'b', from: 'closed', to: 'open', reason: 'y' },
        { type: 'model.changed', at: '2026-12-06T12:05:00.000Z', modelId: 'a', action: 'update', revision: 2, actorKeyId: 'k' },
        { type: 'policy.changed', at: '2026-12-06T12:30:00.000Z', policyId: 'default', action: 'update', revision: 4, actorKeyId: 'k' },
      ],
      null,
    );
    expect(merged.models.map((model) => [model.modelId, model.changes.length])).toEqual([
      ['a', 1],
      ['b', 1],
    ]);
    expect(merged.configChanges.map((change) => `${change.kind} ${change.objectId} ${change.revision}`)).toEqual(['Model a 2', 'RoutingPolicy default 4']);
    expect(withLiveChanges(answer, [{ type: 'circuit.changed', at: '2026-12-06T12:20:00Z', modelId: 'b', from: 'closed', to: 'open', reason: 'y' }], 'a').models).toHaveLength(1);
  });
});
