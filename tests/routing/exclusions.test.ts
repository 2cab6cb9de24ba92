import { describe, expect, it } from 'vitest';
import { decide } from '../../server/routing/decide';
import { explainCandidates } from '../../server/routing/explain';
import type { HealthSnapshot, RegistrySnapshot, RoutingRequest } from '../../server/routing/types';
import type { RouteInput } from '../../shared/policy';
import { demoModel, model, policy, registry, request } from './builders';

const NOW = Date.parse('2026-06-01T12:00:00Z');

interface Case {
  name: string;
  snapshot: RegistrySnapshot;
  request?: Partial<RoutingRequest>;
  route?: RouteInput;
  health?: HealthSnapshot;
  now?: number;
  /** the model under test, which must be excluded with this reason and a detail matching */
  target: string;
  reason: string;
  detail: RegExp;
  /** the chain, when it is not ['fine'] */
  chain?: string[];
}

const fine = model('fine');
const cases: Case[] = [
  { name: 'draft gets no automatic traffic', snapshot: registry([fine, model('target', { lifecycle: 'draft' })]), target: 'target', reason: 'lifecycle', detail: /draft/ },
  {
    name: 'retired is replaced',
    snapshot: registry([fine, model('target', { lifecycle: 'retired', replacement: 'fine' })]),
    request: { model: 'target' },
    target: 'target',
    reason: 'lifecycle',
    detail: /retired: replaced by fine/,
  },
  {
    name: 'an invoke key may not call a draft',
    snapshot: registry([fine, model('target', { lifecycle: 'draft' })]),
    request: { model: 'target', scope: 'invoke' },
    target: 'target',
    reason: 'draft_not_allowed',
    detail: /admin/,
    // a named model that cannot serve at all is refused, not replaced (model_unavailable)
    chain: [],
  },
  {
    name: 'no key configured',
    snapshot: registry([fine, model('target', { provider: 'anthropic' })], { modelsWithKey: new Set() }),
    target: 'target',
    reason: 'no_key',
    detail: /anthropic/,
  },
  { name: 'circuit open', snapshot: registry([fine, model('target')]), health: { target: { circuit: 'open' } }, target: 'target', reason: 'circuit_open', detail: /circuit open/ },
  {
    name: 'retry-after not yet passed',
    snapshot: registry([fine, model('target')]),
    health: { target: { circuit: 'closed', retryAfterUntil: NOW + 1000 } },
    now: NOW,
    target: 'target',
    reason: 'rate_limited',
    detail: /2026-06-01T12:00:01.000Z/,
  },
  {
    name: 'prompt + max_tokens must fit the window',
    snapshot: registry([fine, model('target', { contextWindow: 8000 })]),
    request: { promptTokens: 7000, maxTokens: 1001 },
    target: 'target',
    reason: 'context_too_small',
    detail: /needs 8001 tokens; context window is 8000/,
  },
  {
    name: 'max_tokens over the maxOutputTokens',
    snapshot: registry([fine, model('target', { maxOutputTokens: 1000 })]),
    request: { maxTokens: 1001 },
    target: 'target',
    reason: 'output_too_large',
    detail: /max_tokens 1001 is over its maxOutputTokens 1000/,
  },
  {
    name: 'minContext from the request',
    snapshot: registry([fine, model('target', { contextWindow: 8000 })]),
    request: { requirements: { minContext: 10_000 } },
    target: 'target',
    reason: 'context_too_small',
    detail: /needs 10000/,
  },
  {
    name: 'blended price over the route limit',
    snapshot: registry([fine, model('target', { pricing: { inputPer1M: 3, outputPer1M: 15 } })]),
    route: { maxPricePer1M: 5.99 },
    target: 'target',
    reason: 'over_cost_limit',
    detail: /blended price \$6 per 1M is over the limit \$5.99/,
  },
  {
    name: 'the request may tighten the price limit',
    snapshot: registry([fine, model('target', { pricing: { inputPer1M: 3, outputPer1M: 15 } })]),
    route: { maxPricePer1M: 100 },
    request: { requirements: { maxPricePer1M: 2 } },
    target: 'target',
    reason: 'over_cost_limit',
    detail: /over the limit \$2$/,
  },
  {
    name: 'observed latency over the limit',
    snapshot: registry([fine, model('target')]),
    health: { target: { circuit: 'closed', p50LatencyMs: 900 } },
    request: { requirements: { maxLatencyMs: 500 } },
    target: 'target',
    reason: 'over_latency_limit',
    detail: /900 ms is over the limit 500 ms/,
  },
  {
    name: 'below a minimum',
    snapshot: registry([fine, model('target', { capabilities: { reasoning: 40 } })]),
    route: { minimums: { reasoning: 45 } },
    target: 'target',
    reason: 'below_minimum',
    detail: /reasoning 40 is below the minimum 45/,
  },
  {
    name: 'request minimums merge with the route (higher wins)',
    snapshot: registry([model('fine', { capabilities: { speed: 90 } }), model('target', { capabilities: { speed: 70 } })]),
    route: { minimums: { speed: 60 } },
    request: { requirements: { minimums: { speed: 80 } } },
    target: 'target',
    reason: 'below_minimum',
    detail: /speed 70 is below the minimum 80/,
  },
  {
    name: 'a demo model while a real one can serve',
    snapshot: registry([fine, demoModel('target', { capabilities: { reasoning: 99 } })]),
    target: 'target',
    reason: 'demo_model',
    detail: /demo model: real models are available/,
  },
];

