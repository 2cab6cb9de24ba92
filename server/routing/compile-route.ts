import { CORE_CAPABILITIES } from '../../shared/objects';
import { DEFAULT_CHAIN_LENGTH } from '../../shared/policy';
import type { RouteInput, Strategy } from '../../shared/policy';
import type { CompiledRegistry } from './compile-registry';
import type { RouteView } from './types';

/** A route with capability names turned into score columns and model names into indices. */
export interface CompiledRoute {
  strategy: Strategy;
  chainLength: number;
  /** a named model's chain is filled with this route's best others after its declared fallbacks */
  fillChain: boolean;
  /** Infinity when unlimited */
  maxPricePer1M: number;
  maxLatencyMs: number;
  /** column −1: a capability no model or Capability declares, scored 0 */
  weightColumns: Int32Array;
  /** normalised to sum 1 */
  weightValues: Float64Array;
  minimumColumns: Int32Array;
  minimumValues: Float64Array;
  /** pinned: resolved through retired → replacement, unknown ones dropped */
  pinned: Int32Array;
  splitModels: Int32Array;
  splitWeights: Float64Array;
  /** positions in the split by weight, heaviest first (then as listed): the weighted order after the draw */
  splitByWeight: Int32Array;
  view: RouteView;
  /**
   * The route whose cached static order (capability and cheapest depend only on registry and
   * weights) this route may walk; null when the order must be computed per request.
   */
  orderOwner: CompiledRoute | null;
  order: Int32Array | null;
  /** this route narrowed by requests' requirements, by their JSON (see effectiveRoute) */
  narrowed: Map<string, CompiledRoute> | null;
}

const DEFAULT_WEIGHTS: Record<string, number> = Object.fromEntries(CORE_CAPABILITIES.map((name) => [name, 1]));

export interface RouteParts {
  strategy: Strategy;
  chainLength: number;
  fillChain: boolean;
  weights: Record<string, number>;
  minimums: Record<string, number>;
  maxPricePer1M: number | null;
  maxLatencyMs: number | null;
  models: readonly string[];
  split: readonly { model: string; weight: number }[];
}

export function routeParts(route: RouteInput): RouteParts {
  const weights = route.weights && Object.values(route.weights).some((weight) => weight > 0) ? route.weights : DEFAULT_WEIGHTS;
  return {
    strategy: route.strategy ?? 'capability',
    chainLength: route.chainLength ?? DEFAULT_CHAIN_LENGTH,
    fillChain: route.fillChain ?? false,
    weights,
    minimums: route.minimums ?? {},
    maxPricePer1M: route.maxPricePer1M ?? null,
    maxLatencyMs: route.maxLatencyMs ?? null,
    models: route.models ?? [],
    split: route.split ?? [],
  };
}

function resolve(registry: CompiledRegistry, id: string): number {
  const index = registry.indexById.get(id);
  return index === undefined ? -1 : (registry.servedBy[index] ?? -1);
}

export function buildRoute(registry: CompiledRegistry, parts: RouteParts, orderOwner: CompiledRoute | null | 'self'): CompiledRoute {
  const weightEntries = Object.entries(parts.weights).filter(([, weight]) => weight > 0);
  const weightSum = weightEntries.reduce((sum, [, weight]) => sum + weight, 0);
  const minimumEntries = Object.entries(parts.minimums);
  const column = (name: string) => registry.capabilityIndex.get(name) ?? -1;

  const pinned: number[] = [];
  for (const id of parts.models) {
    const index = resolve(registry, id);
    if (index >= 0 && !pinned.includes(index)) pinned.push(index);
  }
  const splitModels: number[] = [];
  const splitWeights: number[] = [];
  for (const share of parts.split) {
    const index = resolve(registry, share.model);
    if (index < 0) continue;
    const at = splitModels.indexOf(index);
    if (at >= 0) splitWeights[at] = (splitWeights[at] ?? 0) + share.weight;
    else {
      splitModels.push(index);
      splitWeights.push(share.weight);
    }
  }

  const route: CompiledRoute = {
    strategy: parts.strategy,
    chainLength: parts.chainLength,
    fillChain: parts.fillChain,
    maxPricePer1M: parts.maxPricePer1M ?? Infinity,
    maxLatencyMs: parts.maxLatencyMs ?? Infinity,
    weightColumns: Int32Array.from(weightEntries.map(([name]) => column(name))),
    weightValues: Float64Array.from(weightEntries.map(([, weight]) => weight / weightSum)),
    minimumColumns: Int32Array.from(minimumEntries.map(([name]) => column(name))),
    minimumValues: Float64Array.from(minimumEntries.map(([, minimum]) => minimum)),
    pinned: Int32Array.from(pinned),
    splitModels: Int32Array.from(splitModels),
    splitWeights: Float64Array.from(splitWeights),
    splitByWeight: Int32Array.from(splitWeights.keys()).sort((a, b) => (splitWeights[b] ?? 0) - (splitWeights[a] ?? 0) || a - b),
    // shared by every decision on this route, so frozen
    view: Object.freeze({
      strategy: parts.strategy,
      weights: Object.freeze({ ...parts.weights }),
      minimums: Object.freeze({ ...parts.minimums }),
      maxPricePer1M: parts.maxPricePer1M,
      maxLatencyMs: parts.maxLatencyMs,
      chainLength: parts.chainLength,
      fillChain: parts.fillChain,
    }),
    orderOwner: null,
    order: null,
    narrowed: null,
  };
  route.orderOwner = orderOwner === 'self' ? route : orderOwner;
  return route;
}

export function compileRoute(registry: CompiledRegistry, route: RouteInput): CompiledRoute {
  return buildRoute(registry, routeParts(route), 'self');
}
