import { LIFECYCLE_CODE } from './compile-registry';
import { CIRCUIT_CODE } from './compile-health';
import { capabilityFit, capabilityScore, exclusionCode } from './eligibility';
import type { RoutingContext } from './eligibility';
import { pickWeighted, seededFraction } from './weighted-pick';

/*
 * One ranking for every strategy. Each model gets a row of RANK_KEYS numbers, compared key by key,
 * lower first: (half-open, key1, key2, id rank). Half-open models come after every closed one (a
 * probe, not a first choice); key1 and key2 by strategy:
 *   capability         −fit, blended price
 *   cheapest           blended price, −fit
 *   fastest            latency (unknown: Infinity), then price when known, −speed score when unknown
 *   pinned, weighted   position in the route's own order (pinned list; the draw, then the split by weight), 0
 * The chain (rankPool), its cached orders and the explanation (rankOrder) all rank with these rows
 * and compareRanks, so the explanation's ranks are the order decide followed.
 */
export const RANK_KEYS = 4;

/**
 * Writes model `index`'s rank row into `rows` at `at`. `positions`: each model's place in the
 * route's own order (pinned, weighted), else null.
 */
function writeRankKeys(context: RoutingContext, index: number, positions: Float64Array | null, rows: Float64Array, at: number): void {
  const { registry, health, route } = context;
  const price = registry.blended[index] ?? 0;
  let key1: number;
  let key2: number;
  if (positions !== null) {
    key1 = positions[index] ?? Infinity;
    key2 = 0;
  } else if (route.strategy === 'cheapest') {
    key1 = price;
    key2 = -capabilityFit(context, index);
  } else if (route.strategy === 'fastest') {
    const latency = health.latency[index] ?? Number.NaN;
    const known = !Number.isNaN(latency);
    key1 = known ? latency : Infinity;
    key2 = known ? price : -capabilityScore(registry, index, registry.capabilityIndex.get('speed') ?? -1);
  } else {
    key1 = -capabilityFit(context, index);
    key2 = price;
  }
  rows[at] = health.circuit[index] === CIRCUIT_CODE['half-open'] ? 1 : 0;
  rows[at + 1] = key1;
  rows[at + 2] = key2;
  rows[at + 3] = registry.idRank[index] ?? 0;
}

/** The one comparator: rank row `aAt` of `a` against row `bAt` of `b`; negative when a ranks first. */
export function compareRanks(a: Float64Array, aAt: number, b: Float64Array, bAt: number): number {
  for (let k = 0; k < RANK_KEYS; k++) {
    // compared, not subtracted: two unknown latencies (Infinity) tie rather than give NaN
    const left = a[aAt + k] ?? 0;
    const right = b[bAt + k] ?? 0;
    if (left < right) return -1;
    if (left > right) return 1;
  }
  return 0;
}

/** The weighted route's order: the drawn model, then the rest of the split by weight (then as listed). */
export function weightedOrder(context: RoutingContext, seed: string): number[] {
  const { splitModels, splitWeights, splitByWeight } = context.route;
  const lifecycle = context.registry.lifecycle;
  const drawable = (at: number) => {
    const index = splitModels[at] ?? -1;
    return lifecycle[index] !== LIFECYCLE_CODE.deprecated && exclusionCode(context, index) === 0;
  };
  const drawn = pickWeighted(splitWeights, drawable, seededFraction(seed));
  const order = drawn >= 0 ? [splitModels[drawn] ?? -1] : [];
  for (const at of splitByWeight) if (at !== drawn) order.push(splitModels[at] ?? -1);
  return order;
}

/** The route's own order for pinned and weighted routes (each model's place in it), else null. */
function routePositions(context: RoutingContext, seed: string): Float64Array | null {
  const { route, registry } = context;
  if (route.strategy !== 'pinned' && route.strategy !== 'weighted') return null;
  const order = route.strategy === 'pinned' ? route.pinned : weightedOrder(context, seed);
  const positions = new Float64Array(registry.count).fill(order.length);
  for (let at = order.length - 1; at >= 0; at--) positions[order[at] ?? 0] = at;
  return positions;
}

/**
 * `models` in rank order. `healthAware` false leaves half-open out of the rows: an order cached
 * beyond one health snapshot, which collect then walks deferring the half-open ones.
 */
export function rankOrder(context: RoutingContext, models: ArrayLike<number>, seed: string, healthAware = true): number[] {
  return sortByRank(rankRows(context, models, seed, healthAware), models);
}

/** `models` in rank order, from their rows (rankRows). */
export function sortByRank(rows: Float64Array, models: ArrayLike<number>): number[] {
  return Array.from(models).sort((a, b) => compareRanks(rows, a * RANK_KEYS, rows, b * RANK_KEYS));
}

