import { LIFECYCLES, PROVIDERS, type Lifecycle, type Provider } from '../../../shared/objects';

/** The Models page filters, kept in the URL so that going back from a model restores them. */
export interface ModelFilterValues {
  provider: Provider | null;
  lifecycle: Lifecycle | null;
  search: string;
  capability: string | null;
  minScore: number | null;
  /** 'id' | 'provider' | 'lifecycle' | 'price' | a capability name */
  sort: string;
}

export const DEFAULT_FILTERS: ModelFilterValues = { provider: null, lifecycle: null, search: '', capability: null, minScore: null, sort: 'id' };

function oneOf<T extends string>(values: readonly T[], value: string | null): T | null {
  return value !== null && (values as readonly string[]).includes(value) ? (value as T) : null;
}

export function parseFilters(params: URLSearchParams): ModelFilterValues {
  const min = params.get('min');
  const minScore = min === null || min === '' ? null : Number(min);
  return {
    provider: oneOf(PROVIDERS, params.get('provider')),
    lifecycle: oneOf(LIFECYCLES, params.get('lifecycle')),
    search: params.get('q') ?? '',
    capability: params.get('capability') || null,
    minScore: minScore !== null && Number.isFinite(minScore) ? Math.min(100, Math.max(0, minScore)) : null,
    sort: params.get('sort') || 'id',
  };
}

export function filtersToParams(values: ModelFilterValues): URLSearchParams {
  const params = new URLSearchParams();
  if (values.provider) params.set('provider', values.provider);
  if (values.lifecycle) params.set('lifecycle', values.lifecycle);
  if (values.search) params.set('q', values.search);
  if (values.capability) params.set('capability', values.capability);
  if (values.minScore !== null) params.set('min', String(values.minScore));
  if (values.sort !== 'id') params.set('sort', values.sort);
  return params;
}

/**
 * The `models.list` input for the filters: a minimum score needs a capability, and the server
 * already puts the best first when sorting by a capability.
 */
export function toListInput(values: ModelFilterValues) {
  return {
    ...(values.search.trim() ? { search: values.search.trim() } : {}),
    ...(values.provider ? { provider: values.provider } : {}),
    ...(values.lifecycle ? { lifecycle: values.lifecycle } : {}),
    ...(values.capability && values.minScore !== null ? { capability: values.capability, minScore: values.minScore } : {}),
    sort: values.sort,
    order: 'asc' as const,
  };
}

export function hasActiveFilters(values: ModelFilterValues): boolean {
  return values.provider !== null || values.lifecycle !== null || values.search !== '' || (values.capability !== null && values.minScore !== null);
}
