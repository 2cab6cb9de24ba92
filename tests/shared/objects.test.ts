import { describe, expect, it } from 'vitest';
import { capabilityObjectInputSchema, capabilityScoresSchema, metadataSchema, modelObjectInputSchema, modelSpecInputSchema, modelSpecViewSchema, secretInputSchema, secretViewSchema, simulationSchema } from '../../shared/objects';
import { modelObject } from '../routers/fixtures';

const validSpec = modelObject('x').spec;
const issuesOf = (result: { success: boolean; error?: { issues: Array<{ path: PropertyKey[]; message: string }> } }) =>
  (result.error?.issues ?? []).map((issue) => `${issue.path.join('.')}: ${issue.message}`);
const specIssues = (overrides: Record<string, unknown>) => issuesOf(modelSpecInputSchema.safeParse({ ...validSpec, ...overrides }));

describe('Model spec', () => {
  it('fills the defaults', () => {
    expect(modelSpecInputSchema.parse(validSpec)).toEqual({ ...validSpec, timeoutMs: 60_000, fallbacks: [], aliases: [], lifecycle: 'draft', replacement: null });
  });

  it('accepts every provider and lifecycle', () => {
    for (const provider of ['anthropic', 'gemini', 'openai-compatible', 'simulated']) expect(specIssues({ provider })).toEqual([]);
    for (const lifecycle of ['draft', 'active', 'deprecated']) expect(specIssues({ lifecycle })).toEqual([]);
    expect(specIssues({ lifecycle: 'retired', replacement: 'other' })).toEqual([]);
    expect(specIssues({ provider: 'openai' })).toEqual([expect.stringMatching(/^provider: /)]);
    expect(specIssues({ lifecycle: 'gone' })).toEqual([expect.stringMatching(/^lifecycle: /)]);
  });

  it.each([
    ['https://api.anthropic.com/', 'https://api.anthropic.com'],
    ['https://generativelanguage.googleapis.com', 'https://generativelanguage.googleapis.com'],
    ['http://127.0.0.1:11434/v1///', 'http://127.0.0.1:11434/v1'],
  ])('trims trailing slashes from baseUrl %s', (baseUrl, trimmed) => {
    expect(modelSpecInputSchema.parse({ ...validSpec, baseUrl }).baseUrl).toBe(trimmed);
  });

  it.each([['api.anthropic.com'], ['ftp://files.example.com'], [''], ['https//missing-colon']])('refuses baseUrl %j', (baseUrl) => {
    expect(specIssues({ baseUrl })).toEqual([expect.stringMatching(/^baseUrl: /)]);
  });

  it.each([
    [{ capabilities: { reasoning: 101, creativity: 1, precision: 1, speed: 1, context: 1 } }, 'capabilities.reasoning'],
    [{ capabilities: { reasoning: -1, creativity: 1, precision: 1, speed: 1, context: 1 } }, 'capabilities.reasoning'],
    [{ capabilities: { reasoning: 1.5, creativity: 1, precision: 1, speed: 1, context: 1 } }, 'capabilities.reasoning'],
    [{ capabilities: { reasoning: 1, creativity: 1, precision: 1, speed: 1 } }, 'capabilities.context'],
    [{ capabilities: { reasoning: 1, creativity: 1, precision: 1, speed: 1, context: 1, coding: 200 } }, 'capabilities.coding'],
    [{ contextWindow: 'big' }, 'contextWindow'],
    [{ contextWindow: 1.5 }, 'contextWindow'],
    [{ maxOutputTokens: -1 }, 'maxOutputTokens'],
    [{ pricing: { inputPer1M: -0.01, outputPer1M: 1 } }, 'pricing.inputPer1M'],
    [{ pricing: { inputPer1M: 1 } }, 'pricing.outputPer1M'],
    [{ pricing: { inputPer1M: 1, outputPer1M: 1, currency: 'EUR' } }, 'pricing'],
    [{ timeoutMs: 50 }, 'timeoutMs'],
    [{ timeoutMs: 3_600_001 }, 'timeoutMs'],
    [{ fallbacks: ['Not An Id'] }, 'fallbacks.0'],
    [{ aliases: ['has space'] }, 'aliases.0'],
    [{ model: '' }, 'model'],
    [{ replacement: 'UPPER' }, 'replacement'],
    [{ surprise: 1 }, ''],
  ])('refuses %j at %s', (overrides, path) => {
    const issues = specIssues(overrides);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.startsWith(`${path}: `)).toBe(true);
  });

  it('checks the fields against each other', () => {
    expect(specIssues({ lifecycle: 'retired' })).toEqual(['replacement: a retired model must name its replacement']);
    expect(specIssues({ contextWindow: 1000, maxOutputTokens: 1001 })).toEqual(['maxOutputTokens: must not exceed contextWindow']);
    expect(specIssues({ contextWindow: 1000, maxOutputTokens: 1000 })).toEqual([]);
    expect(specIssues({ fallbacks: ['a', 'b', 'a'] })).toEqual(['fallbacks: must not repeat a model']);
  });

  it('lists cross-field problems beside field problems, in one answer', () => {
    expect(specIssues({ provider: 'nope', lifecycle: 'retired', contextWindow: 10, maxOutputTokens: 20, fallbacks: ['a', 'a'], extra: true })).toEqual([
      expect.stringMatching(/^provider: /),
      expect.stringMatching(/^: Unrecognized key/),
      'replacement: a retired model must name its replacement',
      'maxOutputTokens: must not exceed contextWindow',
      'fallbacks: must not repeat a model',
    ]);
  });

  it('accepts a simulation block with defaults and checks it', () => {
    expect(simulationSchema.parse({})).toEqual({ latencyMs: { p50: 300, p99: 900 }, tokensPerSecond: 80, errorRate: 0 });
    expect(issuesOf(simulationSchema.safeParse({ latencyMs: { p50: 500, p99: 100 } }))).toEqual(['latencyMs: p99 must be at least p50']);
    expect(issuesOf(simulationSchema.safeParse({ errorRate: 1.5 }))).toEqual([expect.stringMatching(/^errorRate: /)]);
    expect(modelSpecInputSchema.parse({ ...validSpec, simulation: { seed: 7 } }).simulation).toMatchObject({ seed: 7, tokensPerSecond: 80 });
  });

  it('keeps declared capabilities beside the core ones', () => {
    expect(capabilityScoresSchema.parse({ reasoning: 1, creativity: 2, precision: 3, speed: 4, context: 5, coding: 6 })).toMatchObject({ coding: 6 });
  });
});

