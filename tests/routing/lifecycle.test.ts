import { describe, expect, it } from 'vitest';
import { decide } from '../../server/routing/decide';
import { explainCandidates } from '../../server/routing/explain';
import { model, policy, registry, request } from './builders';

const best = { capabilities: { reasoning: 99 } };
const route = { weights: { reasoning: 1 } };

describe('explicit model requests', () => {
  const snapshot = registry([
    model('sonnet-4', { aliases: ['sonnet'], fallbacks: ['gemini', 'mini'], capabilities: { reasoning: 60 } }),
    model('gemini', { capabilities: { reasoning: 70 } }),
    model('mini', { capabilities: { reasoning: 10 } }),
    model('opus', best),
  ]);

  it('an id: that model, then its declared fallbacks in order', () => {
    const decision = decide(request({ model: 'sonnet-4' }), snapshot, {}, policy(route));
    expect(decision.chain).toEqual(['sonnet-4', 'gemini', 'mini']);
    expect(decision.resolvedModel).toBe('sonnet-4');
  });

  it('an alias resolves to its model', () => {
    expect(decide(request({ model: 'sonnet' }), snapshot, {}, policy(route)).chain).toEqual(['sonnet-4', 'gemini', 'mini']);
  });

  it('a named model without fallbacks is served by itself only', () => {
    expect(decide(request({ model: 'gemini' }), snapshot, {}, policy({ ...route, chainLength: 3 })).chain).toEqual(['gemini']);
  });

  it('fillChain: the route fills the chain after the fallbacks', () => {
    expect(decide(request({ model: 'gemini' }), snapshot, {}, policy({ ...route, chainLength: 3, fillChain: true })).chain).toEqual(['gemini', 'opus', 'sonnet-4']);
  });

  it('an excluded named model leaves its fallbacks to serve, and only them', () => {
    expect(decide(request({ model: 'sonnet' }), snapshot, { 'sonnet-4': { circuit: 'open' } }, policy(route)).chain).toEqual(['gemini', 'mini']);
    expect(decide(request({ model: 'sonnet' }), snapshot, { 'sonnet-4': { circuit: 'open' } }, policy({ ...route, fillChain: true })).chain).toEqual(['gemini', 'mini', 'opus']);
  });

  it('an unknown model fails with unknown_model and no candidates', () => {
    const decision = decide(request({ model: 'gpt-9' }), snapshot, {}, policy(route));
    expect(decision.chain).toEqual([]);
    expect(decision.failure).toEqual({ reason: 'unknown_model', message: expect.stringContaining('gpt-9') });
    expect(explainCandidates(decision)).toEqual([]);
    expect(decision.resolvedModel).toBeNull();
  });
});

describe('retired → replacement', () => {
  const snapshot = registry([
    model('v1', { lifecycle: 'retired', replacement: 'v2', aliases: ['old'] }),
    model('v2', { lifecycle: 'retired', replacement: 'v3' }),
    model('v3', { fallbacks: ['v1', 'other'] }),
    model('other'),
    model('loop-a', { lifecycle: 'retired', replacement: 'loop-b' }),
    model('loop-b', { lifecycle: 'retired', replacement: 'loop-a' }),
  ]);

  it('follows the replacement chain; a retired fallback is replaced too, never repeated', () => {
    const decision = decide(request({ model: 'old' }), snapshot, {}, policy());
    expect(decision.resolvedModel).toBe('v3');
    expect(decision.chain).toEqual(['v3', 'other']);
    const retired = explainCandidates(decision).filter((candidate) => !candidate.eligible).map((candidate) => candidate.excluded?.detail);
    expect(retired).toContain('retired: replaced by v3');
  });

  it('a cyclic replacement chain resolves to nothing: model_unavailable, no substitute', () => {
    const decision = decide(request({ model: 'loop-a' }), snapshot, {}, policy({ fillChain: true }));
    expect(decision.resolvedModel).toBeNull();
    expect(decision.chain).toEqual([]);
    expect(decision.failure).toEqual({ reason: 'model_unavailable', message: expect.stringMatching(/retired.*replacement/) });
    expect(explainCandidates(decision).find((candidate) => candidate.modelId === 'loop-a')?.excluded?.detail).toMatch(/broken/);
  });

  it('a pinned retired model is replaced', () => {
    expect(decide(request(), snapshot, {}, policy({ strategy: 'pinned', models: ['v1', 'other'] })).chain).toEqual(['v3', 'other']);
  });
});

