import { describe, expect, it } from 'vitest';
import { estimatePromptTokens } from '../../../server/routing/estimate-tokens';
import { explainInput, DEFAULT_SAMPLE, MIN_SAMPLE_TOKENS } from '../../../client/src/routing/dry-run';
import { addRule, moveRule, toEdit, type PolicyEdit } from '../../../client/src/routing/policy-edit';
import { policyToYaml, readPolicyYaml } from '../../../client/src/routing/policy-yaml';
import { describeCondition, describeRoute } from '../../../client/src/routing/rule-text';

const rule = (name: string, priority: number) => ({ name, priority, when: { taskType: name }, route: { strategy: 'capability' as const } });
const edit = (...priorities: number[]): PolicyEdit => ({ rules: priorities.map((priority, index) => rule(`r${index}`, priority)), default: { strategy: 'capability' } });
const order = (policy: PolicyEdit) => policy.rules.map((entry) => `${entry.name}:${entry.priority}`);

describe('moveRule', () => {
  it.each([
    { from: 2, to: 0, expected: ['r2:30', 'r0:20', 'r1:10'] },
    { from: 0, to: 2, expected: ['r1:30', 'r2:20', 'r0:10'] },
    { from: 1, to: 2, expected: ['r0:30', 'r2:20', 'r1:10'] },
  ])('moves $from to $to and hands the same priorities out again from the top', ({ from, to, expected }) => {
    expect(order(moveRule(edit(30, 20, 10), from, to))).toEqual(expected);
  });

  it('leaves the policy as it is for a move past either end or onto itself', () => {
    const policy = edit(30, 20, 10);
    for (const [from, to] of [[0, -1], [2, 3], [1, 1]] as const) expect(moveRule(policy, from, to)).toBe(policy);
  });
});

describe('addRule', () => {
  it('adds a rule below the lowest priority, with a name no rule has', () => {
    const policy = addRule({ ...edit(30, 20), rules: [rule('rule-3', 30), rule('r1', -5)] });
    expect(policy.rules.at(-1)).toEqual({ name: 'rule-4', priority: -15, when: {}, route: { strategy: 'capability' } });
    expect(addRule(edit()).rules).toEqual([{ name: 'rule-1', priority: 100, when: {}, route: { strategy: 'capability' } }]);
  });
});

describe('the YAML view', () => {
  it('round-trips the editor state and sorts rules by priority, highest first', () => {
    const policy = toEdit({ rules: [rule('low', 1), rule('high', 9)], default: { strategy: 'cheapest', maxPricePer1M: 4 } });
    expect(order(policy)).toEqual(['high:9', 'low:1']);
    expect(readPolicyYaml(policyToYaml(policy))).toEqual({ edit: policy, problems: [] });
  });

  it('brings values the schema refuses to the form, each with its path, but not keys or types the form has no field for', () => {
    const negative = readPolicyYaml(policyToYaml({ rules: [], default: { strategy: 'capability', weights: { reasoning: -1, speed: 1 } } }));
    expect(negative.edit?.default.weights).toEqual({ reasoning: -1, speed: 1 });
    expect(negative.problems).toEqual([{ path: 'spec.default.weights.reasoning', message: 'weights must not be negative' }]);

    const unknownKey = readPolicyYaml(policyToYaml(edit(1)).replace('taskType: r0', 'taskType: r0\n        colour: blue'));
    expect(unknownKey.edit).toBeNull();
    expect(unknownKey.problems[0]?.path).toBe('spec.rules[0].when');

    const wrongType = readPolicyYaml(policyToYaml(edit(1)).replace('priority: 1', 'priority: high'));
    expect(wrongType.edit).toBeNull();
  });

  it('says why text is not one RoutingPolicy, and refuses another policy id', () => {
    expect(readPolicyYaml('spec: [unclosed').problems[0]?.message).toMatch(/^Not valid YAML/);
    expect(readPolicyYaml('- a list').problems[0]?.message).toMatch(/one RoutingPolicy object/);
    const other = readPolicyYaml(policyToYaml(edit(1)).replace('id: default', 'id: staging'));
    expect(other.problems).toEqual([{ path: 'metadata.id', message: expect.stringMatching(/edits the policy in force, "default"/) }]);
  });
});

describe('the dry run sample', () => {
  it.each([MIN_SAMPLE_TOKENS, 500, 50_001])('carries a prompt the server estimates at %i tokens', (promptTokens) => {
    expect(estimatePromptTokens(explainInput({ ...DEFAULT_SAMPLE, promptTokens }).messages)).toBe(promptTokens);
  });

  it('sends the task type, tags and named headers, and auto for an empty model', () => {
    const input = explainInput({ ...DEFAULT_SAMPLE, model: ' ', taskType: ' summarize ', tags: ['eu'], headers: [{ name: 'x-team', value: 'a' }, { name: ' ', value: 'dropped' }] });
    expect(input).toMatchObject({ model: 'auto', grove: { taskType: 'summarize', tags: ['eu'] }, headers: { 'x-team': 'a' }, scope: 'invoke' });
  });
});

describe('rule summaries', () => {
  it.each([
    [{}, 'every request'],
    [{ model: ['sonnet', 'auto'], promptTokens: { gt: 50000 } }, 'model is sonnet or auto and prompt > 50000 tokens'],
    [{ tags: { any: ['eu'], all: ['pii', 'legal'] }, headers: { 'x-team': 'ml' } }, 'tags include any of eu and tags include all of pii, legal and header x-team is ml'],
  ])('%j reads "%s"', (when, text) => {
    expect(describeCondition(when)).toBe(text);
  });

  it.each([
    [{ strategy: 'pinned' as const, models: ['a', 'b'], chainLength: 2 }, 'pinned: a → b, chain of 2'],
    [{ strategy: 'weighted' as const, split: [{ model: 'a', weight: 3 }] }, 'weighted: a 3'],
    [{ weights: { reasoning: 0.6 }, maxPricePer1M: 20 }, 'best capability fit (reasoning 0.6), at most $20 per 1M tokens'],
    [{ strategy: 'fastest' as const, minimums: { speed: 80 }, maxLatencyMs: 900 }, 'fastest first, minimums speed ≥ 80, latency ≤ 900 ms'],
  ])('%j reads "%s"', (route, text) => {
    expect(describeRoute(route)).toBe(text);
  });
});