/** The rank rows of `models` (a row per model of the registry, at `index * RANK_KEYS`; the others left 0). */
export function rankRows(context: RoutingContext, models: ArrayLike<number>, seed: string, healthAware = true): Float64Array {
  const positions = routePositions(context, seed);
  const rows = new Float64Array(context.registry.count * RANK_KEYS);
  for (let at = 0; at < models.length; at++) {
    const index = models[at] ?? 0;
    writeRankKeys(context, index, positions, rows, index * RANK_KEYS);
    if (!healthAware) rows[index * RANK_KEYS] = 0;
  }
  return rows;
}

/**
 * The first `limit` of `models` in the order rankOrder gives them, found without sorting them all
 * (a sorted window of `limit`, each model compared with its last): what an explanation bounded to a
 * few candidates needs of a registry of thousands.
 */
export function bestRanked(rows: Float64Array, models: ArrayLike<number>, limit: number): number[] {
  const best: number[] = [];
  const before = (a: number, b: number) => compareRanks(rows, a * RANK_KEYS, rows, b * RANK_KEYS) < 0;
  for (let at = 0; at < models.length; at++) {
    const index = models[at] ?? 0;
    if (best.length === limit && !before(index, best[limit - 1]!)) continue;
    let position = best.length;
    while (position > 0 && before(index, best[position - 1]!)) position--;
    best.splice(position, 0, index);
    if (best.length > limit) best.pop();
  }
  return best;
}

/** `index`'s place (1 = first) among `models` in rank order, from their rows. */
export function rankAmong(rows: Float64Array, models: ArrayLike<number>, index: number): number {
  let ahead = 0;
  for (let at = 0; at < models.length; at++) {
    const other = models[at] ?? 0;
    if (other !== index && compareRanks(rows, other * RANK_KEYS, rows, index * RANK_KEYS) < 0) ahead++;
  }
  return ahead + 1;
}

/**
 * The pool in strategy order, ignoring health except for fastest's latency, when it can be cached:
 * on the policy's route (capability, cheapest) or on the health snapshot (fastest). Null when the
 * request's own weights changed the order.
 */
function staticOrder(context: RoutingContext): Int32Array | null {
  const { route, health, registry } = context;
  if (route.strategy === 'fastest') return (health.fastestOrder ??= Int32Array.from(rankOrder(context, registry.routable, '', false)));
  const owner = route.orderOwner;
  if (owner === null) return null;
  return (owner.order ??= Int32Array.from(rankOrder(context, registry.routable, '', false)));
}

export interface Ranking {
  /** the best `limit` eligible models, half-open ones last */
  ranked: number[];
  /** the best eligible model that is not deprecated: the only kind automatic routing makes primary; −1 if none */
  primary: number;
}

/** Walks an order, skipping the ineligible, until `limit` healthy models and a non-deprecated one are found. */
function collect(context: RoutingContext, order: ArrayLike<number>, limit: number): Ranking {
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

/**
 * The same result as collect over rankOrder, in one pass keeping the best `limit`: a request with
 * its own weights has no cached order, and sorting 1,000 models for three would cost ~100 µs.
 */
function scan(context: RoutingContext, limit: number): Ranking {
  const { registry } = context;
  const top: number[] = [];
  // rank rows of the best so far, one spare row for the insertion that overflows
  const topKeys = new Float64Array((limit + 1) * RANK_KEYS);
  const entry = new Float64Array(RANK_KEYS);
  const primaryKeys = new Float64Array(RANK_KEYS);
  let primary = -1;
  for (const index of registry.routable) {
    if (exclusionCode(context, index) !== 0) continue;
    writeRankKeys(context, index, null, entry, 0);
    if (registry.lifecycle[index] !== LIFECYCLE_CODE.deprecated && (primary < 0 || compareRanks(entry, 0, primaryKeys, 0) < 0)) {
      primary = index;
      primaryKeys.set(entry);
    }
    const length = top.length;
    let at = length;
    while (at > 0 && compareRanks(entry, 0, topKeys, (at - 1) * RANK_KEYS) < 0) at--;
    if (at >= limit) continue;
    top.splice(at, 0, index);
    topKeys.copyWithin((at + 1) * RANK_KEYS, at * RANK_KEYS, length * RANK_KEYS);
    topKeys.set(entry, at * RANK_KEYS);
    if (top.length > limit) top.pop();
  }
  return { ranked: top, primary };
}

/** The route's best eligible models, by its strategy: what decide builds the chain from. */
export function rankPool(context: RoutingContext, seed: string): Ranking {
  const limit = context.route.chainLength * 2;
  if (context.route.strategy === 'pinned') return collect(context, context.route.pinned, limit);
  if (context.route.strategy === 'weighted') return collect(context, weightedOrder(context, seed), limit);
  const order = staticOrder(context);
  return order ? collect(context, order, limit) : scan(context, limit);
}