describe('deprecated serves only as a fallback', () => {
  const snapshot = registry([model('old', { lifecycle: 'deprecated', ...best }), model('new', { capabilities: { reasoning: 50 } })]);

  it('auto never makes it primary, but keeps it as fallback', () => {
    expect(decide(request(), snapshot, {}, policy(route)).chain).toEqual(['new', 'old']);
  });

  it('named explicitly, it is served', () => {
    expect(decide(request({ model: 'old' }), snapshot, {}, policy(route)).chain).toEqual(['old']);
  });

  it('auto with only deprecated models eligible has no primary', () => {
    const decision = decide(request(), snapshot, { new: { circuit: 'open' } }, policy(route));
    expect(decision.chain).toEqual([]);
    expect(decision.failure?.reason).toBe('no_eligible_model');
  });

  it('a pinned route moves a deprecated first model behind the first active one', () => {
    expect(decide(request(), snapshot, {}, policy({ strategy: 'pinned', models: ['old', 'new'] })).chain).toEqual(['new', 'old']);
  });

  it('a weighted route never draws it', () => {
    const weighted = policy({ strategy: 'weighted', split: [{ model: 'old', weight: 99 }, { model: 'new', weight: 1 }] });
    for (let n = 0; n < 30; n++) expect(decide(request({ id: `w${n}` }), snapshot, {}, weighted).chain).toEqual(['new', 'old']);
  });
});

describe('draft: admin keys only, and only by name', () => {
  const snapshot = registry([model('preview', { lifecycle: 'draft', fallbacks: ['stable'], ...best }), model('stable'), model('other-draft', { lifecycle: 'draft' })]);

  it('an admin key naming a draft is served', () => {
    expect(decide(request({ model: 'preview', scope: 'admin' }), snapshot, {}, policy(route)).chain).toEqual(['preview', 'stable']);
  });

  it('an invoke key naming a draft is refused, not served by its fallbacks', () => {
    const decision = decide(request({ model: 'preview', scope: 'invoke' }), snapshot, {}, policy({ ...route, fillChain: true }));
    expect(decision.chain).toEqual([]);
    expect(decision.failure).toEqual({ reason: 'model_unavailable', message: expect.stringContaining('only admin keys') });
    expect(explainCandidates(decision).find((candidate) => candidate.modelId === 'preview')?.excluded?.reason).toBe('draft_not_allowed');
  });

  it('no scope counts as invoke', () => {
    expect(decide(request({ model: 'preview', scope: undefined }), snapshot, {}, policy(route)).failure?.reason).toBe('model_unavailable');
  });

  it('auto never picks a draft, even for admin keys', () => {
    expect(decide(request({ scope: 'admin' }), snapshot, {}, policy(route)).chain).toEqual(['stable']);
  });
});

describe('auto and declared fallbacks', () => {
  const snapshot = registry([model('top', { ...best, fallbacks: ['low'] }), model('mid', { capabilities: { reasoning: 70 } }), model('low', { capabilities: { reasoning: 5 } })]);

  it("the primary's declared fallbacks come before the route's others", () => {
    expect(decide(request(), snapshot, {}, policy(route)).chain).toEqual(['top', 'low', 'mid']);
  });

  it('a pinned route ignores declared fallbacks', () => {
    expect(decide(request(), snapshot, {}, policy({ strategy: 'pinned', models: ['top', 'mid'] })).chain).toEqual(['top', 'mid']);
  });
});
