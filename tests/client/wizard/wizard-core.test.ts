import { describe, expect, it } from 'vitest';
import { belongsToStep, draftToObject, emptyDraft, idFromModelName, messageFor, objectToDraft, validateObject } from '../../../client/src/wizard/draft';
import { exampleRequestCost, perUnitEquivalents, pricingWarnings } from '../../../client/src/wizard/pricing-check';
import { presetForModel } from '../../../client/src/wizard/presets';
import { readBackDifferences } from '../../../client/src/wizard/read-back';
import { keyStandIn, objectToYaml, readYaml, withKey, withoutKey } from '../../../client/src/wizard/yaml-source';

const complete = () => ({
  ...emptyDraft(),
  id: 'mini',
  provider: 'openai-compatible' as const,
  model: 'gpt-4o-mini',
  keySource: 'value' as const,
  keyValue: 'sk-secret-value-1234',
  contextWindow: 128_000,
  maxOutputTokens: 16_384,
  inputPer1M: 0.15,
  outputPer1M: 0.6,
});

describe('the wizard draft', () => {
  it('turns into a Model the server schema accepts, and back, keeping what the form has no field for', () => {
    const object = draftToObject(complete());
    expect(validateObject(object)).toEqual([]);
    const edited = { ...object, metadata: { ...(object.metadata as object), labels: { team: 'search' } }, spec: { ...(object.spec as object), headers: { 'x-org': 'acme' } } };
    const draft = objectToDraft(edited, complete());
    expect(draft.extraMetadata).toEqual({ labels: { team: 'search' } });
    expect(draft.extraSpec).toEqual({ headers: { 'x-org': 'acme' } });
    expect(draftToObject(draft)).toEqual(edited);
  });

  it('lists every problem at the path the server uses, empty fields as required', () => {
    const problems = validateObject(draftToObject({ ...emptyDraft(), keyEnv: 'has space', inputPer1M: -1 }));
    expect(messageFor(problems, 'spec.model')).toBe('required');
    expect(messageFor(problems, 'metadata.id')).toMatch(/lowercase/);
    expect(messageFor(problems, 'spec.contextWindow')).toBe('required');
    expect(messageFor(problems, 'spec.apiKey')).toBeDefined();
    expect(messageFor(problems, 'spec.pricing.inputPer1M')).toMatch(/>=0|too small/i);
    expect(problems.filter((problem) => belongsToStep(problem.path, 0)).map((problem) => problem.path)).not.toContain('spec.contextWindow');
    expect(belongsToStep('spec.aliases[0]', 1)).toBe(true);
  });

  it('derives a Grove id from an upstream name', () => {
    expect(idFromModelName('Claude Sonnet 4.5')).toBe('claude-sonnet-4.5');
    expect(idFromModelName('  models/gemini-2.5-pro ')).toBe('models-gemini-2.5-pro');
    expect(idFromModelName('--x')).toBe('x');
  });
});

describe('presets', () => {
  it('match exact names and dated versions, the longest first', () => {
    expect(presetForModel('gpt-4o-mini')?.label).toBe('GPT-4o mini');
    expect(presetForModel('claude-sonnet-4-5-20250929')?.label).toBe('Claude Sonnet 4.5');
    expect(presetForModel('gemini-2.5-flash-lite')?.label).toBe('Gemini 2.5 Flash-Lite');
    expect(presetForModel('my-own-model')).toBeUndefined();
  });
});

describe('price checks', () => {
  it('warn on a per-1K price in a per-1M field and on output cheaper than a tenth of input', () => {
    expect(pricingWarnings(3, 15)).toEqual([]);
    expect(pricingWarnings(250, 1000).map((warning) => warning.field)).toEqual(['inputPer1M', 'outputPer1M']);
    expect(pricingWarnings(10, 0.5)).toEqual([{ field: 'outputPer1M', message: expect.stringMatching(/tenth/) }]);
    expect(pricingWarnings(0, 0)).toEqual([]);
  });

  it('show equivalents in fixed notation and a worked example to 4 significant digits', () => {
    expect(perUnitEquivalents(0.15)).toEqual({ per1K: '$0.00015', perToken: '$0.00000015' });
    expect(exampleRequestCost(3, 15)).toBe('$0.0135');
  });
});

describe('the review YAML', () => {
  it('refuses unknown keys and bad YAML with a path, never dropping them', () => {
    const yaml = objectToYaml(draftToObject(complete()));
    expect(readYaml(yaml).problems).toEqual([]);
    expect(readYaml(yaml.replace('contextWindow:', 'contextWindw:')).problems).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'spec', message: expect.stringMatching(/contextWindw/) })]));
    expect(readYaml('spec: [unclosed').problems[0]!.message).toMatch(/^Not valid YAML/);
    expect(readYaml('- a list').problems[0]!.message).toMatch(/one Model object/);
  });

  it('shows a stand-in for a key typed as a value, and puts the key back', () => {
    const object = draftToObject(complete());
    const shown = withoutKey(object);
    expect(JSON.stringify(shown)).not.toContain('sk-secret-value-1234');
    expect(objectToYaml(shown)).toContain(keyStandIn('sk-secret-value-1234'));
    expect(withKey(shown, 'sk-secret-value-1234')).toEqual(object);
    // an operator who replaced the stand-in keeps their own value
    const replaced = { ...shown, spec: { ...(shown.spec as object), apiKey: { value: 'sk-another' } } };
    expect(withKey(replaced, 'sk-secret-value-1234')).toEqual(replaced);
  });
});

describe('read back', () => {
  it('counts an encrypted key with the same last 4 as the same, and names every other difference', () => {
    const sent = draftToObject(complete());
    const spec = sent.spec as Record<string, unknown>;
    const stored = { ...sent, spec: { ...spec, apiKey: { set: true, last4: '1234' } } as Record<string, unknown>, status: { revision: 1 } };
    expect(readBackDifferences(sent, stored)).toEqual([]);
    expect(readBackDifferences(sent, { ...stored, spec: { ...stored.spec, apiKey: { set: true, last4: '9999' } } })).toEqual(['spec.apiKey']);
    const { aliases: _dropped, ...withoutAliases } = stored.spec;
    expect(readBackDifferences({ ...sent, spec: { ...spec, aliases: ['mini'] } }, { ...stored, spec: withoutAliases })).toEqual(['spec.aliases']);
    expect(readBackDifferences(sent, { ...stored, spec: { ...stored.spec, pricing: { outputPer1M: 0.6, inputPer1M: 0.15 } } })).toEqual([]);
  });
});