describe('every exclusion reason', () => {
  it.each(cases)('$name', (testCase) => {
    const decision = decide(request(testCase.request), testCase.snapshot, testCase.health ?? {}, policy(testCase.route), { now: testCase.now });
    const target = explainCandidates(decision).find((candidate) => candidate.modelId === testCase.target);
    expect(target?.eligible).toBe(false);
    expect(target?.excluded?.reason).toBe(testCase.reason);
    expect(target?.excluded?.detail).toMatch(testCase.detail);
    expect(target?.score).toBeUndefined();
    expect(decision.chain).toEqual(testCase.chain ?? ['fine']);
  });
});

describe('what is not excluded', () => {
  it('simulated models and loopback openai-compatible ones need no key', () => {
    const snapshot = registry(
      [model('sim'), model('local', { provider: 'openai-compatible', baseUrl: 'http://127.0.0.1:11434/v1' }), model('remote', { provider: 'openai-compatible', baseUrl: 'https://api.example.com/v1' })],
      { modelsWithKey: new Set() },
    );
    expect([...decide(request(), snapshot, {}, policy()).chain].sort()).toEqual(['local', 'sim']);
  });

  it('without modelsWithKey every model is assumed to have its key', () => {
    expect(decide(request(), registry([model('claude', { provider: 'anthropic' })]), {}, policy()).chain).toEqual(['claude']);
  });

  it('a model with its key is eligible', () => {
    const snapshot = registry([model('claude', { provider: 'gemini' })], { modelsWithKey: new Set(['claude']) });
    expect(decide(request(), snapshot, {}, policy()).chain).toEqual(['claude']);
  });

  it('retry-after in the past, or no clock given, does not exclude', () => {
    const health: HealthSnapshot = { only: { circuit: 'closed', retryAfterUntil: NOW } };
    const snapshot = registry([model('only')]);
    expect(decide(request(), snapshot, health, policy(), { now: NOW }).chain).toEqual(['only']);
    expect(decide(request(), snapshot, health, policy()).chain).toEqual(['only']);
  });

  it('unknown latency is never over the limit', () => {
    expect(decide(request({ requirements: { maxLatencyMs: 1 } }), registry([model('only')]), {}, policy()).chain).toEqual(['only']);
  });

  it('prompt + max_tokens exactly the window fits', () => {
    expect(decide(request({ promptTokens: 90_000, maxTokens: 10_000 }), registry([model('only', { maxOutputTokens: 10_000 })]), {}, policy()).chain).toEqual(['only']);
  });

  it('max_tokens exactly the maxOutputTokens fits', () => {
    expect(decide(request({ maxTokens: 4_000 }), registry([model('only')]), {}, policy()).chain).toEqual(['only']);
  });

  it('when every model is excluded the chain is empty and the failure says so', () => {
    const decision = decide(request(), registry([model('only')]), { only: { circuit: 'open' } }, policy());
    expect(decision.chain).toEqual([]);
    expect(decision.failure?.reason).toBe('no_eligible_model');
    expect(explainCandidates(decision)).toEqual([{ modelId: 'only', eligible: false, excluded: { reason: 'circuit_open', detail: 'circuit open after recent failures' } }]);
  });
});

describe('requests no model can serve as asked', () => {
  const snapshot = registry([
    model('small', { maxOutputTokens: 8_000, contextWindow: 32_000 }),
    model('large', { maxOutputTokens: 64_000, contextWindow: 200_000, fallbacks: ['small'] }),
    model('huge-draft', { maxOutputTokens: 500_000, contextWindow: 2_000_000, lifecycle: 'draft' }),
  ]);

  it('max_tokens over every maxOutputTokens names the largest (drafts aside)', () => {
    const decision = decide(request({ maxTokens: 500_000 }), snapshot, {}, policy());
    expect(decision.chain).toEqual([]);
    expect(decision.failure).toEqual({ reason: 'exceeds_limit', param: 'max_tokens', message: "max_tokens 500000 exceeds every model's maxOutputTokens (largest: 64000)" });
  });

  it('a prompt over every context window names the largest', () => {
    const decision = decide(request({ promptTokens: 300_000 }), snapshot, {}, policy());
    expect(decision.failure).toMatchObject({ reason: 'exceeds_limit', param: 'messages', message: expect.stringMatching(/more than every model's context window \(largest: 200000\)/) });
  });

  it('a limit only some models have is an exclusion: auto goes to a model that can', () => {
    const decision = decide(request({ maxTokens: 10_000 }), snapshot, {}, policy());
    expect(decision.chain).toEqual(['large']);
    expect(explainCandidates(decision).find((candidate) => candidate.modelId === 'small')?.excluded?.reason).toBe('output_too_large');
  });

  it('a named model asked for more than its maxOutputTokens is refused, not handed to its fallbacks', () => {
    const snapshotWithFallback = registry([model('small', { maxOutputTokens: 8_000, fallbacks: ['large'] }), model('large', { maxOutputTokens: 64_000 })]);
    const decision = decide(request({ model: 'small', maxTokens: 10_000 }), snapshotWithFallback, {}, policy());
    expect(decision.chain).toEqual([]);
    expect(decision.failure).toEqual({ reason: 'exceeds_limit', param: 'max_tokens', message: 'max_tokens 10000 exceeds the maxOutputTokens of small (8000)' });
  });

  it('a model excluded for its health leaves the request possible: no limit failure', () => {
    const decision = decide(request({ maxTokens: 10_000 }), snapshot, { large: { circuit: 'open' } }, policy());
    expect(decision.failure?.reason).toBe('no_eligible_model');
  });

  it('a larger minimum context asked through grove stays a routing requirement', () => {
    const decision = decide(request({ requirements: { minContext: 300_000 } }), snapshot, {}, policy());
    expect(decision.failure?.reason).toBe('no_eligible_model');
  });
});
