import { describe, expect, it } from 'vitest';
import { listModels } from '../../server/registry/list-models';
import type { ModelObject } from '../../shared/objects';

function model(id: string, spec: Partial<ModelObject['spec']>, labels?: Record<string, string>): ModelObject {
  return {
    apiVersion: 'grove/v1',
    kind: 'Model',
    metadata: { id, labels },
    spec: {
      provider: 'simulated',
      model: id,
      capabilities: { reasoning: 50, creativity: 50, precision: 50, speed: 50, context: 50 },
      contextWindow: 1000,
      maxOutputTokens: 100,
      pricing: { inputPer1M: 1, outputPer1M: 1 },
      timeoutMs: 1000,
      fallbacks: [],
      aliases: [],
      lifecycle: 'active',
      replacement: null,
      ...spec,
    },
    status: { revision: 1, createdAt: '', updatedAt: '' },
  };
}

const models = [
  model('b', { capabilities: { reasoning: 80, creativity: 1, precision: 1, speed: 1, context: 1, coding: 70 } }, { team: 'x=y' }),
  model('a', { lifecycle: 'retired', pricing: { inputPer1M: 1, outputPer1M: 1 } }),
  model('c', { lifecycle: 'draft', pricing: { inputPer1M: 0, outputPer1M: 1 } }),
];
const ids = (list: ModelObject[]) => list.map((item) => item.metadata.id);

describe('listModels', () => {
  it('does not reorder its input', () => {
    const input = [...models];
    listModels(input, { sort: 'id' });
    expect(ids(input)).toEqual(['b', 'a', 'c']);
  });

  it('sorts by id without options', () => {
    expect(ids(listModels(models))).toEqual(['a', 'b', 'c']);
  });

  it('splits a label at the first "="', () => {
    expect(ids(listModels(models, { label: 'team=x=y' }))).toEqual(['b']);
  });

  it('treats a capability a model lacks as 0, for filters and for sorting', () => {
    expect(ids(listModels(models, { capability: 'coding', minScore: 1 }))).toEqual(['b']);
    expect(ids(listModels(models, { capability: 'coding' }))).toEqual(['a', 'b', 'c']);
    expect(ids(listModels(models, { sort: 'coding' }))).toEqual(['b', 'a', 'c']);
  });

  it('breaks ties by id in both directions of the main key', () => {
    expect(ids(listModels(models, { sort: 'price' }))).toEqual(['c', 'a', 'b']);
    expect(ids(listModels(models, { sort: 'price', order: 'desc' }))).toEqual(['a', 'b', 'c']);
    expect(ids(listModels(models, { sort: 'lifecycle' }))).toEqual(['b', 'c', 'a']);
  });
});
