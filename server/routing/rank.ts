import { LIFECYCLE_CODE } from './compile-registry';
import { CIRCUIT_CODE } from './compile-health';
import { capabilityFit, capabilityScore, exclusionCode } from './eligibility';
import type { RoutingContext } from './eligibility';
import { pickWeighted, seededFraction } from './weighted-pick';

/*
 * Every strategy that ranks the whole pool (capability, cheapest, fastest) orders models by
 * (half-open last, key1, key2, id). key1 and key2 are numbers, lower is better:
 *   capability  −fit, blended price
 *   cheapest    blended price, −fit
 *   fastest     latency (unknown: Infinity), then price when known, −speed score when unknown
 */

export function strategyKeys(context: RoutingContext, index: number, keys: Float64Array): void {
  const { registry, health, route } = context;
  const price = registry.blended[index] ?? 0;
  if (route.strategy === 'cheapest') {
    keys[0] = price;
    keys[1] = -capabilityFit(context, index);
  } else if (route.strategy === 'fastest') {
    const latency = health.latency[index] ?? Number.NaN;
    const known = !Number.isNaN(latency);
    keys[0] = known ? latency : Infinity;
    keys[1] = known ? price : -capabilityScore(registry, index, registry.capabilityIndex.get('speed') ?? -1);
  } else {
    keys[0] = -capabilityFit(context, index);
    keys[1] = price;
  }
}

function sortedByKeys(context: RoutingContext): Int32Array {
  const { registry } = context;
  const pool = registry.routable;
  const key1 = new Float64Array(registry.count);
  const key2 = new Float64Array(registry.count);
  const keys = new Float64Array(2);
  for (const index of pool) {
    strategyKeys(context, index, keys);
    key1[index] = keys[0] ?? 0;
    key2[index] = keys[1] ?? 0;
  }
  return Int32Array.from(pool).sort(
    (a, b) => (key1[a] ?? 0) - (key1[b] ?? 0) || (key2[a] ?? 0) - (key2[b] ?? 0) || (registry.idRank[a] ?? 0) - (registry.idRank[b] ?? 0),
  );
}

/**
 * The pool in strategy order, ignoring health except for fastest's latency, when it can be cached:
 * on the policy's route (capability, cheapest) or on the health snapshot (fastest). Null when the
 * request's own weights changed the order.
 */
export function staticOrder(context: RoutingContext): Int32Array | null {
  const { route, health } = context;
  if (route.strategy === 'fastest') return (health.fastestOrder ??= sortedByKeys(context));
  const owner = route.orderOwner;
  if (owner === null) return null;
  return (owner.order ??= sortedByKeys(context));
}

export interface Ranking {
  /** the best `limit` eligible models, half-open ones last */
  ranked: number[];
  /** the best eligible model that is not deprecated: the only kind automatic routing makes primary; −1 if none */
  primary: number;
}

/** Walks an order, skipping the ineligible, until `limit` healthy models and a non-deprecated one are found. */
export function collect(context: RoutingContext, order: ArrayLike<number>, limit: number): Ranking {
  const { registry, health } = context;
  const ranked: number[] = [];
  let deferred: number[] | null = null;
  let primary = -1;
  let deferredPrimary = -1;
  for (let at = 0; at < order.length; at++) {
    const index = order[at] ?? -1;
    if (exclusionCode(context, index) !== 0) continue;
    const active = registry.lifecycle[index] !== LIFECYCLE_CODE.deprecated;
    if (health.circuit[index] === CIRCUIT_CODE['half-open']) {
      deferred ??= [];
      if (deferred.length < limit) deferred.push(index);
      if (active && deferredPrimary < 0) deferredPrimary = index;
      continue;
    }
    if (ranked.length < limit) ranked.push(index);
    if (active && primary < 0) primary = index;
    if (ranked.length >= limit && primary >= 0) break;
  }
  if (deferred) for (const index of deferred) if (ranked.length < limit) ranked.push(index);
  return { ranked, primary: primary >= 0 ? primary : deferredPrimary };
}

function compare(a: Float64Array, aAt: number, b: Float64Array, bAt: number): number {
  for (let k = 0; k < 4; k++) {
    const difference = (a[aAt + k] ?? 0) - (b[bAt + k] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/** The same result as collect over a full sort, in one pass keeping the best `limit` (no sort of the pool). */
export function scan(context: RoutingContext, limit: number): Ranking {
  const { registry, health } = context;
  const top: number[] = [];
  // rows of (half-open, key1, key2, id rank), one spare row for the insertion that overflows
  const topKeys = new Float64Array((limit + 1) * 4);
  const entry = new Float64Array(4);
  const primaryKeys = new Float64Array(4);
  const keys = new Float64Array(2);
  let primary = -1;
  for (const index of registry.routable) {
    if (exclusionCode(context, index) !== 0) continue;
    strategyKeys(context, index, keys);
    entry[0] = health.circuit[index] === CIRCUIT_CODE['half-open'] ? 1 : 0;
    entry[1] = keys[0] ?? 0;
    entry[2] = keys[1] ?? 0;
    entry[3] = registry.idRank[index] ?? 0;
    if (registry.lifecycle[index] !== LIFECYCLE_CODE.deprecated && (primary < 0 || compare(entry, 0, primaryKeys, 0) < 0)) {
      primary = index;
      primaryKeys.set(entry);
    }
    const length = top.length;
    let at = length;
    while (at > 0 && compare(entry, 0, topKeys, (at - 1) * 4) < 0) at--;
    if (at >= limit) continue;
    top.splice(at, 0, index);
    topKeys.copyWithin((at + 1) * 4, at * 4, length * 4);
    topKeys.set(entry, at * 4);
    if (top.length > limit) top.pop();
  }
  return { ranked: top, primary };
}

/** The weighted route's order: the drawn model, then the rest of the split by weight (then as listed). */
export function weightedOrder(context: RoutingContext, seed: string): number[] {
  const { splitModels, splitWeights } = context.route;
  const lifecycle = context.registry.lifecycle;
  const drawable = (at: number) => {
    const index = splitModels[at] ?? -1;
    return lifecycle[index] !== LIFECYCLE_CODE.deprecated && exclusionCode(context, index) === 0;
  };
  const drawn = pickWeighted(splitWeights, drawable, seededFraction(seed));
  const rest = [...splitWeights.keys()].filter((at) => at !== drawn).sort((a, b) => (splitWeights[b] ?? 0) - (splitWeights[a] ?? 0) || a - b);
  return (drawn >= 0 ? [drawn, ...rest] : rest).map((at) => splitModels[at] ?? -1);
}

/** The route's best eligible models, by its strategy. */
export function rankPool(context: RoutingContext, seed: string): Ranking {
  const limit = context.route.chainLength * 2;
  if (context.route.strategy === 'pinned') return collect(context, context.route.pinned, limit);
  if (context.route.strategy === 'weighted') return collect(context, weightedOrder(context, seed), limit);
  const order = staticOrder(context);
  return order ? collect(context, order, limit) : scan(context, limit);
}
