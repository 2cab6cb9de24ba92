import { describe, expect, it } from 'vitest';
import { HealthTracker } from '../../server/gateway/health';
import { LatencyWindow } from '../../server/gateway/latency-window';

const T0 = Date.parse('2026-01-01T00:00:00Z');

describe('LatencyWindow', () => {
  it('is the median of the newest calls: the last second when it holds enough, else the newest minSamples', () => {
    const window = new LatencyWindow(30, 5);
    // a busy second: it alone decides
    for (let call = 0; call < 20; call++) window.record(T0 + 1_000, 100);
    expect(window.estimate(T0 + 1_500)).toEqual({ p50: 100, at: T0 + 1_000, samples: 20 });
    // then a quiet recent past: two slow calls of the newest five are not the median, three are
    window.record(T0 + 5_000, 400);
    window.record(T0 + 6_000, 400);
    expect(window.estimate(T0 + 6_100)).toEqual({ p50: 100, at: T0 + 6_000, samples: 5 });
    window.record(T0 + 7_000, 400);
    expect(window.estimate(T0 + 7_100)).toEqual({ p50: 400, at: T0 + 7_000, samples: 5 });
  });

  it('under load the last second decides: a slowdown shows within a second, however many calls came before', () => {
    const window = new LatencyWindow(30, 5);
    for (let second = 0; second < 10; second++) for (let call = 0; call < 30; call++) window.record(T0 + second * 1_000 + call * 30, 20);
    for (let call = 0; call < 10; call++) window.record(T0 + 10_000 + call * 50, 500);
    expect(window.estimate(T0 + 10_600)!.p50).toBe(500);
  });

  it('forgets calls older than the window', () => {
    const window = new LatencyWindow(30, 5);
    window.record(T0, 900);
    expect(window.estimate(T0 + 29_000)!.p50).toBe(900);
    expect(window.estimate(T0 + 30_000)).toBeUndefined();
    window.record(T0 + 31_000, 50);
    expect(window.estimate(T0 + 31_000)).toEqual({ p50: 50, at: T0 + 31_000, samples: 1 });
  });
});

describe('HealthTracker latency and probes', () => {
  const success = (tracker: HealthTracker, modelId: string, now: number, latencyMs: number) => {
    expect(tracker.acquire(modelId, now - latencyMs)).toBe(true);
    tracker.recordSuccess(modelId, now, latencyMs);
  };

  it('moves its figure within three slow calls after a long fast history, and shows when the newest call was', () => {
    const tracker = new HealthTracker();
    let now = T0;
    for (let call = 0; call < 200; call++) success(tracker, 'm', (now += 250), 20);
    expect(tracker.snapshot(now).m).toMatchObject({ p50LatencyMs: 20 });
    // the figure's time, to a second: not renewed (nor the snapshot rebuilt) on every call
    expect(now - tracker.snapshot(now).m!.latencyAt!).toBeLessThanOrEqual(1_000);
    success(tracker, 'm', (now += 1_200), 800);
    success(tracker, 'm', (now += 1_000), 800);
    expect(tracker.snapshot(now).m!.p50LatencyMs).toBe(20);
    success(tracker, 'm', (now += 1_000), 800);
    expect(tracker.snapshot(now).m).toMatchObject({ p50LatencyMs: 800, latencyAt: now });
  });

  it('marks a model not called for 5 s due a latency probe, and its first call takes the mark', () => {
    const tracker = new HealthTracker();
    success(tracker, 'm', T0, 30);
    expect(tracker.snapshot(T0 + 4_900).m!.probe).toBeUndefined();
    expect(tracker.snapshot(T0 + 5_000).m!.probe).toBe('latency');
    tracker.acquire('m', T0 + 5_100);
    expect(tracker.snapshot(T0 + 5_100).m!.probe).toBeUndefined();
    // its figure is kept, with its time, even once the window has no call left
    expect(tracker.snapshot(T0 + 60_000).m).toMatchObject({ p50LatencyMs: 30, latencyAt: T0, probe: 'latency' });
  });

  it('marks a half-open circuit due a probe until one is in flight', () => {
    const tracker = new HealthTracker();
    for (let call = 0; call < 3; call++) tracker.recordFailure('m', T0, 'connection');
    expect(tracker.snapshot(T0 + 1_000).m).toMatchObject({ circuit: 'open', probe: undefined });
    expect(tracker.snapshot(T0 + 5_000).m).toMatchObject({ circuit: 'half-open', probe: 'circuit' });
    expect(tracker.acquire('m', T0 + 5_000)).toBe(true);
    expect(tracker.snapshot(T0 + 5_000).m).toMatchObject({ circuit: 'half-open', probe: undefined });
  });
});
