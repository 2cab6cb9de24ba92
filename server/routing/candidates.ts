import { capabilityFit, describeExclusion, exclusionCode, exclusionReason } from './eligibility';
import type { RoutingContext } from './eligibility';
import { bestRanked, rankAmong, rankRows, sortByRank } from './rank';
import type { Candidate, ScoreBreakdown } from './types';
import type { ExclusionReason } from './types';

const NONE = new Int32Array(0);

const round = (value: number) => Math.round(value * 100) / 100;

export interface CandidateInputs {
  chain: readonly number[];
  requestedIndex: number;
  seed: string;
}

/**
 * The models a decision considered: what was asked for, its fallbacks, then the route's pool. A
 * named model is served by itself and its fallbacks only (unless the route fills the chain), so
 * the pool is not considered then: listing every model of a large registry, each with the reason
 * it was not asked for, cost every logged request O(models).
 */
export function consideredModels(context: RoutingContext, inputs: CandidateInputs): number[] {
  const { registry, route, named } = context;
  const seen = new Uint8Array(registry.count);
  const list: number[] = [];
  const add = (index: number) => {
    if (index >= 0 && seen[index] === 0) {
      seen[index] = 1;
      list.push(index);
    }
  };
  inputs.chain.forEach(add);
  add(inputs.requestedIndex);
  add(named);
  if (named >= 0) for (const id of registry.models[named]?.spec.fallbacks ?? []) add(registry.indexById.get(id) ?? -1);
  if (inputs.requestedIndex >= 0 && !route.fillChain) return list;
  if (route.strategy === 'pinned') route.pinned.forEach(add);
  else if (route.strategy === 'weighted') route.splitModels.forEach(add);
  else for (let index = 0; index < registry.count; index++) add(index);
  return list;
}

/** How old the model's latency figure was at the decision, ms; null when unknown (or the decision had no clock). */
export function latencyAgeOf(context: RoutingContext, index: number): number | null {
  const at = context.health.latencyAt[index] ?? Number.NaN;
  return Number.isNaN(at) || !Number.isFinite(context.now) ? null : Math.max(0, context.now - at);
}

/**
 * Every considered model with its exclusion reason or its score breakdown: the chain first, then the
 * other eligible ones by rank, then the excluded. Built only when someone asks (explainCandidates),
 * since at 1,000 models this costs far more than deciding does.
 */
export function listCandidates(context: RoutingContext, inputs: CandidateInputs): Candidate[] {
  return listCandidatesWithin(context, inputs, Infinity).candidates;
}

/** What a bounded list left out: how many, by reason (`eligible` for the eligible ones). */
export interface OmittedCandidates {
  count: number;
  byReason: Partial<Record<ExclusionReason | 'eligible', number>>;
}

/**
 * listCandidates bounded to `limit` (what the request log keeps of every decision). When there are
 * more, the candidates that explain the decision come first — its chain, and the model it was asked
 * for whatever excluded it — then the others in listCandidates' order up to `limit`, and the rest
 * are only counted, by reason. Nothing is built for those: at 10,000 models, listing them all and
 * dropping most cost ~5 ms a request, where this costs about what deciding does.
 */
