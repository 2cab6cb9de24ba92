import { REQUEST_OUTCOMES } from '../../../shared/decision';

export type RequestOutcome = (typeof REQUEST_OUTCOMES)[number];

/**
 * The Decisions page's filters, kept in the URL in the format other pages link to:
 * `/decisions?model=<id>&outcome=<outcome>&rule=<rule>&from=<ISO>&to=<ISO>&q=<text>`, all
 * optional, and `id=<decision id>` for the decision open over the list.
 */
export interface DecisionFilters {
  /** a model that served the request, or was attempted and did not */
  model: string | null;
  outcome: RequestOutcome | null;
  rule: string | null;
  /** ISO 8601 instants */
  from: string | null;
  to: string | null;
  q: string;
}

export const NO_FILTERS: DecisionFilters = { model: null, outcome: null, rule: null, from: null, to: null, q: '' };

/** What a link may hold that is not a time: said on the page rather than silently dropped. */
export interface IgnoredParam {
  name: 'from' | 'to' | 'outcome';
  value: string;
}

function isoOrNull(value: string | null): string | null {
  if (!value) return null;
  const epoch = Date.parse(value);
  return Number.isNaN(epoch) ? null : new Date(epoch).toISOString();
}

export function parseDecisionFilters(params: URLSearchParams): { filters: DecisionFilters; ignored: IgnoredParam[] } {
  const ignored: IgnoredParam[] = [];
  const time = (name: 'from' | 'to') => {
    const raw = params.get(name);
    const iso = isoOrNull(raw);
    if (raw && !iso) ignored.push({ name, value: raw });
    return iso;
  };
  const outcomeParam = params.get('outcome');
  const outcome = outcomeParam && (REQUEST_OUTCOMES as readonly string[]).includes(outcomeParam) ? (outcomeParam as RequestOutcome) : null;
  if (outcomeParam && !outcome) ignored.push({ name: 'outcome', value: outcomeParam });
  return {
    filters: { model: params.get('model') || null, outcome, rule: params.get('rule') || null, from: time('from'), to: time('to'), q: params.get('q') ?? '' },
    ignored,
  };
}

/** The query string for filters (and an open decision), in the documented order. */
export function decisionFiltersToParams(filters: DecisionFilters, openId: string | null = null): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.model) params.set('model', filters.model);
  if (filters.outcome) params.set('outcome', filters.outcome);
  if (filters.rule) params.set('rule', filters.rule);
  if (filters.from) params.set('from', filters.from);
  if (filters.to) params.set('to', filters.to);
  if (filters.q) params.set('q', filters.q);
  if (openId) params.set('id', openId);
  return params;
}

/** A link to the decisions of a model over a moment: what alerts and charts point at. */
export function decisionsLink(filters: Partial<DecisionFilters>): string {
  const query = decisionFiltersToParams({ ...NO_FILTERS, ...filters }).toString();
  return query ? `/decisions?${query}` : '/decisions';
}

/** decisions.list's input for the filters (a page's size and cursor are the caller's). */
export function toDecisionListInput(filters: DecisionFilters) {
  const q = filters.q.trim();
  return {
    ...(filters.model ? { model: filters.model } : {}),
    ...(filters.outcome ? { outcome: filters.outcome } : {}),
    ...(filters.rule ? { rule: filters.rule } : {}),
    ...(filters.from ? { since: filters.from } : {}),
    ...(filters.to ? { until: filters.to } : {}),
    ...(q ? { q } : {}),
  };
}

export function hasDecisionFilters(filters: DecisionFilters): boolean {
  return filters.model !== null || filters.outcome !== null || filters.rule !== null || filters.from !== null || filters.to !== null || filters.q.trim() !== '';
}
