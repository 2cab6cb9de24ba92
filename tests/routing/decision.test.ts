import { describe, expect, it } from 'vitest';
import { decide } from '../../server/routing/decide';
import { explainCandidates, explainDecision } from '../../server/routing/explain';
import { compileRegistry } from '../../server/routing/compile-registry';
import { DEFAULT_POLICY_SPEC } from '../../shared/policy';
import { capability, model, policy, registry, request } from './builders';

const snapshot = registry(
  [
    model('thinker', { capabilities: { reasoning: 95, speed: 20, coding: 40 }, pricing: { inputPer1M: 15, outputPer1M: 75 } }),
    model('sprinter', { capabilities: { reasoning: 40, speed: 95 }, pricing: { inputPer1M: 0.1, outputPer1M: 0.4 } }),
    model('middle', { capabilities: { reasoning: 70, speed: 70, coding: 90 }, pricing: { inputPer1M: 1, outputPer1M: 3 } }),
  ],
  { capabilities: [capability('coding', 10)] },
);

describe('requirements from the request narrow the route', () => {
  const base = policy({ weights: { reasoning: 1 } });

  it("the request's weights replace the route's", () => {
    const decision = decide(request({ requirements: { weights: { speed: 1 } } }), snapshot, {}, base);
    expect(decision.chain).toEqual(['sprinter', 'middle', 'thinker']);
    expect(decision.route.weights).toEqual({ speed: 1 });
  });

  it("the request's strategy replaces capability", () => {
    const decision = decide(request({ requirements: { strategy: 'cheapest' } }), snapshot, {}, base);
    expect(decision.strategy).toBe('cheapest');
    expect(decision.chain[0]).toBe('sprinter');
  });

  it('but never a pinned route', () => {
    const pinned = policy({ strategy: 'pinned', models: ['thinker'] });
    const decision = decide(request({ requirements: { strategy: 'cheapest' } }), snapshot, {}, pinned);
    expect(decision.strategy).toBe('pinned');
    expect(decision.chain).toEqual(['thinker']);
  });

  it('limits take the stricter value', () => {
    const limited = policy({ weights: { reasoning: 1 }, maxPricePer1M: 1 });
    expect(decide(request({ requirements: { maxPricePer1M: 50 } }), snapshot, {}, limited).route.maxPricePer1M).toBe(1);
    expect(decide(request({ requirements: { maxPricePer1M: 0.5 } }), snapshot, {}, limited).chain).toEqual(['sprinter']);
    expect(decide(request({ requirements: { maxLatencyMs: 10 } }), snapshot, {}, limited).route.maxLatencyMs).toBe(10);
  });

  it('the same requirements again give the same decision (memoised route, cached order)', () => {
    const routed = request({ requirements: { weights: { speed: 2, reasoning: 1 }, maxPricePer1M: 40 } });
    const first = decide(routed, snapshot, {}, base);
    expect(first.chain).toEqual(['sprinter', 'middle', 'thinker']);
    for (let n = 0; n < 3; n++) expect(decide(routed, snapshot, {}, base)).toEqual(first);
    // many different requirements: the memo is bounded and still answers correctly
    for (let price = 0; price < 300; price++) {
      expect(decide(request({ requirements: { maxPricePer1M: price / 10, weights: { speed: 1 } } }), snapshot, {}, base).chain[0]).toBe(price / 10 >= 0.175 ? 'sprinter' : undefined);
    }
  });

  it('a declared capability scores its default where a model does not declare it', () => {
    const decision = decide(request(), snapshot, {}, policy({ weights: { coding: 1 } }));
    expect(decision.chain).toEqual(['middle', 'thinker', 'sprinter']);
    expect(explainCandidates(decision).find((candidate) => candidate.modelId === 'sprinter')?.score?.capabilityFit).toBe(10);
  });

  it('an unknown capability in the request scores 0', () => {
    const decision = decide(request({ requirements: { weights: { humour: 1, speed: 1 } } }), snapshot, {}, policy());
    expect(explainCandidates(decision)[0]?.score?.capabilityFit).toBe(47.5);
  });
});

