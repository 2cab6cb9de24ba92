import type { ExplainedDecision } from '../../shared/decision';

/** A decision as the request log writes it, for tests that feed the writer events of their own. */
export function explainedDecision(id: string, chain: string[], overrides: Partial<ExplainedDecision> = {}): ExplainedDecision {
  return {
    id,
    requestedModel: 'auto',
    resolvedModel: null,
    rule: null,
    strategy: 'capability',
    route: { strategy: 'capability', weights: {}, minimums: {}, maxPricePer1M: null, maxLatencyMs: null, chainLength: 3, fillChain: false },
    chain,
    candidates: chain.map((modelId) => ({ modelId, eligible: true })),
    ...overrides,
  };
}
