export { decide } from './decide';
export { compileRegistry } from './compile-registry';
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
