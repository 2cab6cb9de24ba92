import { describe, expect, it } from 'vitest';
import { decide } from '../../server/routing/decide';
import { explainCandidates } from '../../server/routing/explain';
import type { HealthSnapshot, RegistrySnapshot, RoutingRequest } from '../../server/routing/types';
import type { Decision } from '../../server/routing/types';
import type { RouteInput, RoutingPolicySpecInput } from '../../shared/policy';
import { model, policy, registry, request } from './builders';

// the best model of the route is never the named one, so that any substitution would show
const best = model('best', { capabilities: { reasoning: 99 } });
const sonnet = model('claude-sonnet', { provider: 'anthropic', apiKey: { env: 'ANTHROPIC_API_KEY' }, aliases: ['sonnet'], fallbacks: ['gemini-pro'] });
const gemini = model('gemini-pro', { provider: 'gemini', apiKey: { env: 'GEMINI_API_KEY' }, fallbacks: ['flash'] });
const flash = model('flash', { capabilities: { reasoning: 20 } });
const keyless = model('keyless', { provider: 'openai-compatible', baseUrl: 'https://api.example.com/v1' });
const all = (ids: string[]) => registry([best, sonnet, gemini, flash, keyless], { modelsWithKey: new Set(ids) });
const route = { weights: { reasoning: 1 } };

interface Case {
  name: string;
  snapshot: RegistrySnapshot;
  request: Partial<RoutingRequest>;
  route?: RouteInput;
  rules?: RoutingPolicySpecInput['rules'];
  health?: HealthSnapshot;
  chain: string[];
  failure?: Decision['failure'];
}

const cases: Case[] = [
  { name: 'the model, then its own declared fallbacks, nothing else', snapshot: all(['claude-sonnet', 'gemini-pro']), request: { model: 'sonnet' }, chain: ['claude-sonnet', 'gemini-pro'] },
  { name: 'chainLength still bounds the chain', snapshot: all(['claude-sonnet', 'gemini-pro']), request: { model: 'sonnet' }, route: { ...route, chainLength: 1 }, chain: ['claude-sonnet'] },
  { name: 'a named model without fallbacks: itself only', snapshot: all([]), request: { model: 'flash' }, chain: ['flash'] },
  {
    name: 'a fallback without its key is skipped, not replaced',
    snapshot: all(['claude-sonnet']),
    request: { model: 'claude-sonnet' },
    chain: ['claude-sonnet'],
  },
  {
    name: 'a failing named model (circuit open) leaves its fallbacks only',
    snapshot: all(['claude-sonnet', 'gemini-pro']),
    request: { model: 'claude-sonnet' },
    health: { 'claude-sonnet': { circuit: 'open' }, flash: { circuit: 'open' } },
    chain: ['gemini-pro'],
  },
  {
    name: 'fallbacks all excluded: no_eligible_model, no substitute',
    snapshot: all([]),
    request: { model: 'flash' },
    health: { flash: { circuit: 'open' } },
    chain: [],
    failure: { reason: 'no_eligible_model', message: 'no eligible model for "flash": it, its declared fallbacks were excluded' },
  },
  { name: 'fillChain on the default route fills with its best others', snapshot: all([]), request: { model: 'flash' }, route: { ...route, fillChain: true }, chain: ['flash', 'best'] },
  {
    name: 'fillChain on a matching rule fills with the rule route',
    snapshot: all(['claude-sonnet']),
    request: { model: 'sonnet' },
    rules: [{ name: 'fill', priority: 1, when: { model: 'claude-sonnet' }, route: { strategy: 'cheapest', fillChain: true, chainLength: 4 } }],
    chain: ['claude-sonnet', 'best', 'flash'],
  },
  {
    name: 'no key configured: model_unavailable with how to fix it, even when a fallback could serve',
    snapshot: all(['gemini-pro']),
    request: { model: 'sonnet' },
    route: { ...route, fillChain: true },
    chain: [],
    failure: { reason: 'model_unavailable', message: expect.stringMatching(/`sonnet`.*no API key is configured for this anthropic model; set ANTHROPIC_API_KEY/) as unknown as string },
  },
  {
    name: 'no key and no apiKey declared: says to give it one',
    snapshot: all([]),
    request: { model: 'keyless' },
    chain: [],
    failure: { reason: 'model_unavailable', message: expect.stringContaining('give the model an apiKey') as unknown as string },
  },
  { name: 'auto is unchanged: the best, its fallbacks, then the route\'s others', snapshot: all([]), request: { model: 'auto' }, chain: ['best', 'flash'] },
];

describe('a named model means that model', () => {
  it.each(cases)('$name', (testCase) => {
    const decision = decide(request(testCase.request), testCase.snapshot, testCase.health ?? {}, policy(testCase.route ?? route, testCase.rules));
    expect(decision.chain).toEqual(testCase.chain);
    expect(decision.failure).toEqual(testCase.failure);
  });

  it('lists the named model and its fallbacks as its candidates, not the models it never considered', () => {
    const decision = decide(request({ model: 'sonnet' }), all(['claude-sonnet', 'gemini-pro']), {}, policy(route));
    expect(explainCandidates(decision).map((candidate) => candidate.modelId)).toEqual(['claude-sonnet', 'gemini-pro']);
    const filled = decide(request({ model: 'sonnet' }), all(['claude-sonnet', 'gemini-pro']), {}, policy({ ...route, fillChain: true }));
    expect(explainCandidates(filled).map((candidate) => candidate.modelId).sort()).toEqual(['best', 'claude-sonnet', 'flash', 'gemini-pro', 'keyless']);
  });

  it('a prompt over the named model and its fallbacks is the client\'s error, though another model could take it', () => {
    const small = model('small', { contextWindow: 1_000 });
    const large = model('large', { contextWindow: 200_000 });
    const decision = decide(request({ model: 'small', promptTokens: 5_000 }), registry([small, large]), {}, policy(route));
    expect(decision.failure).toMatchObject({ reason: 'exceeds_limit' });
  });

  it('the named model without its key is still listed, with its reason', () => {
    const decision = decide(request({ model: 'sonnet' }), all([]), {}, policy(route));
    expect(explainCandidates(decision).find((candidate) => candidate.modelId === 'claude-sonnet')?.excluded).toEqual({ reason: 'no_key', detail: expect.stringContaining('set ANTHROPIC_API_KEY') });
  });
});
