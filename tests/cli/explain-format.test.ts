import { describe, expect, it } from 'vitest';
import { formatDecision } from '../../server/cli/explain-command';
import type { ExplainedDecision } from '../../shared/decision';

describe('grove explain text', () => {
  it('names a probe and shows how old each latency figure was', () => {
    const route = { strategy: 'fastest' as const, weights: {}, minimums: {}, maxPricePer1M: null, maxLatencyMs: null, chainLength: 2, fillChain: false };
    const decision: ExplainedDecision = {
      id: 'chatcmpl-1',
      requestedModel: 'auto',
      resolvedModel: null,
      rule: null,
      strategy: 'fastest',
      route,
      chain: ['slow', 'quick'],
      probe: { modelId: 'slow', reason: 'latency_stale' },
      candidates: [
        { modelId: 'slow', eligible: true, score: { rank: 2, total: 10, capabilityFit: 50, cost: 1, latency: 400, latencyAgeMs: 6_200, health: 100 } },
        { modelId: 'quick', eligible: true, score: { rank: 1, total: 100, capabilityFit: 50, cost: 1, latency: 40, latencyAgeMs: null, health: 100 } },
      ],
    };
    const text = formatDecision(decision);
    expect(text).toContain('probe     slow first (latency stale)\n');
    expect(text).toContain('latency 400 ms (6.2 s old)  health 100');
    expect(text).toContain('latency 40 ms  health 100');
  });
});
