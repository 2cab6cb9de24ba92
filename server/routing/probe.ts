import { LIFECYCLE_CODE } from './compile-registry';
import { PROBE_CODE } from './compile-health';
import { onlyTooSlow, type RoutingContext } from './eligibility';

export type ProbeReason = 'circuit_half_open' | 'latency_stale';

export interface Probe {
  index: number;
  reason: ProbeReason;
}

/**
 * The model this `auto` request should try first as a probe, or null. The health tracker marks a
 * model due a probe when routing moved off it and its figures can only recover by being called:
 * its circuit is half-open after the cooldown, or its latency figure went stale (not called for a
 * few seconds). The tracker clears the mark on the first call, so a model gets at most one probe
 * per interval: a small, bounded share of traffic, and never a request's only chance (the regular
 * chain follows the probe).
 *
 * Which marks count here: a half-open model the route would use (it is in the ranking, where
 * half-open ones come last); a stale latency only on routes that read latency — `fastest` (a model
 * in its ranking) and `maxLatencyMs` (a model excluded for that alone) — since other routes do not
 * care how fast a model is. Deprecated models are never probed first: they serve as fallbacks only.
 */
export function probeFor(context: RoutingContext, chain: readonly number[], ranked: readonly number[]): Probe | null {
  const { probes, probeKinds } = context.health;
  if (probes.length === 0 || chain.length === 0) return null;
  const { route, registry } = context;
  const readsLatency = route.strategy === 'fastest' || Number.isFinite(route.maxLatencyMs);
  for (let at = 0; at < probes.length; at++) {
    const index = probes[at] ?? -1;
    if (index === chain[0] || registry.lifecycle[index] === LIFECYCLE_CODE.deprecated) continue;
    if (probeKinds[at] === PROBE_CODE.circuit) {
      if (ranked.includes(index)) return { index, reason: 'circuit_half_open' };
    } else if (readsLatency && (ranked.includes(index) || onlyTooSlow(context, index))) {
      return { index, reason: 'latency_stale' };
    }
  }
  return null;
}
