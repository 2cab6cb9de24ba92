import { describe, expect, it } from 'vitest';
import { findFallbackCycles, routingPolicyObjectInputSchema, routingPolicySpecSchema, validatePolicyAgainstRegistry } from '../../shared/policy';
import { capability, model } from './builders';

const models = [model('claude-sonnet', { aliases: ['sonnet'], capabilities: { coding: 80 } }), model('gemini-pro'), model('flash')];
const capabilities = [capability('humour')];

const designExample = {
  apiVersion: 'grove/v1',
  kind: 'RoutingPolicy',
  metadata: { id: 'default' },
  spec: {
    rules: [
      { name: 'long-documents', priority: 10, when: { promptTokens: { gt: 50000 } }, route: { strategy: 'capability', weights: { context: 0.6, precision: 0.4 }, minimums: { context: 80 } } },
      { name: 'code-review', priority: 20, when: { taskType: 'code-review' }, route: { strategy: 'pinned', models: ['claude-sonnet'], chainLength: 3 } },
    ],
    default: { strategy: 'capability', weights: { reasoning: 0.4, precision: 0.3, speed: 0.3 }, maxPricePer1M: 20 },
  },
};

describe('RoutingPolicy schema', () => {
  it('accepts the DESIGN.md example and fills defaults', () => {
    const parsed = routingPolicyObjectInputSchema.parse(designExample);
    expect(parsed.spec.rules[0]?.route.chainLength).toBe(3);
    expect(parsed.spec.default.strategy).toBe('capability');
    expect(validatePolicyAgainstRegistry(designExample.spec, models, capabilities)).toEqual([]);
  });

  it('accepts every condition and strategy', () => {
    const spec = {
      rules: [
        { name: 'a', priority: 1, when: { model: ['sonnet', 'auto'], tags: { any: ['x'], all: ['y'] }, apiKey: 'key-1', headers: { 'x-team': ['a', 'b'] } }, route: { strategy: 'weighted', split: [{ model: 'flash', weight: 90 }, { model: 'gemini-pro', weight: 10 }] } },
        { name: 'b', priority: 2, when: { promptTokens: { gte: 1, lte: 1 } }, route: { strategy: 'fastest', maxLatencyMs: 500, weights: { humour: 1, coding: 2 } } },
      ],
      default: { strategy: 'cheapest' },
    };
    expect(validatePolicyAgainstRegistry(spec, models, capabilities)).toEqual([]);
  });

  it('rejects a malformed object with every problem listed at its path', () => {
    const result = routingPolicyObjectInputSchema.safeParse({ ...designExample, apiVersion: 'v2', spec: { rules: [{ name: 'x', priority: 1.5, when: {}, route: {} }], default: { strategy: 'random' } } });
    expect(result.success).toBe(false);
    const paths = result.error?.issues.map((issue) => issue.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['apiVersion', 'spec.rules.0.priority', 'spec.default.strategy']));
  });
});

describe('validatePolicyAgainstRegistry', () => {
  it('lists every problem at once', () => {
    const spec = {
      rules: [
        { name: 'one', priority: 5, when: { model: 'gpt-9', promptTokens: { gt: 100, lt: 50 } }, route: { strategy: 'pinned', models: ['claude-sonnet', 'ghost'] } },
        { name: 'one', priority: 5, when: { model: ['sonnet', 'nope'], tags: {} }, route: { weights: { reasoning: -1, charisma: 2 }, minimums: { speed: 101 } } },
        { name: 'three', priority: 7, when: { promptTokens: {}, colour: 'red' }, route: { strategy: 'weighted', split: [{ model: 'phantom', weight: 1 }] } },
        { name: 'four', priority: 8, when: {}, route: { strategy: 'pinned' } },
        { name: 'five', priority: 9, when: {}, route: { strategy: 'weighted', split: [{ model: 'flash', weight: 0 }] } },
      ],
      default: { weights: { reasoning: 0 }, maxPricePer1M: -1 },
    };
    const problems = validatePolicyAgainstRegistry(spec, models, capabilities).map((problem) => `${problem.path.join('.')}: ${problem.message}`);
    const expected: [string, RegExp][] = [
      ['rules.0.when.promptTokens', /no token count/],
      ['rules.1.when.tags', /any or all/],
      ['rules.1.route.weights.reasoning', /negative/],
      ['rules.1.route.minimums.speed', /100/],
      ['rules.2.when.promptTokens', /at least one/],
      ['rules.2.when', /colour/],
      ['rules.3.route.models', /must list its models/],
      ['rules.4.route.split', /positive/],
      ['default.weights', /positive/],
      ['default.maxPricePer1M', /0/],
      ['rules.1.name', /duplicate rule name "one"/],
      ['rules.1.priority', /duplicate priority 5/],
      ['rules.0.when.model', /unknown model or alias "gpt-9"/],
      ['rules.0.route.models.1', /unknown model "ghost"/],
      ['rules.1.when.model.1', /unknown model or alias "nope"/],
      ['rules.1.route.weights.charisma', /unknown capability "charisma"/],
      ['rules.2.route.split.0.model', /unknown model "phantom"/],
    ];
    for (const [path, message] of expected) expect(problems.some((problem) => problem.startsWith(`${path}:`) && message.test(problem)), `${path} ${message}\n${problems.join('\n')}`).toBe(true);
  });

  it('duplicate rule names are found even when nothing else is wrong, and a non-object spec is one problem', () => {
    const spec = routingPolicySpecSchema.safeParse({ rules: [{ name: 'a', priority: 1, when: {}, route: {} }, { name: 'a', priority: 2, when: {}, route: {} }], default: {} });
    expect(spec.error?.issues.map((issue) => issue.message)).toEqual(['duplicate rule name "a" (also rules[0])']);
    expect(validatePolicyAgainstRegistry('nonsense', models, capabilities)).toHaveLength(1);
  });

  it('repeated models in a pinned list or split are problems', () => {
    const problems = validatePolicyAgainstRegistry(
      { default: { strategy: 'pinned', models: ['flash', 'flash'], split: [{ model: 'flash', weight: 1 }, { model: 'flash', weight: 1 }] } },
      models,
      capabilities,
    );
    expect(problems.map((problem) => problem.path.join('.'))).toEqual(['default.models', 'default.split']);
  });
});

describe('findFallbackCycles', () => {
  it('reports each cycle once and unknown targets', () => {
    const problems = findFallbackCycles([
      model('a', { fallbacks: ['b'] }),
      model('b', { fallbacks: ['c', 'ghost'] }),
      model('c', { fallbacks: ['a'] }),
      model('d', { fallbacks: ['a'] }),
      model('old', { lifecycle: 'retired', replacement: 'older' }),
      model('older', { lifecycle: 'retired', replacement: 'old' }),
      model('gone', { lifecycle: 'retired', replacement: 'nowhere' }),
    ]);
    expect(problems).toEqual([
      { path: ['b', 'spec', 'fallbacks'], message: 'unknown model "ghost"' },
      { path: ['a', 'spec', 'fallbacks'], message: 'fallback cycle: a → b → c → a' },
      { path: ['gone', 'spec', 'replacement'], message: 'unknown model "nowhere"' },
      { path: ['old', 'spec', 'replacement'], message: 'replacement cycle: old → older → old' },
    ]);
  });

  it('an acyclic registry has no problems', () => {
    expect(findFallbackCycles([model('a', { fallbacks: ['b', 'c'] }), model('b', { fallbacks: ['c'] }), model('c')])).toEqual([]);
  });
});
