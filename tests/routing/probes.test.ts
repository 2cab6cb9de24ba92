import { describe, expect, it } from 'vitest';
import { decide } from '../../server/routing/decide';
import { explainCandidates } from '../../server/routing/explain';
import type { HealthSnapshot } from '../../server/routing/types';
import type { RouteInput } from '../../shared/policy';
import { model, policy, registry, request } from './builders';

const NOW = Date.parse('2026-01-01T00:10:00Z');
const snapshot = registry([
  model('quick', { capabilities: { reasoning: 60 } }),
  model('steady', { capabilities: { reasoning: 80 } }),
  model('sluggish', { capabilities: { reasoning: 90 } }),
  model('old', { capabilities: { reasoning: 10 }, lifecycle: 'deprecated' }),
]);

const cases: Array<{ name: string; route: RouteInput; health: HealthSnapshot; chain: string[]; probe?: { modelId: string; reason: string }; model?: string }> = [
  {
    name: 'fastest: a slower model whose figure went stale is tried first, the regular chain after it',
    route: { strategy: 'fastest', chainLength: 2 },
    health: { quick: { circuit: 'closed', p50LatencyMs: 40 }, steady: { circuit: 'closed', p50LatencyMs: 300, probe: 'latency' } },
    chain: ['steady', 'quick'],
    probe: { modelId: 'steady', reason: 'latency_stale' },
  },
  {
    name: 'fastest: the first model needs no probe',
    route: { strategy: 'fastest', chainLength: 2 },
    health: { quick: { circuit: 'closed', p50LatencyMs: 40, probe: 'latency' }, steady: { circuit: 'closed', p50LatencyMs: 300 } },
    chain: ['quick', 'steady'],
  },
  {
    name: 'maxLatencyMs: a model excluded for latency alone is probed, one over chainLength',
    route: { weights: { reasoning: 1 }, maxLatencyMs: 500, chainLength: 2 },
    health: { sluggish: { circuit: 'closed', p50LatencyMs: 900, probe: 'latency' } },
    chain: ['sluggish', 'steady', 'quick'],
    probe: { modelId: 'sluggish', reason: 'latency_stale' },
  },
  {
    name: 'a route that does not read latency does not probe for it',
    route: { weights: { reasoning: 1 }, chainLength: 2 },
    health: { quick: { circuit: 'closed', p50LatencyMs: 40, probe: 'latency' } },
    chain: ['sluggish', 'steady'],
  },
  {
    name: 'a half-open circuit the route would use is probed first, on any strategy',
    route: { weights: { reasoning: 1 }, chainLength: 2 },
    health: { sluggish: { circuit: 'half-open', probe: 'circuit' } },
    chain: ['sluggish', 'steady', 'quick'],
    probe: { modelId: 'sluggish', reason: 'circuit_half_open' },
  },
  {
    name: 'half-open with its probe in flight: last, as before',
    route: { weights: { reasoning: 1 }, chainLength: 4 },
    health: { sluggish: { circuit: 'half-open' } },
    chain: ['steady', 'quick', 'old', 'sluggish'],
  },
  {
    name: 'a deprecated model is never probed first',
    route: { strategy: 'fastest', chainLength: 2 },
    health: { quick: { circuit: 'closed', p50LatencyMs: 40 }, old: { circuit: 'closed', p50LatencyMs: 60, probe: 'latency' } },
    chain: ['quick', 'old'],
  },
  {
    name: 'a named model is served as asked: no probe',
    model: 'quick',
    route: { strategy: 'fastest', chainLength: 2 },
    health: { steady: { circuit: 'closed', p50LatencyMs: 10, probe: 'latency' } },
    chain: ['quick'],
  },
];

describe('probes', () => {
  it.each(cases)('$name', ({ route, health, chain, probe, model: named }) => {
    const decision = decide(request({ model: named ?? 'auto' }), snapshot, health, policy(route), { now: NOW });
    expect(decision.chain).toEqual(chain);
    expect(decision.probe).toEqual(probe);
  });

  it('shows each candidate\'s latency figure and its age at the decision', () => {
    const health: HealthSnapshot = { quick: { circuit: 'closed', p50LatencyMs: 40, latencyAt: NOW - 1_500 }, sluggish: { circuit: 'closed', p50LatencyMs: 900, latencyAt: NOW - 12_000 } };
    const decision = decide(request(), snapshot, health, policy({ strategy: 'fastest', maxLatencyMs: 500 }), { now: NOW });
    const candidates = explainCandidates(decision);
    expect(candidates.find((candidate) => candidate.modelId === 'quick')!.score).toMatchObject({ latency: 40, latencyAgeMs: 1_500 });
    expect(candidates.find((candidate) => candidate.modelId === 'steady')!.score).toMatchObject({ latency: null, latencyAgeMs: null });
    expect(candidates.find((candidate) => candidate.modelId === 'sluggish')!.excluded).toEqual({ reason: 'over_latency_limit', detail: 'observed latency 900 ms (median of its latest calls, newest 12.0 s ago) is over the limit 500 ms' });
  });
});