export function listCandidatesWithin(context: RoutingContext, inputs: CandidateInputs, limit: number): { candidates: Candidate[]; omitted: OmittedCandidates | null } {
  const { registry, health, route, named } = context;
  const considered = consideredModels(context, inputs);
  const codes = new Uint8Array(registry.count);
  // the head's declared fallbacks name their models (demo ones serve there), as decide followed them
  const head = context.named >= 0 ? context.named : (inputs.chain[0] ?? -1);
  const listed = (head >= 0 ? registry.fallbacks[head] : undefined) ?? NONE;
  for (const index of considered) codes[index] = exclusionCode(context, index, listed.includes(index));
  const eligible = considered.filter((index) => codes[index] === 0);
  const inChain = new Set(inputs.chain);
  const eligibleOthers = eligible.filter((index) => !inChain.has(index)).length;
  const cut = inputs.chain.length + eligibleOthers + (considered.length - eligible.length) > limit;
  // the chain's own ranking over every eligible model (rank.ts), half-open last: all of it, or the
  // first few (enough to fill the bound past the chain) and the chain's own places in it
  const rows = rankRows(context, eligible, inputs.seed);
  const bounded = cut && limit + inputs.chain.length < eligible.length;
  const ordered = bounded ? bestRanked(rows, eligible, limit + inputs.chain.length) : sortByRank(rows, eligible);
  const positions = new Map(ordered.map((index, at) => [index, at + 1]));
  const rankOf = (index: number) => positions.get(index) ?? (bounded ? rankAmong(rows, eligible, index) : 0);

  const latencyOf = (index: number) => {
    const latency = health.latency[index] ?? Number.NaN;
    return Number.isNaN(latency) ? null : latency;
  };
  // over every eligible model, in any order: a score is relative to the best of them
  let cheapest = Infinity;
  let fastest = Infinity;
  let splitTotal = 0;
  for (const index of eligible) {
    cheapest = Math.min(cheapest, registry.blended[index] ?? 0);
    fastest = Math.min(fastest, latencyOf(index) ?? Infinity);
    splitTotal += route.splitWeights[route.splitModels.indexOf(index)] ?? 0;
  }

  const score = (index: number, rank: number): ScoreBreakdown => {
    const fit = capabilityFit(context, index);
    const cost = registry.blended[index] ?? 0;
    const latency = latencyOf(index);
    let total: number;
    if (route.strategy === 'cheapest') total = cost === 0 ? 100 : (100 * cheapest) / cost;
    else if (route.strategy === 'fastest') total = latency === null ? 0 : latency === 0 ? 100 : (100 * fastest) / latency;
    else if (route.strategy === 'pinned') total = (100 * (eligible.length - rank + 1)) / eligible.length;
    else if (route.strategy === 'weighted') total = splitTotal > 0 ? (100 * (route.splitWeights[route.splitModels.indexOf(index)] ?? 0)) / splitTotal : 0;
    else total = fit;
    return { rank, total: round(total), capabilityFit: round(fit), cost: Math.round(cost * 10_000) / 10_000, latency, latencyAgeMs: latencyAgeOf(context, index), health: round(100 * (1 - (health.errorRate[index] ?? 0))) };
  };
  const eligibleCandidate = (index: number): Candidate => ({ modelId: registry.ids[index] ?? '', eligible: true, score: score(index, rankOf(index)) });
  const excludedCandidate = (index: number): Candidate => ({ modelId: registry.ids[index] ?? '', eligible: false, excluded: describeExclusion(context, index, codes[index] ?? 0) });

  const result: Candidate[] = inputs.chain.map(eligibleCandidate);
  // cut short, what explains the decision comes first: the chain, and the excluded entries of it and
  // of the model asked for (a probe over the latency limit, a named model whose circuit is open)
  const explains = (index: number) => inChain.has(index) || index === named;
  if (cut) for (const index of considered) if ((codes[index] ?? 0) !== 0 && explains(index)) result.push(excludedCandidate(index));
  const omitted: OmittedCandidates = { count: 0, byReason: {} };
  const omit = (reason: ExclusionReason | 'eligible') => {
    omitted.count++;
    omitted.byReason[reason] = (omitted.byReason[reason] ?? 0) + 1;
  };
  const others = ordered.filter((index) => !inChain.has(index));
  for (const index of others) {
    if (result.length < limit) result.push(eligibleCandidate(index));
    else omit('eligible');
  }
  // and the eligible ones past the bound, which bestRanked did not rank
  for (let left = eligibleOthers - others.length; left > 0; left--) omit('eligible');
  for (const index of considered) {
    const code = codes[index] ?? 0;
    if (code === 0 || (cut && explains(index))) continue;
    if (result.length < limit) result.push(excludedCandidate(index));
    else omit(exclusionReason(code));
  }
  return { candidates: result, omitted: omitted.count > 0 ? omitted : null };
}
