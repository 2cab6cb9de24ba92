import type { RoutingPolicySpecInput } from '../../shared/policy';
import { compileRegistry } from './compile-registry';
import type { CompiledRegistry } from './compile-registry';
import { compileHealth } from './compile-health';
import { compilePolicy, matchRule } from './compile-policy';
import { effectiveRoute } from './effective-route';
import { describeExclusion, EXCLUSION, exclusionCode, keyHint } from './eligibility';
import type { RoutingContext } from './eligibility';
import { probeFor, type Probe } from './probe';
import { rankPool } from './rank';
import type { Ranking } from './rank';
import { consideredModels } from './candidates';
import { keepBasis } from './explain';
import type { Decision, DecideOptions, HealthSnapshot, RegistrySnapshot, RoutingRequest } from './types';

/** `listed`: the model comes from a fallback list, which names it (demo models serve when named). */
function pushEligible(context: RoutingContext, chain: number[], limit: number, index: number, listed = false): void {
  if (index >= 0 && chain.length < limit && !chain.includes(index) && exclusionCode(context, index, listed) === 0) chain.push(index);
}

/**
 * Why a named model cannot serve at all, whatever the moment, or null. A missing key, a draft for
 * an invoke key, a retired model whose replacement is gone: its fallbacks would hide a
 * misconfiguration the caller can only learn of from an error.
 */
function unavailable(context: RoutingContext, requestedIndex: number, requested: string): string | null {
  const { registry, named } = context;
  if (named < 0) return `The model \`${requested}\` is retired and its replacement chain is broken (${describeExclusion(context, requestedIndex, EXCLUSION.retired).detail}): call another model, or set its spec.replacement to a model that exists`;
  const code = exclusionCode(context, named);
  if (code !== EXCLUSION.noKey && code !== EXCLUSION.draftNotAllowed) return null;
  const via = named === requestedIndex ? '' : ` (which replaces it, retired, as \`${registry.ids[named]}\`)`;
  if (code === EXCLUSION.draftNotAllowed) return `The model \`${requested}\`${via} is a draft: only admin keys may call it (activate it to serve other keys)`;
  return `The model \`${requested}\`${via} cannot serve: no API key is configured for this ${registry.models[named]?.spec.provider ?? ''} model; ${keyHint(registry.models[named])}`;
}

function isCompiled(registry: RegistrySnapshot | CompiledRegistry): registry is CompiledRegistry {
  return 'indexById' in registry;
}

/**
 * Routes one request: which rule applies, which models qualify and why the others do not, and the
 * ordered chain to try. Pure and deterministic: the same inputs give the same decision. Snapshots
 * and policy are compiled once per object (cached by identity), so pass the same objects until
 * they change.
 *
 * Chain: an explicit model (by id or alias; retired → its replacement) first, then its declared
 * fallbacks, and nothing else unless the route sets fillChain (then the route's best others). A
 * named model that cannot serve at all (no key, a draft for an invoke key, a broken replacement)
 * gets an empty chain and a model_unavailable failure. For `auto` the primary is the route's best
 * model that is not deprecated (deprecated ones serve only as fallbacks), then its declared
 * fallbacks (except on pinned routes, whose list is the chain), then the route's best others.
 * Up to chainLength. Demo models outside demo mode serve only where named: by the request, the
 * route's own list or a fallback list.
 */
