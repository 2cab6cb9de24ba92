const SAID: Record<string, string> = { open: 'circuit opened: routing skips it', 'half-open': 'circuit half-open: one request probes it', closed: 'circuit closed again: it serves' };

/**
 * What changed in the models' circuits between two health readings, as sentences for a polite
 * live region: discrete events only (a constantly updating chart is never announced). The first
 * reading announces nothing: it is the state the page opened on, not a change.
 */
export function circuitAnnouncements(previous: ReadonlyMap<string, string> | null, next: ReadonlyArray<{ modelId: string; circuit: string }>): string[] {
  if (previous === null) return [];
  return next.filter((item) => previous.has(item.modelId) && previous.get(item.modelId) !== item.circuit).map((item) => `${item.modelId}: ${SAID[item.circuit] ?? item.circuit}`);
}
