import type { CapabilityObject, ModelObject } from '../../shared/objects';
import type { Strategy } from '../../shared/policy';
import type { RoutingRequirements } from '../../shared/routing-request';

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

export type CircuitState = 'closed' | 'open' | 'half-open';

export interface ModelHealth {
  circuit: CircuitState;
  p50LatencyMs?: number;
  ttftP50Ms?: number;
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

export const EXCLUSION_REASONS = [
  'lifecycle',
  'draft_not_allowed',
  'no_key',
  'circuit_open',
  'rate_limited',
  'context_too_small',
  'output_too_large',
  'over_cost_limit',
  'over_latency_limit',
  'below_minimum',
  'demo_model',
] as const;
export type ExclusionReason = (typeof EXCLUSION_REASONS)[number];

export interface ScoreBreakdown {
  /** 1 = the strategy's first choice among the eligible candidates */
  rank: number;
  /** the strategy's own score, 0-100, higher is better (capability: the fit; cheapest and fastest: relative to the best) */
  total: number;
  /** weighted capability score, 0-100, with the route's weights normalised by their sum */
  capabilityFit: number;
  /** blended USD per 1M tokens: (3 × input + output) / 4 */
  cost: number;
  /** observed p50 latency (else time to first token), ms; null when unknown */
  latency: number | null;
  /** 100 × (1 − error rate); 100 when unknown */
  health: number;
}

export interface Candidate {
  modelId: string;
  eligible: boolean;
  excluded?: { reason: ExclusionReason; detail: string };
  score?: ScoreBreakdown;
}

/** The route in force for a request: the policy's, narrowed by the request's own requirements. */
export interface RouteView {
  strategy: Strategy;
  weights: Record<string, number>;
  minimums: Record<string, number>;
  maxPricePer1M: number | null;
  maxLatencyMs: number | null;
  chainLength: number;
  /** a named model's chain is filled with the route's best others after its declared fallbacks */
  fillChain: boolean;
}

export interface Decision {
  id: string;
  requestedModel: string;
  /** the model an explicit request resolved to (alias and retired → replacement followed); null for `auto` */
  resolvedModel: string | null;
  /** the matched rule, or null when the default route applied */
  rule: { name: string; priority: number } | null;
  strategy: Strategy;
  route: RouteView;
  /** primary → fallback → secondary; never a retired model, never a duplicate */
  chain: string[];
  /**
   * Every model considered, chain first, with its score breakdown or exclusion reason. Computed on
   * first read (then kept), so deciding stays cheap at 1,000 models; JSON.stringify reads it.
   */
  readonly candidates: Candidate[];
  /**
   * set when the chain is empty. `model_unavailable`: the named model cannot serve at all, whatever
   * the moment (no key configured, a draft for an invoke key, retired with a broken replacement):
   * its fallbacks are for a model that fails, not for one that is misconfigured. `exceeds_limit`:
   * no model considered (but drafts and retired ones) could ever serve the request as asked, or the
   * named model cannot (max_tokens over its maxOutputTokens): the client's error, `param` names
   * what to change.
   */
  failure?: { reason: 'unknown_model' | 'no_eligible_model' | 'model_unavailable'; message: string } | { reason: 'exceeds_limit'; message: string; param: 'max_tokens' | 'messages' };
}
