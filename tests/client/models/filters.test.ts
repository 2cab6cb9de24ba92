import { describe, expect, it } from 'vitest';
import { DEFAULT_FILTERS, filtersToParams, hasActiveFilters, parseFilters, toListInput } from '../../../client/src/models/filters';

describe('model filters', () => {
  it('round-trips through the URL', () => {
    const filters = { provider: 'gemini' as const, lifecycle: 'active' as const, search: 'flash', capability: 'speed', minScore: 80, sort: 'price' };
    expect(parseFilters(filtersToParams(filters))).toEqual(filters);
    expect(filtersToParams(DEFAULT_FILTERS).toString()).toBe('');
  });

  it('drops values the server would refuse', () => {
    const parsed = parseFilters(new URLSearchParams('provider=openai&lifecycle=gone&min=250'));
    expect(parsed).toMatchObject({ provider: null, lifecycle: null, minScore: 100 });
    expect(parseFilters(new URLSearchParams('min=abc')).minScore).toBeNull();
  });

  it('sends a minimum score only together with its capability, and trims the search', () => {
    expect(toListInput({ ...DEFAULT_FILTERS, minScore: 70 })).toEqual({ sort: 'id', order: 'asc' });
    expect(toListInput({ ...DEFAULT_FILTERS, capability: 'context', minScore: 90, search: '  sonnet ' })).toEqual({
      search: 'sonnet',
      capability: 'context',
      minScore: 90,
      sort: 'id',
      order: 'asc',
    });
  });

  it('knows when anything narrows the list', () => {
    expect(hasActiveFilters(DEFAULT_FILTERS)).toBe(false);
    expect(hasActiveFilters({ ...DEFAULT_FILTERS, sort: 'price' })).toBe(false);
    expect(hasActiveFilters({ ...DEFAULT_FILTERS, search: 'x' })).toBe(true);
    expect(hasActiveFilters({ ...DEFAULT_FILTERS, capability: 'speed' })).toBe(false);
  });
});
