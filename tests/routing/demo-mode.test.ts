import { describe, expect, it } from 'vitest';
import { compileRegistry } from '../../server/routing/compile-registry';
import { decide } from '../../server/routing/decide';
import { explainCandidates } from '../../server/routing/explain';
import type { HealthSnapshot, RegistrySnapshot, RoutingRequest } from '../../server/routing/types';
import type { RouteInput, RoutingPolicySpecInput } from '../../shared/policy';
import { demoModel, model, policy, registry, request } from './builders';

// the demo models outscore and undercut the real ones, so that only the demo rule keeps them out
const sage = demoModel('sim-sage', { capabilities: { reasoning: 99 }, pricing: { inputPer1M: 0.1, outputPer1M: 0.1 }, aliases: ['sage'], fallbacks: ['sim-swift'] });
const swift = demoModel('sim-swift', { capabilities: { reasoning: 90 }, pricing: { inputPer1M: 0.1, outputPer1M: 0.1 } });
const real = model('real', { provider: 'openai-compatible', baseUrl: 'https://api.example.com/v1', capabilities: { reasoning: 40 } });
const local = model('local', { provider: 'openai-compatible', baseUrl: 'http://127.0.0.1:11434/v1', capabilities: { reasoning: 30 } });
const withKey = (ids: string[]) => ({ modelsWithKey: new Set(ids) });

interface Case {
  name: string;
  snapshot: RegistrySnapshot;
  demoMode: boolean;
  request?: Partial<RoutingRequest>;
  route?: RouteInput;
  rules?: RoutingPolicySpecInput['rules'];
  health?: HealthSnapshot;
  chain: string[];
}

const cases: Case[] = [
  { name: 'demo models only: demo mode, they serve auto', snapshot: registry([sage, swift]), demoMode: true, chain: ['sim-sage', 'sim-swift'] },
  {
    name: 'a real model without its key leaves demo mode on',
    snapshot: registry([sage, swift, real], withKey([])),
    demoMode: true,
    chain: ['sim-sage', 'sim-swift'],
  },
  { name: 'a draft real model leaves demo mode on', snapshot: registry([sage, swift, { ...local, spec: { ...local.spec, lifecycle: 'draft' } }]), demoMode: true, chain: ['sim-sage', 'sim-swift'] },
  { name: 'real and demo mixed: auto gets only the real ones', snapshot: registry([sage, swift, real, local], withKey(['real'])), demoMode: false, chain: ['real', 'local'] },
  {
    name: 'a deprecated real model with its key ends demo mode too',
    snapshot: registry([sage, swift, { ...real, spec: { ...real.spec, lifecycle: 'deprecated' } }], withKey(['real'])),
    demoMode: false,
    chain: [],
  },
  {
    name: 'a real model whose circuit is open still ends demo mode: auto gets no demo model',
    snapshot: registry([sage, swift, local]),
    health: { local: { circuit: 'open' } },
    demoMode: false,
    chain: [],
  },
  {
    name: 'a demo model named by the request is served, with its declared fallbacks',
    snapshot: registry([sage, swift, local]),
    request: { model: 'sage' },
    demoMode: false,
    chain: ['sim-sage', 'sim-swift'],
  },
  {
    name: 'a named model filling its chain fills it with real models only',
    snapshot: registry([demoModel('sim-flaky'), sage, swift, local]),
    request: { model: 'sim-flaky' },
    route: { fillChain: true },
    demoMode: false,
    chain: ['sim-flaky', 'local'],
  },
  {
    name: "a demo model in a real model's fallback list serves as its fallback",
    snapshot: registry([sage, swift, { ...local, spec: { ...local.spec, fallbacks: ['sim-swift'] } }]),
    demoMode: false,
    chain: ['local', 'sim-swift'],
  },
  {
    name: 'a demo model in a pinned rule serves that rule',
    snapshot: registry([sage, swift, local]),
    request: { requirements: { taskType: 'demo' } },
    rules: [{ name: 'demo', priority: 1, when: { taskType: 'demo' }, route: { strategy: 'pinned', models: ['sim-swift', 'local'] } }],
    demoMode: false,
    chain: ['sim-swift', 'local'],
  },
  {
    name: 'a demo model in a weighted split is named too',
    snapshot: registry([sage, swift, local]),
    route: { strategy: 'weighted', split: [{ model: 'sim-swift', weight: 1 }] },
    demoMode: false,
    chain: ['sim-swift'],
  },
];

describe('demo mode', () => {
  it.each(cases)('$name', (testCase) => {
    const decision = decide(request(testCase.request), testCase.snapshot, testCase.health ?? {}, policy(testCase.route, testCase.rules));
    expect(decision.chain).toEqual(testCase.chain);
    expect(compileRegistry(testCase.snapshot).demoMode).toBe(testCase.demoMode);
    // every demo model the chain left out says why, in the words an operator reads
    for (const candidate of explainCandidates(decision)) {
      if (candidate.modelId.startsWith('sim-') && !decision.chain.includes(candidate.modelId)) {
        expect(candidate.excluded ?? null, candidate.modelId).toEqual(testCase.demoMode ? null : { reason: 'demo_model', detail: expect.stringContaining('demo model: real models are available') });
      }
    }
  });

  it('a registry with no demo model is never in demo mode', () => {
    expect(compileRegistry(registry([])).demoMode).toBe(false);
    expect(compileRegistry(registry([real], withKey([]))).demoMode).toBe(false);
  });
});
