import type { Principal } from './keys';

/**
 * Whether a key may call models: `invoke` keys, and `admin` keys, which may do everything. The one
 * place this is decided, for tRPC's gateway procedures and for /v1 alike.
 */
export function mayInvoke(principal: Pick<Principal, 'scopes'>): boolean {
  return principal.scopes.includes('invoke') || principal.scopes.includes('admin');
}

/** Whether a key may read figures (/metrics, metrics.*): `metrics` keys, and `admin` keys. */
export function mayReadMetrics(principal: Pick<Principal, 'scopes'>): boolean {
  return principal.scopes.includes('metrics') || principal.scopes.includes('admin');
}
