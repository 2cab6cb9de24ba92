import type { Candidate, Decision } from '../routing';

/** How many candidates a logged decision keeps; route.explain still shows every one. */
export const LOGGED_CANDIDATES = 24;

export interface LoggedDecision extends Omit<Decision, 'candidates'> {
  candidates: Candidate[];
  /** the candidates past the limit, counted by exclusion reason (`eligible` for the others) */
  omittedCandidates?: { count: number; byReason: Record<string, number> };
}

/**
 * The decision as the request log keeps it. Candidates come chain first, then by rank, then the
 * excluded: the first LOGGED_CANDIDATES explain the answer; the rest are counted. Without a bound,
 * a registry of 1,000 models would write ~170 KB of explanation for every request.
 */
export function loggedDecision(decision: Decision): Decision | LoggedDecision {
  const { candidates } = decision;
  if (candidates.length <= LOGGED_CANDIDATES) return decision;
  const byReason: Record<string, number> = {};
  for (const candidate of candidates.slice(LOGGED_CANDIDATES)) {
    const reason = candidate.excluded?.reason ?? 'eligible';
    byReason[reason] = (byReason[reason] ?? 0) + 1;
  }
  return { ...decision, candidates: candidates.slice(0, LOGGED_CANDIDATES), omittedCandidates: { count: candidates.length - LOGGED_CANDIDATES, byReason } };
}