describe('candidates and score breakdown', () => {
  it('lists the chain first, then other eligible by rank, then the excluded, each explained', () => {
    const decision = decide(request(), snapshot, { thinker: { circuit: 'closed', p50LatencyMs: 800, errorRate: 0.25 } }, policy({ weights: { reasoning: 1 }, chainLength: 2, maxPricePer1M: 10 }));
    expect(decision.chain).toEqual(['middle', 'sprinter']);
    expect(explainCandidates(decision)).toEqual([
      { modelId: 'middle', eligible: true, score: { rank: 1, total: 70, capabilityFit: 70, cost: 1.5, latency: null, latencyAgeMs: null, health: 100 } },
      { modelId: 'sprinter', eligible: true, score: { rank: 2, total: 40, capabilityFit: 40, cost: 0.175, latency: null, latencyAgeMs: null, health: 100 } },
      { modelId: 'thinker', eligible: false, excluded: { reason: 'over_cost_limit', detail: 'blended price $30 per 1M is over the limit $10' } },
    ]);
  });

  it('cheapest and fastest totals are relative to the best', () => {
    const health = { thinker: { circuit: 'closed' as const, p50LatencyMs: 400 }, middle: { circuit: 'closed' as const, p50LatencyMs: 100, errorRate: 0.1 } };
    const fastest = decide(request(), snapshot, health, policy({ strategy: 'fastest' }));
    expect(explainCandidates(fastest).map((candidate) => [candidate.modelId, candidate.score?.total, candidate.score?.health])).toEqual([
      ['middle', 100, 90],
      ['thinker', 25, 100],
      ['sprinter', 0, 100],
    ]);
    const cheapest = decide(request(), snapshot, {}, policy({ strategy: 'cheapest' }));
    expect(explainCandidates(cheapest).map((candidate) => candidate.score?.total)).toEqual([100, 11.67, 0.58]);
  });

  it('pinned totals follow the list', () => {
    const decision = decide(request(), snapshot, {}, policy({ strategy: 'pinned', models: ['thinker', 'middle'] }));
    expect(explainCandidates(decision).map((candidate) => [candidate.modelId, candidate.score?.rank, candidate.score?.total])).toEqual([
      ['thinker', 1, 100],
      ['middle', 2, 50],
    ]);
  });

  it('is plain data: no accessors, and its candidates come from explainCandidates, listed once', () => {
    const decision = decide(request(), snapshot, {}, policy());
    // a getter on the decision made JSON, spreads and clones run the explanation, and hid its cost
    expect(Object.values(Object.getOwnPropertyDescriptors(decision)).filter((property) => !('value' in property))).toEqual([]);
    expect(Object.keys(decision)).not.toContain('candidates');
    expect(structuredClone(decision)).toEqual(decision);
    expect(explainCandidates(decision)).toBe(explainCandidates(decision));
    expect(explainCandidates(decision)).toHaveLength(3);
    const explained = JSON.parse(JSON.stringify(explainDecision(decision))) as Record<string, unknown>;
    expect(Object.keys(explained)).toEqual(['id', 'requestedModel', 'resolvedModel', 'rule', 'strategy', 'route', 'chain', 'candidates']);
    expect(explained.candidates).toEqual(explainCandidates(decision));
    expect(() => explainCandidates({ ...decision })).toThrow(/not a copy/);
  });

  it('the route view is shared and frozen', () => {
    const decision = decide(request(), snapshot, {}, policy({ weights: { reasoning: 1 } }));
    expect(Object.isFrozen(decision.route)).toBe(true);
    expect(Object.isFrozen(decision.route.weights)).toBe(true);
  });

  it('the default policy ranks by the five core capabilities, chain of 3', () => {
    const decision = decide(request(), snapshot, {}, DEFAULT_POLICY_SPEC);
    expect(decision.route).toEqual({ strategy: 'capability', weights: { reasoning: 1, creativity: 1, precision: 1, speed: 1, context: 1 }, minimums: {}, maxPricePer1M: null, maxLatencyMs: null, chainLength: 3, fillChain: false });
    // fits: middle 58, sprinter 57, thinker 53
    expect(decision.chain).toEqual(['middle', 'sprinter', 'thinker']);
  });

  it('accepts a compiled registry as well as a snapshot', () => {
    const once = policy();
    expect(decide(request(), compileRegistry(snapshot), {}, once)).toEqual(decide(request(), snapshot, {}, once));
  });
});
