import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalName, compilePolicy, matchRule, ruleMatches } from '../../server/routing/compile-policy';
import { compileRegistry } from '../../server/routing/compile-registry';
import { decide } from '../../server/routing/decide';
import type { RoutingRequest } from '../../server/routing/types';
import type { RuleCondition } from '../../shared/policy';
import { model, policy, registry, request } from './builders';

const snapshot = registry([model('claude-sonnet', { aliases: ['sonnet'] }), model('gemini-pro'), model('flash')]);

const ruleFor = (when: Partial<RuleCondition>) => policy({}, [{ name: 'target', priority: 10, when, route: { strategy: 'pinned', models: ['flash'] } }]);

const cases: { name: string; when: Partial<RuleCondition>; request: Partial<RoutingRequest>; matches: boolean }[] = [
  { name: 'model: the id as sent', when: { model: 'claude-sonnet' }, request: { model: 'claude-sonnet' }, matches: true },
  { name: 'model: an id matches a request naming its alias', when: { model: 'claude-sonnet' }, request: { model: 'sonnet' }, matches: true },
  { name: 'model: an alias matches a request naming the id', when: { model: 'sonnet' }, request: { model: 'claude-sonnet' }, matches: true },
  { name: 'model: any of a list', when: { model: ['gemini-pro', 'auto'] }, request: { model: 'auto' }, matches: true },
  { name: 'model: another model', when: { model: 'gemini-pro' }, request: { model: 'sonnet' }, matches: false },
  { name: 'taskType: equal', when: { taskType: 'code-review' }, request: { requirements: { taskType: 'code-review' } }, matches: true },
  { name: 'taskType: any of a list', when: { taskType: ['chat', 'code-review'] }, request: { requirements: { taskType: 'chat' } }, matches: true },
  { name: 'taskType: absent', when: { taskType: 'code-review' }, request: {}, matches: false },
  { name: 'tags any: one present', when: { tags: { any: ['a', 'b'] } }, request: { requirements: { tags: ['b', 'z'] } }, matches: true },
  { name: 'tags any: none present', when: { tags: { any: ['a', 'b'] } }, request: { requirements: { tags: ['z'] } }, matches: false },
  { name: 'tags all: all present', when: { tags: { all: ['a', 'b'] } }, request: { requirements: { tags: ['b', 'a', 'c'] } }, matches: true },
  { name: 'tags all: one missing', when: { tags: { all: ['a', 'b'] } }, request: { requirements: { tags: ['a'] } }, matches: false },
  { name: 'tags: no tags sent', when: { tags: { all: ['a'] } }, request: {}, matches: false },
  { name: 'promptTokens gt: above', when: { promptTokens: { gt: 50_000 } }, request: { promptTokens: 50_001 }, matches: true },
  { name: 'promptTokens gt: equal', when: { promptTokens: { gt: 50_000 } }, request: { promptTokens: 50_000 }, matches: false },
  { name: 'promptTokens gte: equal', when: { promptTokens: { gte: 50_000 } }, request: { promptTokens: 50_000 }, matches: true },
  { name: 'promptTokens lt: equal', when: { promptTokens: { lt: 100 } }, request: { promptTokens: 100 }, matches: false },
  { name: 'promptTokens lte: equal', when: { promptTokens: { lte: 100 } }, request: { promptTokens: 100 }, matches: true },
  { name: 'promptTokens range: inside', when: { promptTokens: { gte: 10, lt: 20 } }, request: { promptTokens: 15 }, matches: true },
  { name: 'promptTokens range: outside', when: { promptTokens: { gte: 10, lt: 20 } }, request: { promptTokens: 25 }, matches: false },
  { name: 'apiKey: that key', when: { apiKey: 'key-1' }, request: { apiKeyId: 'key-1' }, matches: true },
  { name: 'apiKey: another key', when: { apiKey: ['key-1', 'key-2'] }, request: { apiKeyId: 'key-3' }, matches: false },
  { name: 'apiKey: no key id', when: { apiKey: 'key-1' }, request: {}, matches: false },
  { name: 'headers: name in any case', when: { headers: { 'X-Team': 'search' } }, request: { headers: { 'x-team': 'search' } }, matches: true },
  { name: 'headers: any of values', when: { headers: { 'x-team': ['ads', 'search'] } }, request: { headers: { 'x-team': 'ads' } }, matches: true },
  { name: 'headers: other value', when: { headers: { 'x-team': 'search' } }, request: { headers: { 'x-team': 'ads' } }, matches: false },
  { name: 'headers: absent', when: { headers: { 'x-team': 'search' } }, request: {}, matches: false },
  { name: 'every condition must hold', when: { taskType: 'chat', apiKey: 'key-1' }, request: { apiKeyId: 'key-1' }, matches: false },
  { name: 'an empty condition matches everything', when: {}, request: {}, matches: true },
];

