import type { CapabilityObject, ModelObject } from '../../shared/objects';
import type { DecisionData } from '../../shared/decision';
import type { CircuitState } from '../../shared/system';
import type { RoutingRequirements } from '../../shared/routing-request';
import type { DecisionBasis } from './explain';

export { EXCLUSION_REASONS } from '../../shared/decision';
export type { Candidate, ExclusionReason, RouteView, ScoreBreakdown } from '../../shared/decision';
export type { CircuitState };

/** What the routing core needs to know about one request; the shell fills it after auth and parsing. */
export interface RoutingRequest {
  /** becomes the decision id; also seeds the weighted strategy's draw, so a retry with the same id routes the same way */
  id: string;
  /** a model id, an alias, or `auto` */
  model: string;
  /** estimated (see estimatePromptTokens) */
  promptTokens: number;
  maxTokens?: number;
  requirements: RoutingRequirements;
  apiKeyId?: string;
  /** header names in lower case, as Node gives them */
  headers?: Record<string, string>;
  /** without a scope the caller is treated as `invoke` */
  scope?: 'admin' | 'invoke';
}

/**
 * The registry as the router sees it. Treat it as immutable: compiled forms are cached by object
 * identity, so swap in a new snapshot on every change instead of mutating one.
 */
export interface RegistrySnapshot {
  models: readonly ModelObject[];
  capabilities: readonly CapabilityObject[];
  /**
   * ids of models whose API key is available. Undefined: every model is assumed to have its key.
   * `simulated` models and openai-compatible ones on a loopback baseUrl never need one.
   */
  modelsWithKey?: ReadonlySet<string>;
}


export interface ModelHealth {
  circuit: CircuitState;
  /** the median of the model's most recent calls (server/gateway/latency-window.ts), ms */
  p50LatencyMs?: number;
  ttftP50Ms?: number;
  /** epoch ms of the newest call behind the latency figure: decisions show its age */
  latencyAt?: number;
  /**
   * Due a probe: routing sends the next request it may serve to it first, so that its figures can
   * recover. `circuit`: half-open after its cooldown; `latency`: not called for a while, its figure
   * stale (only routes that read latency — fastest, maxLatencyMs — probe for it).
   */
  probe?: 'circuit' | 'latency';
  /** 0-1 over the breaker's window */
  errorRate?: number;
  /** epoch ms until which the upstream asked us not to call (retry-after) */
  retryAfterUntil?: number;
}

/** Per model id; a model with no entry is healthy with unknown latency. Immutable, like the registry. */
export type HealthSnapshot = Readonly<Record<string, ModelHealth>>;

export interface DecideOptions {
  /** epoch ms of the request, for retry-after; without it retry-after is not considered */
  now?: number;
}

/**
 * The routing core's decision: the fields shared/decision.ts describes, and what it was made from.
 * `basis` is for explainCandidates (explain.ts), which lists every model considered with its score
 * or exclusion. Not enumerable: JSON, spreads and equality see only the decision's data, and a copy
 * has none.
 */
export interface Decision extends DecisionData {
  readonly basis?: DecisionBasis;
}
