import type { LoggedDecision } from '../../shared/decision';
import { explainDecisionWithin } from '../routing';
import type { Decision, ExplainedDecision } from '../routing';

/** How many candidates a logged decision keeps; route.explain still shows every one. */
export const LOGGED_CANDIDATES = 24;

/**
 * The decision as the request log keeps it: the chain and the model the request named (whatever
 * excluded it), then the others in the core's order (by rank, then the excluded) up to
 * LOGGED_CANDIDATES; the rest are counted by reason. Without a bound, a registry of 1,000 models
 * would write ~170 KB of explanation for every request.
 */
export function loggedDecision(decision: Decision | ExplainedDecision): LoggedDecision {
  // an event may carry a decision already explained (with its candidates as plain data); a
  // decision is listed within the bound, unless it was listed whole already (route.explain)
  const explained = 'candidates' in decision ? decision : explainDecisionWithin(decision, LOGGED_CANDIDATES);
  const { candidates } = explained;
  if (candidates.length <= LOGGED_CANDIDATES || 'omittedCandidates' in explained) return explained;
  const explains = new Set([...decision.chain, decision.resolvedModel]);
  const kept = candidates.filter((candidate) => explains.has(candidate.modelId));
  const byReason: NonNullable<LoggedDecision['omittedCandidates']>['byReason'] = {};
  for (const candidate of candidates) {
    if (explains.has(candidate.modelId)) continue;
    if (kept.length < LOGGED_CANDIDATES) kept.push(candidate);
    else {
      const reason = candidate.excluded?.reason ?? 'eligible';
      byReason[reason] = (byReason[reason] ?? 0) + 1;
    }
  }
  return { ...explained, candidates: kept, omittedCandidates: { count: candidates.length - kept.length, byReason } };
}
