import { LIFECYCLE_CODE } from './compile-registry';
import type { CompiledRegistry } from './compile-registry';
import { CIRCUIT_CODE } from './compile-health';
import type { CompiledHealth } from './compile-health';
import type { CompiledRoute } from './compile-route';
import type { ExclusionReason } from './types';
import type { ModelObject } from '../../shared/objects';

/** Everything one decision reads, gathered once so the per-model checks take plain arguments. */
export interface RoutingContext {
  registry: CompiledRegistry;
  health: CompiledHealth;
  route: CompiledRoute;
  /** tokens the context window must hold */
  requiredContext: number;
  /** the output tokens the request asks for (max_tokens); 0 when it names none */
  maxTokens: number;
  /** epoch ms; Infinity when unknown, which ignores retry-after */
  now: number;
  admin: boolean;
  /** the explicitly requested model (after replacement), the only one a draft may be; −1 for auto */
  named: number;
}

/** Numeric so the hot loop compares numbers; the order is the order checks run (first failure is reported). */
export const EXCLUSION = {
  none: 0,
  draft: 1,
  retired: 2,
  draftNotAllowed: 3,
  noKey: 4,
  circuitOpen: 5,
  rateLimited: 6,
  contextTooSmall: 7,
  outputTooLarge: 8,
  overCost: 9,
  overLatency: 10,
  belowMinimum: 11,
  demo: 12,
} as const;

/** Each exclusion code's reason: what describeExclusion says, and what a bounded list counts by. */
const EXCLUSION_REASON: Readonly<Record<number, ExclusionReason>> = {
  [EXCLUSION.draft]: 'lifecycle',
  [EXCLUSION.retired]: 'lifecycle',
  [EXCLUSION.draftNotAllowed]: 'draft_not_allowed',
  [EXCLUSION.noKey]: 'no_key',
  [EXCLUSION.circuitOpen]: 'circuit_open',
  [EXCLUSION.rateLimited]: 'rate_limited',
  [EXCLUSION.contextTooSmall]: 'context_too_small',
  [EXCLUSION.outputTooLarge]: 'output_too_large',
  [EXCLUSION.overCost]: 'over_cost_limit',
  [EXCLUSION.overLatency]: 'over_latency_limit',
  [EXCLUSION.belowMinimum]: 'below_minimum',
  [EXCLUSION.demo]: 'demo_model',
};

/** The reason of an exclusion code, without its details (which cost text to build). */
export function exclusionReason(code: number): ExclusionReason {
  return EXCLUSION_REASON[code] ?? 'below_minimum';
}

/** Whether the route lists the model itself (pinned models, weighted split): the operator named it. */
function routeNames(route: CompiledRoute, index: number): boolean {
  if (route.strategy === 'pinned') return route.pinned.includes(index);
  return route.strategy === 'weighted' && route.splitModels.includes(index);
}

export function capabilityScore(registry: CompiledRegistry, index: number, column: number): number {
  return column < 0 ? 0 : (registry.scores[index * registry.capabilityCount + column] ?? 0);
}

/** Weighted capability score, 0-100 (weights are normalised when the route is compiled). */
export function capabilityFit(context: RoutingContext, index: number): number {
  const { weightColumns, weightValues } = context.route;
  let fit = 0;
  for (let at = 0; at < weightColumns.length; at++) fit += (weightValues[at] ?? 0) * capabilityScore(context.registry, index, weightColumns[at] ?? -1);
  return fit;
}

function failedMinimum(context: RoutingContext, index: number): number {
  const { minimumColumns, minimumValues } = context.route;
  for (let at = 0; at < minimumColumns.length; at++) {
    if (capabilityScore(context.registry, index, minimumColumns[at] ?? -1) < (minimumValues[at] ?? 0)) return at;
  }
  return -1;
}

/**
 * The first reason the model cannot serve this request, or EXCLUSION.none. `listed`: the model is
 * in a fallback list being followed, which names it as much as the request would (demo models).
 */
