import { describe, expect, it } from 'vitest';
import { orderedCapabilities, orderedModelSpec } from '../../../client/src/models/spec-order';

describe('spec order', () => {
  it('puts the spec keys in the documented order, unknown ones last', () => {
    const spec = { lifecycle: 'active', zeta: 1, model: 'm', pricing: {}, provider: 'gemini', capabilities: {} };
    expect(Object.keys(orderedModelSpec(spec))).toEqual(['provider', 'model', 'capabilities', 'pricing', 'lifecycle', 'zeta']);
  });

  it('lists the core capabilities first, then declared ones alphabetically', () => {
    const scores = { speed: 1, coding: 2, reasoning: 3, context: 4, math: 5, precision: 6, creativity: 7 };
    expect(Object.keys(orderedCapabilities(scores))).toEqual(['reasoning', 'creativity', 'precision', 'speed', 'context', 'coding', 'math']);
  });
});
