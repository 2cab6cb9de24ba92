import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decide } from '../../server/routing/decide';
import { explainCandidates } from '../../server/routing/explain';
import { listCandidates, listCandidatesWithin, type OmittedCandidates } from '../../server/routing/candidates';
import type { Candidate } from '../../server/routing/types';
import { EXCLUSION_REASONS } from '../../server/routing/types';
import type { HealthSnapshot, ModelHealth, RegistrySnapshot, RoutingRequest } from '../../server/routing/types';
import type { ModelObject } from '../../shared/objects';
import type { RouteInput, RoutingPolicySpecInput } from '../../shared/policy';
import { model, request } from './builders';

const IDS = ['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7'];
const id = fc.constantFrom(...IDS);
const score = fc.integer({ min: 0, max: 100 });

const modelArbitrary = (modelId: string): fc.Arbitrary<ModelObject> =>
  fc
    .record({
      lifecycle: fc.constantFrom('draft', 'active', 'active', 'active', 'active', 'deprecated', 'retired'),
      replacement: id,
      fallbacks: fc.uniqueArray(id, { maxLength: 3 }),
      provider: fc.constantFrom('simulated', 'anthropic'),
      reasoning: score,
      speed: score,
      input: fc.integer({ min: 0, max: 40 }),
      output: fc.integer({ min: 0, max: 80 }),
      contextWindow: fc.constantFrom(4_000, 32_000, 200_000),
    })
    .map((drawn) =>
      model(modelId, {
        lifecycle: drawn.lifecycle,
        replacement: drawn.lifecycle === 'retired' ? drawn.replacement : null,
        fallbacks: drawn.fallbacks.filter((target) => target !== modelId),
        provider: drawn.provider,
        aliases: [`alias-${modelId}`],
        capabilities: { reasoning: drawn.reasoning, speed: drawn.speed },
        pricing: { inputPer1M: drawn.input, outputPer1M: drawn.output },
        contextWindow: drawn.contextWindow,
        maxOutputTokens: 1_000,
      }),
    );

const registryArbitrary: fc.Arbitrary<RegistrySnapshot> = fc
  .integer({ min: 3, max: IDS.length })
  .chain((count) => fc.tuple(...IDS.slice(0, count).map(modelArbitrary)))
  .chain((models) =>
    fc.record({
      models: fc.constant(models),
      capabilities: fc.constant([]),
      modelsWithKey: fc.option(fc.uniqueArray(id, { minLength: 3 }).map((keys) => new Set(keys)), { nil: undefined, freq: 3 }),
    }),
  );

const healthArbitrary: fc.Arbitrary<HealthSnapshot> = fc.dictionary(
  id,
  fc.record(
    {
      circuit: fc.constantFrom('closed', 'half-open', 'half-open', 'open'),
      p50LatencyMs: fc.integer({ min: 1, max: 1500 }),
      errorRate: fc.double({ min: 0, max: 1, noNaN: true }),
      retryAfterUntil: fc.integer({ min: 0, max: 1000 }),
    },
    { requiredKeys: ['circuit'] },
  ) as fc.Arbitrary<ModelHealth>,
);

const routeArbitrary: fc.Arbitrary<RouteInput> = fc.oneof(
  fc.record(
    {
      strategy: fc.constantFrom('capability', 'cheapest', 'fastest'),
      weights: fc.record({ reasoning: fc.integer({ min: 0, max: 5 }), speed: fc.integer({ min: 1, max: 5 }) }),
      minimums: fc.record({ reasoning: fc.integer({ min: 0, max: 30 }) }),
      maxPricePer1M: fc.integer({ min: 10, max: 60 }),
      maxLatencyMs: fc.integer({ min: 800, max: 3000 }),
      chainLength: fc.integer({ min: 1, max: 6 }),
    },
    { requiredKeys: ['strategy'] },
  ),
  fc.record({ strategy: fc.constant('pinned' as const), models: fc.uniqueArray(id, { minLength: 1, maxLength: 5 }), chainLength: fc.integer({ min: 1, max: 6 }) }),
  fc.record({
    strategy: fc.constant('weighted' as const),
    split: fc.uniqueArray(fc.record({ model: id, weight: fc.integer({ min: 0, max: 100 }) }), { minLength: 1, maxLength: 4, selector: (share) => share.model }),
  }),
);