describe('secrets', () => {
  it.each([[{ env: 'ANTHROPIC_API_KEY' }], [{ value: 'sk-123' }], [{ set: true }], [{ set: true, last4: 'abcd' }]])('accepts %j as input', (secret) => {
    expect(secretInputSchema.parse(secret)).toEqual(secret);
  });

  it.each([[{ env: '1BAD' }], [{ env: 'has-dash' }], [{ value: '' }], [{ value: 'x'.repeat(4097) }], [{ set: false }], [{ env: 'A', value: 'b' }], ['sk-bare'], [{}]])('refuses %j as input', (secret) => {
    expect(secretInputSchema.safeParse(secret).success).toBe(false);
  });

  it('never lets a value through the view schema', () => {
    expect(secretViewSchema.safeParse({ value: 'sk-123' }).success).toBe(false);
    expect(secretViewSchema.parse({ set: true, last4: '0123' })).toEqual({ set: true, last4: '0123' });
    expect(modelSpecViewSchema.safeParse({ ...validSpec, apiKey: { value: 'sk' } }).success).toBe(false);
    expect(modelSpecViewSchema.safeParse({ ...validSpec, apiKey: { env: 'KEY' } }).success).toBe(true);
  });
});

describe('Model object', () => {
  it('parses a whole object, status ignored', () => {
    const parsed = modelObjectInputSchema.parse({ ...modelObject('claude-sonnet', { apiKey: { env: 'ANTHROPIC_API_KEY' } }, { labels: { tier: 'premium', 'team/owner': 'ml' } }), status: { revision: 3 } });
    expect(parsed.metadata).toEqual({ id: 'claude-sonnet', title: 'Model claude-sonnet', labels: { tier: 'premium', 'team/owner': 'ml' } });
    expect(parsed.spec.apiKey).toEqual({ env: 'ANTHROPIC_API_KEY' });
  });

  it('refuses a model that falls back to or replaces itself', () => {
    expect(issuesOf(modelObjectInputSchema.safeParse(modelObject('self', { fallbacks: ['self'] })))).toEqual(['spec.fallbacks: a model cannot be its own fallback']);
    expect(issuesOf(modelObjectInputSchema.safeParse(modelObject('self', { lifecycle: 'retired', replacement: 'self' })))).toEqual(['spec.replacement: a model cannot replace itself']);
  });

  it('checks the envelope', () => {
    const issues = issuesOf(modelObjectInputSchema.safeParse({ ...modelObject('ok'), apiVersion: 'grove/v0', extra: 1 }));
    expect(issues).toEqual(expect.arrayContaining(['apiVersion: apiVersion must be "grove/v1"', expect.stringMatching(/^: Unrecognized key/)]));
    expect(issuesOf(modelObjectInputSchema.safeParse({ apiVersion: 'grove/v1', kind: 'Model', metadata: 'x', spec: { fallbacks: ['x'] } }))).toEqual(expect.arrayContaining([expect.stringMatching(/^metadata: /), expect.stringMatching(/^spec\.provider: /)]));
  });

  it.each([
    [{ id: '' }, 'id'],
    [{ id: 'Upper' }, 'id'],
    [{ id: '-leading' }, 'id'],
    [{ id: 'a'.repeat(64) }, 'id'],
    [{ id: 'ok', title: 't'.repeat(201) }, 'title'],
    [{ id: 'ok', labels: { 'Bad Key': 'v' } }, 'labels.Bad Key'],
    [{ id: 'ok', owner: 'me' }, ''],
  ])('refuses metadata %j at %s', (metadata, path) => {
    const issues = issuesOf(metadataSchema.safeParse(metadata));
    expect(issues).toHaveLength(1);
    expect(issues[0]!.startsWith(`${path}: `)).toBe(true);
  });

  it('accepts the longest id and the id characters', () => {
    expect(metadataSchema.parse({ id: 'a'.repeat(63) }).id).toHaveLength(63);
    expect(metadataSchema.parse({ id: '4o-mini_v2.1' }).id).toBe('4o-mini_v2.1');
  });
});

describe('Capability object', () => {
  it('defaults the score of models that do not declare it to 0', () => {
    expect(capabilityObjectInputSchema.parse({ apiVersion: 'grove/v1', kind: 'Capability', metadata: { id: 'coding' }, spec: {} }).spec).toEqual({ defaultScore: 0 });
  });

  it.each([[{ defaultScore: 101 }], [{ defaultScore: 2.5 }], [{ weight: 1 }]])('refuses spec %j', (spec) => {
    expect(capabilityObjectInputSchema.safeParse({ apiVersion: 'grove/v1', kind: 'Capability', metadata: { id: 'coding' }, spec }).success).toBe(false);
  });
});
