import type { RoutingRequirements } from '../../shared/routing-request';
import type { CompiledRegistry } from './compile-registry';
import { buildRoute, routeParts } from './compile-route';
import type { CompiledRoute } from './compile-route';

// bounds the memory a client sending ever-new requirements can make the router hold
const MEMO_LIMIT = 256;

const tighter = (policy: number | null, request: number | undefined): number | null =>
  request === undefined ? policy : policy === null ? request : Math.min(policy, request);

/**
 * The policy's route narrowed by the request: limits take the stricter of the two, minimums the
 * higher per capability. The request's weights replace the route's (the caller knows what it
 * needs), and its strategy replaces capability / cheapest / fastest, but never a pinned or
 * weighted route: those are the operator's explicit choice of models.
 * With no such requirements the compiled route itself is returned, so nothing is allocated.
 * Narrowed routes are memoised per route: a client that sends the same requirements each time
 * walks a cached order from its second request on (the first ranks in one pass, without sorting,
 * so one-off requirements never pay for a sort).
 */
export function effectiveRoute(registry: CompiledRegistry, route: CompiledRoute, requirements: RoutingRequirements): CompiledRoute {
  const { weights, minimums, maxPricePer1M, maxLatencyMs, strategy } = requirements;
  if (weights === undefined && minimums === undefined && maxPricePer1M === undefined && maxLatencyMs === undefined && strategy === undefined) return route;

  const key = JSON.stringify([weights, minimums, maxPricePer1M, maxLatencyMs, strategy]);
  const memo = (route.narrowed ??= new Map());
  const seen = memo.get(key);
  if (seen) {
    seen.orderOwner ??= seen;
    return seen;
  }
  if (memo.size >= MEMO_LIMIT) memo.clear();

  const view = route.view;
  const strategyWins = strategy !== undefined && view.strategy !== 'pinned' && view.strategy !== 'weighted';
  const merged = { ...view.minimums };
  for (const [name, minimum] of Object.entries(minimums ?? {})) merged[name] = Math.max(merged[name] ?? 0, minimum);
  const parts = {
    ...routeParts({ strategy: strategyWins ? strategy : view.strategy, chainLength: view.chainLength, fillChain: view.fillChain, weights: weights ?? view.weights }),
    minimums: merged,
    maxPricePer1M: tighter(view.maxPricePer1M, maxPricePer1M),
    maxLatencyMs: tighter(view.maxLatencyMs, maxLatencyMs),
  };
  const narrowed = buildRoute(registry, parts, null);
  // pinned and split lists stay as compiled (model names already resolved)
  narrowed.pinned = route.pinned;
  narrowed.splitModels = route.splitModels;
  narrowed.splitWeights = route.splitWeights;
  narrowed.splitByWeight = route.splitByWeight;
  const sameOrder = weights === undefined && parts.strategy === view.strategy;
  narrowed.orderOwner = sameOrder ? route.orderOwner : null;
  memo.set(key, narrowed);
  return narrowed;
}
