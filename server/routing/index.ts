export { decide } from './decide';
export { explainCandidates, explainDecision, explainDecisionWithin } from './explain';
/** A decision with its candidates listed: what the request log writes and route.explain returns. */
export type { ExplainedDecision } from '../../shared/decision';
export { compileRegistry, compileRegistrySteps } from './compile-registry';
export type { CompiledRegistry } from './compile-registry';
export { estimatePromptTokens } from './estimate-tokens';
export type { EstimatableMessage } from './estimate-tokens';
export { EXCLUSION_REASONS } from './types';
export type {
  Candidate,
  CircuitState,
  Decision,
  DecideOptions,
  ExclusionReason,
  HealthSnapshot,
  ModelHealth,
  RegistrySnapshot,
  RouteView,
  RoutingRequest,
  ScoreBreakdown,
} from './types';