describe('rule conditions', () => {
  it.each(cases)('$name', ({ when, request: overrides, matches }) => {
    const decision = decide(request(overrides), snapshot, {}, ruleFor(when));
    expect(decision.rule).toEqual(matches ? { name: 'target', priority: 10 } : null);
    if (matches) expect(decision.strategy).toBe('pinned');
  });
});

describe('rule order', () => {
  const rules = policy({ strategy: 'cheapest' }, [
    { name: 'low', priority: 1, when: { taskType: 'chat' }, route: { strategy: 'pinned', models: ['gemini-pro'] } },
    { name: 'high', priority: 50, when: { tags: { any: ['vip'] } }, route: { strategy: 'pinned', models: ['claude-sonnet'] } },
    { name: 'middle', priority: 20, when: { taskType: 'chat' }, route: { strategy: 'pinned', models: ['flash'] } },
  ]);

  it('the highest priority matching rule wins, whatever the list order', () => {
    expect(decide(request({ requirements: { taskType: 'chat', tags: ['vip'] } }), snapshot, {}, rules).rule?.name).toBe('high');
    expect(decide(request({ requirements: { taskType: 'chat' } }), snapshot, {}, rules).chain).toEqual(['flash']);
  });

  it('no match: the default route', () => {
    const decision = decide(request(), snapshot, {}, rules);
    expect(decision.rule).toBeNull();
    expect(decision.strategy).toBe('cheapest');
    expect(decision.route.chainLength).toBe(3);
  });

  it('a rule on the requested model also routes explicit requests; its fillChain fills the chain', () => {
    const route = { strategy: 'pinned' as const, models: ['flash', 'gemini-pro'] };
    const filled = policy({}, [{ name: 'sonnet-fill', priority: 1, when: { model: 'sonnet' }, route: { ...route, fillChain: true } }]);
    const decision = decide(request({ model: 'claude-sonnet' }), snapshot, {}, filled);
    expect(decision.rule?.name).toBe('sonnet-fill');
    expect(decision.chain).toEqual(['claude-sonnet', 'flash', 'gemini-pro']);
    // without it, a named model is served by itself (and its declared fallbacks) only
    const unfilled = policy({}, [{ name: 'sonnet-only', priority: 1, when: { model: 'sonnet' }, route }]);
    expect(decide(request({ model: 'claude-sonnet' }), snapshot, {}, unfilled).chain).toEqual(['claude-sonnet']);
  });
});

describe('the rule index', () => {
  const value = fc.constantFrom('a', 'b', 'c');
  const condition = fc.record(
    {
      model: fc.oneof(fc.constantFrom('auto', 'sonnet', 'flash'), fc.uniqueArray(fc.constantFrom('auto', 'claude-sonnet', 'gemini-pro'), { minLength: 1 })),
      taskType: fc.oneof(value, fc.uniqueArray(value, { minLength: 1 })),
      apiKey: value,
      headers: fc.dictionary(fc.constantFrom('x-one', 'X-Two'), fc.oneof(value, fc.uniqueArray(value, { minLength: 1 })), { minKeys: 1 }),
      tags: fc.record({ any: fc.uniqueArray(value, { minLength: 1 }), all: fc.uniqueArray(value, { minLength: 1 }) }, { requiredKeys: [] }).filter((tags) => Object.keys(tags).length > 0),
      promptTokens: fc.record({ lt: fc.integer({ min: 0, max: 200 }) }),
    },
    { requiredKeys: [] },
  ) as fc.Arbitrary<RuleCondition>;
  const routed = fc.record({
    model: fc.constantFrom('auto', 'sonnet', 'claude-sonnet', 'flash', 'gemini-pro'),
    promptTokens: fc.integer({ min: 0, max: 200 }),
    apiKeyId: fc.option(value, { nil: undefined }),
    headers: fc.dictionary(fc.constantFrom('x-one', 'x-two'), value),
    requirements: fc.record({ taskType: value, tags: fc.uniqueArray(value) }, { requiredKeys: [] }),
  });

  it('finds the same rule as checking every rule in priority order', () => {
    fc.assert(
      fc.property(fc.array(condition, { maxLength: 12 }), routed, (conditions, overrides) => {
        const spec = policy(
          {},
          conditions.map((when, at) => ({ name: `rule-${at}`, priority: (at * 7) % 13, when, route: {} })),
        );
        const compiledRegistry = compileRegistry(snapshot);
        const compiled = compilePolicy(compiledRegistry, spec);
        const routedRequest = request(overrides);
        const requestedName = canonicalName(compiledRegistry, routedRequest.model);
        const expected = compiled.rules.find((rule) => ruleMatches(rule, routedRequest, requestedName)) ?? null;
        expect(matchRule(compiled, routedRequest, requestedName)).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });
});