export function decide(
  request: RoutingRequest,
  registry: RegistrySnapshot | CompiledRegistry,
  health: HealthSnapshot,
  policy: RoutingPolicySpecInput,
  options: DecideOptions = {},
): Decision {
  const compiled = isCompiled(registry) ? registry : compileRegistry(registry);
  const explicit = request.model !== 'auto';
  const requestedIndex = explicit ? (compiled.indexByName.get(request.model) ?? -1) : -1;
  const requestedName = requestedIndex >= 0 ? (compiled.ids[requestedIndex] ?? request.model) : request.model;
  const compiledPolicy = compilePolicy(compiled, policy);
  const rule = matchRule(compiledPolicy, request, requestedName);
  const route = effectiveRoute(compiled, rule ? rule.route : compiledPolicy.defaultRoute, request.requirements);
  const named = requestedIndex >= 0 ? (compiled.servedBy[requestedIndex] ?? -1) : -1;
  const maxTokens = request.maxTokens ?? 0;
  const context: RoutingContext = {
    registry: compiled,
    health: compileHealth(compiled, health),
    route,
    requiredContext: Math.max(request.requirements.minContext ?? 0, request.promptTokens + maxTokens),
    maxTokens,
    now: options.now ?? Infinity,
    admin: request.scope === 'admin',
    named,
  };

  // A named model is served as asked or not at all: max_tokens over its maxOutputTokens is for the
  // client to change, not a reason to hand the request to its fallbacks.
  const namedOverOutput = named >= 0 && maxTokens > (compiled.maxOutputTokens[named] ?? 0);
  let chain: number[] = [];
  let probe: Probe | null = null;
  const limit = route.chainLength;
  const unavailableMessage = explicit && requestedIndex >= 0 && !namedOverOutput ? unavailable(context, requestedIndex, request.model) : null;
  if (explicit && requestedIndex >= 0 && !namedOverOutput && unavailableMessage === null) {
    pushEligible(context, chain, limit, named);
    for (const fallback of compiled.fallbacks[named] ?? []) pushEligible(context, chain, limit, fallback, true);
    if (route.fillChain) for (const index of rankPool(context, request.id).ranked) pushEligible(context, chain, limit, index);
  } else if (!explicit) {
    const ranking: Ranking = rankPool(context, request.id);
    const head = ranking.primary;
    pushEligible(context, chain, limit, head);
    if (head >= 0 && route.strategy !== 'pinned') for (const fallback of compiled.fallbacks[head] ?? []) pushEligible(context, chain, limit, fallback, true);
    // no primary leaves the chain empty rather than promote a deprecated model
    if (chain.length > 0) for (const index of ranking.ranked) pushEligible(context, chain, limit, index);
    // a model due a probe goes first, the regular chain after it: one over chainLength, so that a
    // failing probe never costs the request its answer
    probe = probeFor(context, chain, ranking.ranked);
    if (probe) chain = [probe.index, ...chain.filter((index) => index !== probe!.index)];
  }

  const decision: Decision = {
    id: request.id,
    requestedModel: request.model,
    resolvedModel: named >= 0 ? (compiled.ids[named] ?? null) : null,
    rule: rule ? rule.reference : null,
    strategy: route.strategy,
    route: route.view,
    chain: chain.map((index) => compiled.ids[index] ?? ''),
  };
  if (probe) decision.probe = { modelId: compiled.ids[probe.index] ?? '', reason: probe.reason };
  // the candidates are listed from this only when someone asks (explainCandidates), off the served path
  keepBasis(decision, { context, chain, requestedIndex, seed: request.id, none: requestedIndex < 0 && explicit });
  if (explicit && requestedIndex < 0) {
    decision.failure = { reason: 'unknown_model', message: `unknown model "${request.model}": not a model id or alias` };
  } else if (namedOverOutput) {
    const id = compiled.ids[named] ?? request.model;
    decision.failure = { reason: 'exceeds_limit', param: 'max_tokens', message: `max_tokens ${maxTokens} exceeds the maxOutputTokens of ${id} (${compiled.maxOutputTokens[named]})` };
  } else if (unavailableMessage !== null) {
    decision.failure = { reason: 'model_unavailable', message: unavailableMessage };
  } else if (chain.length === 0) {
    decision.failure = exceededLimit(context, consideredModels(context, { chain, requestedIndex, seed: request.id }), request.promptTokens) ?? {
      reason: 'no_eligible_model',
      message: explicit
        ? `no eligible model for "${request.model}": it, its declared fallbacks${route.fillChain ? ' and every other model' : ''} were excluded`
        : 'no eligible model: every active model was excluded (deprecated models serve only as fallbacks)',
    };
  }
  return decision;
}

/**
 * A request that no model considered could ever serve as asked (drafts and retired models aside,
 * whatever their health or key): it asks for more output than every maxOutputTokens, or more
 * context than every window. Read only when the chain is empty, so listing the candidates costs
 * nothing on the hot path.
 */
function exceededLimit(context: RoutingContext, considered: readonly number[], promptTokens: number): Decision['failure'] | undefined {
  const { registry, maxTokens, requiredContext } = context;
  let largestOutput = -1;
  let largestWindow = -1;
  // the models the candidates list would show, less drafts and retired ones; read from the compiled
  // arrays, not from a full explanation of every candidate (~0.5 ms at 1,000 models)
  for (const index of considered) {
    const code = exclusionCode(context, index);
    if (code === EXCLUSION.draft || code === EXCLUSION.retired) continue;
    largestOutput = Math.max(largestOutput, registry.maxOutputTokens[index] ?? 0);
    largestWindow = Math.max(largestWindow, registry.contextWindow[index] ?? 0);
  }
  if (largestOutput < 0) return undefined;
  if (maxTokens > largestOutput) {
    return { reason: 'exceeds_limit', param: 'max_tokens', message: `max_tokens ${maxTokens} exceeds every model's maxOutputTokens (largest: ${largestOutput})` };
  }
  // a larger minimum context asked through `grove` is a routing requirement, refused as such
  if (requiredContext > largestWindow && promptTokens + maxTokens > largestWindow) {
    const asked = maxTokens > 0 ? `the prompt (about ${promptTokens} tokens) and max_tokens ${maxTokens}` : `the prompt (about ${promptTokens} tokens)`;
    return { reason: 'exceeds_limit', param: 'messages', message: `${asked} need ${requiredContext} tokens of context, more than every model's context window (largest: ${largestWindow})` };
  }
  return undefined;
}