const policyArbitrary: fc.Arbitrary<RoutingPolicySpecInput> = fc.record({
  rules: fc.array(
    fc.record({
      name: fc.string(),
      priority: fc.integer({ min: 0, max: 5 }),
      when: fc.record({ taskType: fc.constantFrom('chat', 'code'), promptTokens: fc.record({ gt: fc.integer({ min: 0, max: 5000 }) }) }, { requiredKeys: [] }),
      route: routeArbitrary,
    }),
    { maxLength: 3 },
  ),
  default: routeArbitrary,
});

const requestArbitrary: fc.Arbitrary<RoutingRequest> = fc
  .record({
    id: fc.string(),
    model: fc.constantFrom('auto', 'auto', 'nope', ...IDS, ...IDS.map((modelId) => `alias-${modelId}`)),
    promptTokens: fc.oneof(fc.integer({ min: 0, max: 3_000 }), fc.integer({ min: 0, max: 40_000 })),
    maxTokens: fc.option(fc.integer({ min: 1, max: 1000 }), { nil: undefined }),
    scope: fc.constantFrom('admin', 'invoke'),
    requirements: fc.record(
      {
        taskType: fc.constantFrom('chat', 'code'),
        weights: fc.record({ speed: fc.integer({ min: 0, max: 3 }) }),
        strategy: fc.constantFrom('capability', 'cheapest', 'fastest'),
        maxPricePer1M: fc.integer({ min: 10, max: 60 }),
      },
      { requiredKeys: [] },
    ),
  })
  .map((drawn) => request(drawn));

const inputs = fc.record({ snapshot: registryArbitrary, health: healthArbitrary, policy: policyArbitrary, request: requestArbitrary, now: fc.integer({ min: 0, max: 2000 }) });

