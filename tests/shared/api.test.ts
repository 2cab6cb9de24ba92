import { describe, expect, it } from 'vitest';
import { applyResultSchema, groveObjectSchema, listModelsInputSchema } from '../../shared/api';
import { canonicalJson } from '../../shared/canonical';

describe('listModelsInputSchema', () => {
  it('defaults to sorting by id, ascending', () => {
    expect(listModelsInputSchema.parse(undefined)).toEqual({ sort: 'id', order: 'asc' });
    expect(listModelsInputSchema.parse({})).toEqual({ sort: 'id', order: 'asc' });
  });

  it('coerces minScore from a query string and bounds it', () => {
    expect(listModelsInputSchema.parse({ capability: 'speed', minScore: '80' })).toMatchObject({ minScore: 80 });
    expect(listModelsInputSchema.safeParse({ minScore: '101' }).success).toBe(false);
    expect(listModelsInputSchema.safeParse({ minScore: 'high' }).success).toBe(false);
  });

  it('wants labels as key=value', () => {
    expect(listModelsInputSchema.parse({ label: 'tier=premium' }).label).toBe('tier=premium');
    expect(listModelsInputSchema.safeParse({ label: 'tier' }).success).toBe(false);
    expect(listModelsInputSchema.safeParse({ provider: 'openai' }).success).toBe(false);
    expect(listModelsInputSchema.safeParse({ order: 'up' }).success).toBe(false);
  });
});

describe('wire schemas', () => {
  it('accepts an object view of its kind and an apply result', () => {
    const status = { revision: 1, createdAt: 'x', updatedAt: 'y' };
    expect(groveObjectSchema.safeParse({ apiVersion: 'grove/v1', kind: 'Capability', metadata: { id: 'coding' }, spec: { defaultScore: 0 }, status }).success).toBe(true);
    // a Model's view is a Model's spec, not any record
    expect(groveObjectSchema.safeParse({ apiVersion: 'grove/v1', kind: 'Model', metadata: { id: 'a' }, spec: {}, status }).success).toBe(false);
    expect(groveObjectSchema.safeParse({ apiVersion: 'grove/v1', kind: 'Capability', metadata: { id: 'coding' }, spec: { defaultScore: 0 }, status: { revision: 'one' } }).success).toBe(false);
    expect(groveObjectSchema.safeParse({ apiVersion: 'grove/v1', kind: 'Widget', metadata: { id: 'a' }, spec: {}, status: {} }).success).toBe(false);
    expect(applyResultSchema.safeParse({ kind: 'Model', id: 'a', action: 'deleted', revision: 1 }).success).toBe(false);
  });
});

describe('canonicalJson', () => {
  it('prints equal values equally, whatever the key order, ignoring undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: undefined } })).toBe(canonicalJson({ a: { d: [2, { y: 2, z: 1 }] }, b: 1 }));
    expect(canonicalJson({ a: [1, 2] })).not.toBe(canonicalJson({ a: [2, 1] }));
    expect(canonicalJson({ a: null })).not.toBe(canonicalJson({}));
  });
});
