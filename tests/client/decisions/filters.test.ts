import { describe, expect, it } from 'vitest';
import { decisionFiltersToParams, decisionsLink, hasDecisionFilters, NO_FILTERS, parseDecisionFilters, toDecisionListInput } from '../../../client/src/decisions/filters';

describe('decision filters', () => {
  it('round-trip through the URL in the format other pages link to', () => {
    const filters = { model: 'sim-fast', outcome: 'error' as const, rule: 'code-review', from: '2026-12-06T13:00:00.000Z', to: '2026-12-06T14:00:00.000Z', q: 'chatcmpl-ab' };
    const params = decisionFiltersToParams(filters, 'chatcmpl-abc');
    expect(params.toString()).toBe('model=sim-fast&outcome=error&rule=code-review&from=2026-12-06T13%3A00%3A00.000Z&to=2026-12-06T14%3A00%3A00.000Z&q=chatcmpl-ab&id=chatcmpl-abc');
    expect(parseDecisionFilters(params)).toEqual({ filters, ignored: [] });
    expect(decisionFiltersToParams(NO_FILTERS).toString()).toBe('');
  });

  it('reads any ISO instant, offsets included, and says which values it ignored', () => {
    const { filters, ignored } = parseDecisionFilters(new URLSearchParams('from=2026-12-06T14:00:00%2B01:00&to=yesterday&outcome=fine'));
    expect(filters).toMatchObject({ from: '2026-12-06T13:00:00.000Z', to: null, outcome: null });
    expect(ignored).toEqual([
      { name: 'outcome', value: 'fine' },
      { name: 'to', value: 'yesterday' },
    ]);
  });

  it('builds links and the list input; a blank search is no filter', () => {
    expect(decisionsLink({ model: 'sim-fast', from: '2026-12-06T13:00:00.000Z', to: '2026-12-06T13:05:00.000Z' })).toBe('/decisions?model=sim-fast&from=2026-12-06T13%3A00%3A00.000Z&to=2026-12-06T13%3A05%3A00.000Z');
    expect(decisionsLink({})).toBe('/decisions');
    expect(toDecisionListInput({ ...NO_FILTERS, q: '  ' })).toEqual({});
    expect(toDecisionListInput({ ...NO_FILTERS, rule: 'r', from: 'a', to: 'b', q: ' x ' })).toEqual({ rule: 'r', since: 'a', until: 'b', q: 'x' });
    expect(hasDecisionFilters({ ...NO_FILTERS, q: ' ' })).toBe(false);
    expect(hasDecisionFilters({ ...NO_FILTERS, outcome: 'ok' })).toBe(true);
  });
});
