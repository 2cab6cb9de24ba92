import { listCandidates, listCandidatesWithin } from './candidates';
import type { CandidateInputs, OmittedCandidates } from './candidates';
import type { RoutingContext } from './eligibility';
import type { ExplainedDecision } from '../../shared/decision';
import type { Candidate, Decision } from './types';

/** What a decision was made from, kept so that its candidates can be listed later, if ever. */
export interface DecisionBasis extends CandidateInputs {
  context: RoutingContext;
  /** an unknown explicit model was considered against nothing */
  none: boolean;
  /** the candidates, once listed */
  listed?: Candidate[];
}

/**
 * Keeps `basis` on the decision, not enumerable: JSON, spreads and equality see only the decision's
 * own fields, and a copy has no basis. Defined the same way on every decision (one key, one set of
 * attributes), so every decision keeps one hidden class; see docs/performance.md.
 */
export function keepBasis(decision: Decision, basis: DecisionBasis): void {
  Object.defineProperty(decision, 'basis', { value: basis });
}

/**
 * Every model the decision considered, chain first, with its score breakdown or exclusion reason.
 * Listed on the first call and kept: at 1,000 models listing costs far more than deciding, so decide
 * never does it on the served path.
 */
export function explainCandidates(decision: Decision): Candidate[] {
  const { basis } = decision;
  if (!basis) throw new Error(`decision ${decision.id} has no basis: explain the decision decide returned, not a copy of it`);
  return (basis.listed ??= basis.none ? [] : listCandidates(basis.context, basis));
}

/** The decision as plain data with its candidates, in the order of its JSON: the chain, then candidates, then the failure. */
export function explainDecision(decision: Decision): ExplainedDecision {
  const { failure, ...fields } = decision;
  const candidates = explainCandidates(decision);
  return failure ? { ...fields, candidates, failure } : { ...fields, candidates };
}

/**
 * The decision explained with at most `limit` candidates, the others counted (listCandidatesWithin):
 * what the request log keeps of every request. From the full list when it was listed already.
 */
export function explainDecisionWithin(decision: Decision, limit: number): ExplainedDecision & { omittedCandidates?: OmittedCandidates } {
  const { basis } = decision;
  if (!basis) throw new Error(`decision ${decision.id} has no basis: explain the decision decide returned, not a copy of it`);
  if (basis.listed || basis.none) return explainDecision(decision);
  const { failure, ...fields } = decision;
  const { candidates, omitted } = listCandidatesWithin(basis.context, basis, limit);
  const explained: ExplainedDecision & { omittedCandidates?: OmittedCandidates } = failure ? { ...fields, candidates, failure } : { ...fields, candidates };
  if (omitted) explained.omittedCandidates = omitted;
  return explained;
}
