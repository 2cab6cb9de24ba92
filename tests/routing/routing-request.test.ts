import { describe, expect, it } from 'vitest';
import { RequirementsError, requirementsFromBody, requirementsFromHeaders, resolveRequirements } from '../../shared/routing-request';
import { estimatePromptTokens } from '../../server/routing/estimate-tokens';

function issuesOf(run: () => unknown) {
  try {
    run();
  } catch (error) {
    if (error instanceof RequirementsError) return error.issues;
    throw error;
  }
  throw new Error('expected a RequirementsError');
}

describe('requirementsFromHeaders', () => {
  it('reads every x-grove-* header, names in any case', () => {
    expect(
      requirementsFromHeaders({
        'x-grove-task-type': 'code-review',
        'X-Grove-Tags': ' a, b ,,c',
        'x-grove-weights': 'reasoning=0.5, speed=0.5',
        'x-grove-minimums': 'context=80',
        'x-grove-max-price': '12.5',
        'x-grove-max-latency-ms': '800',
        'x-grove-min-context': '32000',
        'x-grove-strategy': 'fastest',
        'content-type': 'application/json',
        'x-grove-other': 'ignored',
        'x-grove-absent': undefined,
      }),
    ).toEqual({
      taskType: 'code-review',
      tags: ['a', 'b', 'c'],
      weights: { reasoning: 0.5, speed: 0.5 },
      minimums: { context: 80 },
      maxPricePer1M: 12.5,
      maxLatencyMs: 800,
      minContext: 32000,
      strategy: 'fastest',
    });
  });

  it('joins a repeated header', () => {
    expect(requirementsFromHeaders({ 'x-grove-tags': ['a', 'b'] })).toEqual({ tags: ['a', 'b'] });
  });

  it('no headers, no requirements', () => {
    expect(requirementsFromHeaders({})).toEqual({});
  });

  it('names the header of every bad value', () => {
    const issues = issuesOf(() =>
      requirementsFromHeaders({
        'x-grove-max-price': 'cheap',
        'x-grove-weights': 'reasoning=lots,speed',
        'x-grove-minimums': 'speed=120',
        'x-grove-strategy': 'pinned',
        'x-grove-max-latency-ms': '',
        'x-grove-min-context': '1.5',
      }),
    );
    expect(issues.map((issue) => issue.field)).toEqual([
      'x-grove-max-price',
      'x-grove-weights (reasoning)',
      'x-grove-weights',
      'x-grove-max-latency-ms',
      'x-grove-minimums (speed)',
      'x-grove-min-context',
      'x-grove-strategy',
    ]);
    expect(issues[0]?.message).toBe('expected a number, got "cheap"');
    expect(issues[2]?.message).toMatch(/name=number pairs/);
  });

  it('the error message carries every field', () => {
    expect(() => requirementsFromHeaders({ 'x-grove-max-price': 'x', 'x-grove-strategy': 'y' })).toThrow(/x-grove-max-price: .*; x-grove-strategy: /);
  });
});

describe('requirementsFromBody and resolveRequirements', () => {
  it('absent or null grove means none', () => {
    expect(requirementsFromBody(undefined)).toEqual({});
    expect(requirementsFromBody(null)).toEqual({});
  });

  it('names body fields by path and rejects unknown ones', () => {
    const issues = issuesOf(() => requirementsFromBody({ weights: { speed: -1 }, colour: 'red' }));
    expect(issues.map((issue) => issue.field).sort()).toEqual(['grove', 'grove.weights.speed']);
  });

  it('the body wins over headers, field by field', () => {
    expect(resolveRequirements({ maxPricePer1M: 5, tags: ['body'] }, { 'x-grove-max-price': '50', 'x-grove-task-type': 'chat', 'x-grove-tags': 'header' })).toEqual({
      maxPricePer1M: 5,
      tags: ['body'],
      taskType: 'chat',
    });
  });

  it('lists the problems of both body and headers', () => {
    const issues = issuesOf(() => resolveRequirements({ maxLatencyMs: 0 }, { 'x-grove-max-price': 'x' }));
    expect(issues.map((issue) => issue.field)).toEqual(['grove.maxLatencyMs', 'x-grove-max-price']);
  });
});

describe('estimatePromptTokens', () => {
  it.each([
    { name: 'no messages', messages: [], tokens: 3 },
    { name: 'one short message', messages: [{ role: 'user', content: 'hello world!' }], tokens: 3 + 4 + 3 },
    { name: 'text and image parts', messages: [{ role: 'user', content: [{ type: 'text', text: 'abcdefgh' }, { type: 'image_url', image_url: { url: 'x' } }] }], tokens: 3 + 4 + 2 + 256 },
    { name: 'name and tool calls', messages: [{ role: 'assistant', content: null, name: 'abcd', tool_calls: [{ id: '1' }] }], tokens: 3 + 4 + 1 + 3 },
    { name: 'other content shapes', messages: [{ role: 'user', content: { odd: true } }, { role: 'user' }], tokens: 3 + 4 + 3 + 4 },
  ])('$name', ({ messages, tokens }) => {
    expect(estimatePromptTokens(messages)).toBe(tokens);
  });

  it('grows with the text, about four characters a token', () => {
    expect(estimatePromptTokens([{ role: 'user', content: 'x'.repeat(40_000) }])).toBe(10_007);
  });
});