export function exclusionCode(context: RoutingContext, index: number, listed = false): number {
  const { registry, health, route } = context;
  const lifecycle = registry.lifecycle[index];
  if (lifecycle === LIFECYCLE_CODE.retired) return EXCLUSION.retired;
  if (lifecycle === LIFECYCLE_CODE.draft) {
    if (index !== context.named) return EXCLUSION.draft;
    if (!context.admin) return EXCLUSION.draftNotAllowed;
  }
  // checked before health and limits, so that the reason given is the one that always holds
  if (registry.demoExcluded[index] === 1 && !listed && index !== context.named && !routeNames(route, index)) return EXCLUSION.demo;
  if (registry.hasKey[index] === 0) return EXCLUSION.noKey;
  if (health.circuit[index] === CIRCUIT_CODE.open) return EXCLUSION.circuitOpen;
  if ((health.retryAfterUntil[index] ?? 0) > context.now) return EXCLUSION.rateLimited;
  if ((registry.contextWindow[index] ?? 0) < context.requiredContext) return EXCLUSION.contextTooSmall;
  if ((registry.maxOutputTokens[index] ?? 0) < context.maxTokens) return EXCLUSION.outputTooLarge;
  if ((registry.blended[index] ?? 0) > route.maxPricePer1M) return EXCLUSION.overCost;
  if ((health.latency[index] ?? 0) > route.maxLatencyMs) return EXCLUSION.overLatency;
  if (route.minimumColumns.length > 0 && failedMinimum(context, index) >= 0) return EXCLUSION.belowMinimum;
  return EXCLUSION.none;
}

/** ` (median of its calls, newest 2.4 s ago)`, or nothing without a time */
function ageText(context: RoutingContext, index: number): string {
  const at = context.health.latencyAt[index] ?? Number.NaN;
  if (Number.isNaN(at) || !Number.isFinite(context.now)) return '';
  return ` (median of its latest calls, newest ${(Math.max(0, context.now - at) / 1000).toFixed(1)} s ago)`;
}

/** Would the model serve this request but for its latency (over the route's maxLatencyMs)? */
export function onlyTooSlow(context: RoutingContext, index: number): boolean {
  return exclusionCode(context, index) === EXCLUSION.overLatency && (context.route.minimumColumns.length === 0 || failedMinimum(context, index) < 0);
}

/** How an operator gives a model its key, in the words of its own spec. */
export function keyHint(model: ModelObject | undefined): string {
  const apiKey = model?.spec.apiKey;
  if (apiKey && 'env' in apiKey) return `set ${apiKey.env} in Grove's environment and restart it`;
  if (apiKey) return 'its stored key cannot be read (was GROVE_SECRET_KEY changed?): apply the model again with apiKey: { value: ... }';
  return 'give the model an apiKey ({ env: NAME } or { value: ... }) and apply it';
}

const money = (value: number) => `$${Number(value.toFixed(4))}`;

/** The reason behind an exclusion code, in words; only computed when someone reads the candidates. */
export function describeExclusion(context: RoutingContext, index: number, code: number): { reason: ExclusionReason; detail: string } {
  return { reason: exclusionReason(code), detail: exclusionDetail(context, index, code) };
}

function exclusionDetail(context: RoutingContext, index: number, code: number): string {
  const { registry, health, route } = context;
  const model = registry.models[index];
  switch (code) {
    case EXCLUSION.draft:
      return 'draft: gets no traffic until it is active (an admin key may call it by name)';
    case EXCLUSION.retired: {
      const servedBy = registry.servedBy[index] ?? -1;
      const replacement = servedBy >= 0 ? `replaced by ${registry.ids[servedBy]}` : 'its replacement chain is broken (unknown model or a cycle)';
      return `retired: ${replacement}`;
    }
    case EXCLUSION.draftNotAllowed:
      return 'draft: only an admin key may call it';
    case EXCLUSION.noKey:
      return `no key configured for this ${model?.spec.provider ?? ''} model: ${keyHint(model)}`;
    case EXCLUSION.circuitOpen:
      return 'circuit open after recent failures';
    case EXCLUSION.rateLimited:
      return `upstream asked to retry after ${new Date(health.retryAfterUntil[index] ?? 0).toISOString()}`;
    case EXCLUSION.contextTooSmall:
      return `needs ${context.requiredContext} tokens; context window is ${registry.contextWindow[index]}`;
    case EXCLUSION.outputTooLarge:
      return `max_tokens ${context.maxTokens} is over its maxOutputTokens ${registry.maxOutputTokens[index]}`;
    case EXCLUSION.overCost:
      return `blended price ${money(registry.blended[index] ?? 0)} per 1M is over the limit ${money(route.maxPricePer1M)}`;
    case EXCLUSION.demo:
      return 'demo model: real models are available (name it to use it; `grove demo remove` deletes the demo models)';
    case EXCLUSION.overLatency:
      return `observed latency ${health.latency[index]} ms${ageText(context, index)} is over the limit ${route.maxLatencyMs} ms`;
    default: {
      const at = failedMinimum(context, index);
      const name = Object.keys(route.view.minimums)[at];
      const column = route.minimumColumns[at] ?? -1;
      return `${name ?? 'capability'} ${capabilityScore(registry, index, column)} is below the minimum ${route.minimumValues[at]}`;
    }
  }
}
