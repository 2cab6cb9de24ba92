import { describe, expect, it } from 'vitest';
import { decide } from '../../server/routing/decide';
import { explainCandidates } from '../../server/routing/explain';
import type { HealthSnapshot } from '../../server/routing/types';
import type { RouteInput } from '../../shared/policy';
import { model, policy, registry, request } from './builders';

const models = [
  model('alpha', { capabilities: { reasoning: 90, speed: 30 }, pricing: { inputPer1M: 10, outputPer1M: 30 } }),
  model('bravo', { capabilities: { reasoning: 80, speed: 60 }, pricing: { inputPer1M: 2, outputPer1M: 6 } }),
  model('charlie', { capabilities: { reasoning: 70, speed: 90 }, pricing: { inputPer1M: 0.5, outputPer1M: 1 } }),
  model('delta', { capabilities: { reasoning: 60, speed: 80 }, pricing: { inputPer1M: 1, outputPer1M: 2 } }),
];
const snapshot = registry(models);

const cases: { name: string; route: RouteInput; health?: HealthSnapshot; chain: string[] }[] = [
  { name: 'capability: weighted score, best first', route: { strategy: 'capability', weights: { reasoning: 1 } }, chain: ['alpha', 'bravo', 'charlie'] },
  { name: 'capability: weights normalised, speed dominates', route: { weights: { reasoning: 1, speed: 3 } }, chain: ['charlie', 'delta', 'bravo'] },
  { name: 'capability: minimums filter', route: { weights: { reasoning: 1 }, minimums: { speed: 60 } }, chain: ['bravo', 'charlie', 'delta'] },
  { name: 'capability: chainLength', route: { weights: { reasoning: 1 }, chainLength: 2 }, chain: ['alpha', 'bravo'] },
  { name: 'cheapest: blended price ascending', route: { strategy: 'cheapest' }, chain: ['charlie', 'delta', 'bravo'] },
  { name: 'cheapest: among those meeting minimums', route: { strategy: 'cheapest', minimums: { reasoning: 75 } }, chain: ['bravo', 'alpha'] },
  {
    name: 'fastest: known latency first, unknown by speed score',
    route: { strategy: 'fastest', chainLength: 4 },
    health: { alpha: { circuit: 'closed', p50LatencyMs: 200 }, bravo: { circuit: 'closed', ttftP50Ms: 100 } },
    chain: ['bravo', 'alpha', 'charlie', 'delta'],
  },
  { name: 'pinned: the listed models in order, no others', route: { strategy: 'pinned', models: ['delta', 'alpha'] }, chain: ['delta', 'alpha'] },
  {
    name: 'half-open sorts last',
    route: { weights: { reasoning: 1 }, chainLength: 4 },
    health: { alpha: { circuit: 'half-open' } },
    chain: ['bravo', 'charlie', 'delta', 'alpha'],
  },
  {
    name: 'fastest: half-open last even when fastest',
    route: { strategy: 'fastest', chainLength: 2 },
    health: { charlie: { circuit: 'half-open', p50LatencyMs: 1 }, delta: { circuit: 'closed', p50LatencyMs: 50 } },
    chain: ['delta', 'bravo'],
  },
];

describe('strategies', () => {
  it.each(cases)('$name', ({ route, health, chain }) => {
    const decision = decide(request(), snapshot, health ?? {}, policy(route));
    expect(decision.chain).toEqual(chain);
    expect(decision.failure).toBeUndefined();
    expect(decision.rule).toBeNull();
  });

  it('without weights, capability weighs the five core capabilities equally', () => {
    const decision = decide(request(), registry([model('even'), model('strong', { capabilities: { creativity: 60 } })]), {}, policy());
    expect(decision.chain).toEqual(['strong', 'even']);
    expect(decision.route.weights).toEqual({ reasoning: 1, creativity: 1, precision: 1, speed: 1, context: 1 });
  });
});

describe('ties', () => {
  const same = { capabilities: { reasoning: 80 } };
  it.each([
    {
      name: 'capability tie → cheaper first',
      models: [model('zulu', { ...same, pricing: { inputPer1M: 1, outputPer1M: 1 } }), model('yankee', { ...same, pricing: { inputPer1M: 2, outputPer1M: 2 } })],
      route: { weights: { reasoning: 1 } } as RouteInput,
      chain: ['zulu', 'yankee'],
    },
    { name: 'capability and price tie → id order', models: [model('zulu', same), model('yankee', same)], route: { weights: { reasoning: 1 } } as RouteInput, chain: ['yankee', 'zulu'] },
    {
      name: 'cheapest tie → better fit first',
      models: [model('xray', { capabilities: { reasoning: 10 } }), model('whiskey', { capabilities: { reasoning: 20 } })],
      route: { strategy: 'cheapest', weights: { reasoning: 1 } } as RouteInput,
      chain: ['whiskey', 'xray'],
    },
    { name: 'cheapest full tie → id order', models: [model('xray'), model('whiskey')], route: { strategy: 'cheapest' } as RouteInput, chain: ['whiskey', 'xray'] },
    { name: 'fastest, both unknown, same speed → cheaper… then id', models: [model('victor'), model('uniform')], route: { strategy: 'fastest' } as RouteInput, chain: ['uniform', 'victor'] },
  ])('$name', ({ models: tied, route, chain }) => {
    expect(decide(request(), registry(tied), {}, policy(route)).chain).toEqual(chain);
  });

  it('fastest: equal latency → cheaper first', () => {
    const tied = [model('mike', { pricing: { inputPer1M: 5, outputPer1M: 5 } }), model('november')];
    const health: HealthSnapshot = { mike: { circuit: 'closed', p50LatencyMs: 100 }, november: { circuit: 'closed', p50LatencyMs: 100 } };
    expect(decide(request(), registry(tied), health, policy({ strategy: 'fastest' })).chain).toEqual(['november', 'mike']);
  });
});

describe('weighted', () => {
  const split = registry([model('stable'), model('canary'), model('spare')]);
  const route: RouteInput = { strategy: 'weighted', split: [{ model: 'stable', weight: 90 }, { model: 'canary', weight: 10 }] };

  it('the same request id always gets the same choice', () => {
    for (let n = 0; n < 50; n++) {
      const first = decide(request({ id: `id-${n}` }), split, {}, policy(route));
      const again = decide(request({ id: `id-${n}` }), split, {}, policy(route));
      expect(again.chain).toEqual(first.chain);
    }
  });

  it('splits traffic about as weighted, the other split model as fallback', () => {
    let canary = 0;
    for (let n = 0; n < 2000; n++) {
      const { chain } = decide(request({ id: `request-${n}` }), split, {}, policy(route));
      expect(chain).toHaveLength(2);
      expect([...chain].sort()).toEqual(['canary', 'stable']);
      if (chain[0] === 'canary') canary++;
    }
    expect(canary / 2000).toBeGreaterThan(0.07);
    expect(canary / 2000).toBeLessThan(0.13);
  });

  it("an excluded model's share goes to the others", () => {
    for (let n = 0; n < 100; n++) {
      const { chain } = decide(request({ id: `request-${n}` }), split, { stable: { circuit: 'open' } }, policy(route));
      expect(chain).toEqual(['canary']);
    }
  });

  it('scores each eligible model by its share of the split', () => {
    const decision = decide(request({ id: 'x' }), split, {}, policy(route));
    const shares = Object.fromEntries(explainCandidates(decision).map((candidate) => [candidate.modelId, candidate.score?.total]));
    expect(shares).toEqual({ stable: 90, canary: 10 });
  });
});