describe('decide properties', () => {
  it('a chain never holds a retired model, a draft not named by an admin, or a duplicate, and fits chainLength', () => {
    fc.assert(
      fc.property(inputs, ({ snapshot, health, policy, request: routed, now }) => {
        const decision = decide(routed, snapshot, health, policy, { now });
        const lifecycle = new Map(snapshot.models.map((entry) => [entry.metadata.id, entry.spec.lifecycle]));
        expect(new Set(decision.chain).size).toBe(decision.chain.length);
        expect(decision.chain.length).toBeLessThanOrEqual(decision.route.chainLength);
        for (const [position, modelId] of decision.chain.entries()) {
          expect(lifecycle.get(modelId)).not.toBe('retired');
          if (lifecycle.get(modelId) === 'draft') expect(routed.scope === 'admin' && position === 0 && decision.resolvedModel === modelId).toBe(true);
        }
        if (routed.model === 'auto' && decision.chain[0] !== undefined) expect(lifecycle.get(decision.chain[0])).toBe('active');
        expect(decision.chain.length === 0).toBe(decision.failure !== undefined);
      }),
      { numRuns: 400 },
    );
  });

  it('every ineligible candidate has a reason; every eligible one a score; the chain is eligible', () => {
    fc.assert(
      fc.property(inputs, ({ snapshot, health, policy, request: routed, now }) => {
        const decision = decide(routed, snapshot, health, policy, { now });
        const byId = new Map(explainCandidates(decision).map((candidate) => [candidate.modelId, candidate]));
        expect(byId.size).toBe(explainCandidates(decision).length);
        for (const candidate of explainCandidates(decision)) {
          if (candidate.eligible) expect(candidate.score?.rank).toBeGreaterThan(0);
          else {
            expect(EXCLUSION_REASONS).toContain(candidate.excluded?.reason);
            expect(candidate.excluded?.detail.length).toBeGreaterThan(0);
          }
        }
        for (const modelId of decision.chain) expect(byId.get(modelId)?.eligible).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('the same inputs give the same decision, with or without the compiled caches', () => {
    fc.assert(
      fc.property(inputs, ({ snapshot, health, policy, request: routed, now }) => {
        const first = JSON.stringify(decide(routed, snapshot, health, policy, { now }));
        expect(JSON.stringify(decide(routed, snapshot, health, policy, { now }))).toBe(first);
        const fresh = structuredClone({ snapshot, health, policy, routed });
        expect(JSON.stringify(decide(fresh.routed, fresh.snapshot, fresh.health, fresh.policy, { now }))).toBe(first);
      }),
      { numRuns: 300 },
    );
  });

  it("ranking by one pass gives the same chain as walking the cached order", () => {
    fc.assert(
      fc.property(inputs, ({ snapshot, health, policy, request: routed, now }) => {
        const { weights: _ignored, ...withoutWeights } = routed.requirements;
        const cached = decide({ ...routed, requirements: withoutWeights }, snapshot, health, policy, { now });
        const scanned = decide({ ...routed, requirements: { ...withoutWeights, weights: { ...cached.route.weights } } }, snapshot, health, policy, { now });
        expect(scanned.chain).toEqual(cached.chain);
      }),
      { numRuns: 400 },
    );
  });

  it('a bounded list is the whole list cut as the request log cuts it, built without listing the rest', () => {
    // more models than the others draw, most of them eligible: a bound then cuts through the ranked ones
    const extra = fc.array(fc.record({ reasoning: score, price: fc.integer({ min: 0, max: 40 }) }), { maxLength: 30 });
    fc.assert(
      fc.property(inputs, extra, fc.integer({ min: 1, max: 9 }), ({ snapshot, health, policy, request: routed, now }, more, limit) => {
        const models = [...snapshot.models, ...more.map((drawn, index) => model(`x${index}`, { capabilities: { reasoning: drawn.reasoning }, pricing: { inputPer1M: drawn.price, outputPer1M: drawn.price } }))];
        const decision = decide(routed, { ...snapshot, models, modelsWithKey: snapshot.modelsWithKey && new Set([...snapshot.modelsWithKey, ...models.map((entry) => entry.metadata.id).filter((modelId) => modelId.startsWith('x'))]) }, health, policy, { now });
        const basis = decision.basis!;
        if (basis.none) return;
        const whole = listCandidates(basis.context, basis);
        expect(listCandidatesWithin(basis.context, basis, limit)).toEqual(cutAsLogged(whole, [...decision.chain, decision.resolvedModel], limit));
      }),
      { numRuns: 1_000 },
    );
  });
});

/** The specification: what explains the decision (its chain, the model asked for), then the rest in order up to `limit`, the others counted. */
function cutAsLogged(candidates: Candidate[], explaining: Array<string | null>, limit: number): { candidates: Candidate[]; omitted: OmittedCandidates | null } {
  if (candidates.length <= limit) return { candidates, omitted: null };
  const explains = new Set(explaining);
  const kept = candidates.filter((candidate) => explains.has(candidate.modelId));
  const omitted: OmittedCandidates = { count: 0, byReason: {} };
  for (const candidate of candidates) {
    if (explains.has(candidate.modelId)) continue;
    if (kept.length < limit) kept.push(candidate);
    else {
      const reason = candidate.excluded?.reason ?? 'eligible';
      omitted.count++;
      omitted.byReason[reason] = (omitted.byReason[reason] ?? 0) + 1;
    }
  }
  return { candidates: kept, omitted: omitted.count > 0 ? omitted : null };
}
