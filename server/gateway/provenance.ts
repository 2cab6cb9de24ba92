import type { Candidate, Decision } from '../routing';

/** How many candidates a logged decision keeps; route.explain still shows every one. */
export const LOGGED_CANDIDATES = 24;

export interface LoggedDecision extends Omit<Decision, 'candidates'> {
  candidates: Candidate[];
  /** the candidates past the limit, counted by exclusion reason (`eligible` for the others) */
  omittedCandidates?: { count: number; byReason: Record<string, number> };
}

/**
 * The decision as the request log keeps it: the chain and the model the request named (whatever
 * excluded it), then the others in the core's order (by rank, then the excluded) up to
 * LOGGED_CANDIDATES; the rest are counted by reason. Without a bound, a registry of 1,000 models
 * would write ~170 KB of explanation for every request.
 */
export function loggedDecision(decision: Decision): Decision | LoggedDecision {
  const { candidates } = decision;
  if (candidates.length <= LOGGED_CANDIDATES) return decision;
  const explains = new Set([...decision.chain, decision.resolvedModel]);
  const kept = candidates.filter((candidate) => explains.has(candidate.modelId));
  const byReason: Record<string, number> = {};
  for (const candidate of candidates) {
    if (explains.has(candidate.modelId)) continue;
    if (kept.length < LOGGED_CANDIDATES) kept.push(candidate);
    else {
      const reason = candidate.excluded?.reason ?? 'eligible';
      byReason[reason] = (byReason[reason] ?? 0) + 1;
    }
  }
  return { ...decision, candidates: kept, omittedCandidates: { count: candidates.length - kept.length, byReason } };
}
