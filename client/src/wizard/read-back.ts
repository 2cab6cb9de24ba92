/**
 * Pure: where the model Grove stored differs from the one the wizard sent. Saving is only trusted
 * once read back: a field the server dropped or changed is named, not assumed; fields it added
 * are its defaults. A key sent as a value
 * comes back as `{ set, last4 }`, which is the same key when its last 4 characters match.
 */
export function readBackDifferences(sent: Record<string, unknown>, stored: Record<string, unknown>): string[] {
  const differences: string[] = [];
  for (const part of ['metadata', 'spec'] as const) {
    const sentPart = (sent[part] ?? {}) as Record<string, unknown>;
    const storedPart = (stored[part] ?? {}) as Record<string, unknown>;
    // keys sent: each must come back as sent. Keys only the stored model has are the schema's defaults (replacement: null).
    for (const key of Object.keys(sentPart)) {
      if (part === 'spec' && key === 'apiKey' && sameKey(sentPart.apiKey, storedPart.apiKey)) continue;
      if (canonical(sentPart[key]) !== canonical(storedPart[key])) differences.push(`${part}.${key}`);
    }
  }
  return differences;
}

function sameKey(sent: unknown, stored: unknown): boolean {
  const value = (sent as { value?: unknown } | undefined)?.value;
  const view = stored as { set?: boolean; last4?: string } | undefined;
  return typeof value === 'string' && view?.set === true && view.last4 === value.slice(-4);
}

/** JSON with object keys sorted, so that key order never counts as a difference. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner) ? Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b))) : inner,
  ) ?? 'undefined';
}
