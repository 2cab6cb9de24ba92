import { decide } from '../../server/routing';
import { LOGGED_CANDIDATES, loggedDecision } from '../../server/gateway/provenance';
import type { ModelObject } from '../../shared/objects';
import { DEFAULT_POLICY_SPEC } from '../../shared/policy';

const status = { revision: 1, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z' };
const model = (index: number, lifecycle: 'active' | 'draft' = 'active'): ModelObject => ({
  apiVersion: 'grove/v1',
  kind: 'Model',
  metadata: { id: `model-${String(index).padStart(3, '0')}` },
  spec: { provider: 'simulated', model: 'sim', capabilities: { reasoning: index % 100, creativity: 50, precision: 50, speed: 50, context: 50 }, contextWindow: 8000, maxOutputTokens: 1000, pricing: { inputPer1M: 1, outputPer1M: 1 }, timeoutMs: 1000, fallbacks: [], aliases: [], lifecycle, replacement: null },
  status,
});

const route = (models: ModelObject[]) => decide({ id: 'request-1', model: 'auto', promptTokens: 10, requirements: {}, scope: 'invoke' }, { models, capabilities: [] }, {}, DEFAULT_POLICY_SPEC);

describe('the decision as the request log keeps it', () => {
  test('a small registry is kept whole', () => {
    const decision = route(Array.from({ length: 10 }, (_, index) => model(index)));
    expect(loggedDecision(decision)).toBe(decision);
  });

  test('a large one keeps the chain and the best candidates, and counts the rest by reason', () => {
    const models = [...Array.from({ length: 900 }, (_, index) => model(index)), ...Array.from({ length: 100 }, (_, index) => model(900 + index, 'draft'))];
    const decision = route(models);
    const logged = loggedDecision(decision) as ReturnType<typeof loggedDecision> & { omittedCandidates: { count: number; byReason: Record<string, number> } };
    expect(logged.candidates).toHaveLength(LOGGED_CANDIDATES);
    expect(logged.candidates.slice(0, decision.chain.length).map((candidate) => candidate.modelId)).toEqual(decision.chain);
    expect(logged.chain).toEqual(decision.chain);
    expect(logged.omittedCandidates.count).toBe(1000 - LOGGED_CANDIDATES);
    expect(Object.values(logged.omittedCandidates.byReason).reduce((sum, count) => sum + count, 0)).toBe(1000 - LOGGED_CANDIDATES);
    expect(logged.omittedCandidates.byReason.eligible).toBeGreaterThan(0);
    expect(JSON.stringify(logged).length).toBeLessThan(JSON.stringify(decision).length / 10);
  });
});
