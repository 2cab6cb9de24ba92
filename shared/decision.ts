import { z } from 'zod';
import { describedAs } from './described-as';
import { routingPolicySpecSchema, STRATEGIES } from './policy';
import { routingRequirementsSchema } from './routing-request';
import { objectId } from './objects';

/**
 * A routing decision as data: what route.explain returns, what the request log writes for every
 * request (LoggedDecision) and what the decisions API reads back. One schema for the writer, the
 * readers and the console; the routing core's own types (server/routing/types.ts) are these.
 */

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
export const exclusionReasonSchema = z.enum(EXCLUSION_REASONS);
export type ExclusionReason = z.output<typeof exclusionReasonSchema>;

export const scoreBreakdownSchema = z.object({
  /** 1 = the strategy's first choice among the eligible candidates */
  rank: z.number().int(),
  /** the strategy's own score, 0-100, higher is better (capability: the fit; cheapest and fastest: relative to the best) */
  total: z.number(),
  /** weighted capability score, 0-100, with the route's weights normalised by their sum */
  capabilityFit: z.number(),
  /** blended USD per 1M tokens: (3 × input + output) / 4 */
  cost: z.number(),
  /** observed latency, ms: the median of the model's most recent calls (else time to first token); null when unknown */
  latency: z.number().nullable(),
  /** how old the newest call behind `latency` was when the decision was made, ms (absent in decisions logged before it was recorded) */
  latencyAgeMs: z.number().nullable().optional(),
  /** 100 × (1 − error rate); 100 when unknown */
  health: z.number(),
});
export type ScoreBreakdown = z.output<typeof scoreBreakdownSchema>;

/** One model the decision considered: its score, or why it was excluded. */
export const candidateSchema = z.object({
  modelId: z.string(),
  eligible: z.boolean(),
  excluded: z.object({ reason: exclusionReasonSchema, detail: z.string() }).optional(),
  score: scoreBreakdownSchema.optional(),
});
export type Candidate = z.output<typeof candidateSchema>;

/** The route in force for a request: the policy's, narrowed by the request's own requirements. */
export const routeViewSchema = z.object({
  strategy: z.enum(STRATEGIES),
  weights: z.record(z.string(), z.number()),
  minimums: z.record(z.string(), z.number()),
  maxPricePer1M: z.number().nullable(),
  maxLatencyMs: z.number().nullable(),
  chainLength: z.number().int(),
  /** a named model's chain is filled with the route's best others after its declared fallbacks */
  fillChain: z.boolean(),
});
export type RouteView = z.output<typeof routeViewSchema>;

/**
 * Why the chain is empty. `model_unavailable`: the named model cannot serve at all, whatever the
 * moment (no key configured, a draft for an invoke key, retired with a broken replacement): its
 * fallbacks are for a model that fails, not for one that is misconfigured. `exceeds_limit`: no
 * model considered (but drafts and retired ones) could ever serve the request as asked, or the
 * named model cannot (max_tokens over its maxOutputTokens): the client's error, `param` names what
 * to change.
 */
export const decisionFailureSchema = z.discriminatedUnion('reason', [
  z.object({ reason: z.enum(['unknown_model', 'no_eligible_model', 'model_unavailable']), message: z.string() }),
  z.object({ reason: z.literal('exceeds_limit'), message: z.string(), param: z.enum(['max_tokens', 'messages']) }),
]);
export type DecisionFailure = z.output<typeof decisionFailureSchema>;

/** In the order of the decision's JSON: who asked, the route, the chain, then (explained) the candidates, then the failure. */
const decisionFields = {
  id: z.string(),
  requestedModel: z.string(),
  /** the model an explicit request resolved to (alias and retired → replacement followed); null for `auto` */
  resolvedModel: z.string().nullable(),
  /** the matched rule, or null when the default route applied */
  rule: z.object({ name: z.string(), priority: z.number().int() }).nullable(),
  strategy: z.enum(STRATEGIES),
  route: routeViewSchema,
  /** primary → fallback → secondary; never a retired model, never a duplicate */
  chain: z.array(z.string()),
  /**
   * Set when the chain's first model is a probe: a model routing had moved off (its circuit
   * half-open after the cooldown, or its latency figure stale) tried once so that its figures can
   * recover; the regular chain follows it (so the chain may be one over chainLength).
   */
  probe: z.object({ modelId: z.string(), reason: z.enum(['circuit_half_open', 'latency_stale']) }).optional(),
};

/** The routing core's decision, without its candidates (listed on demand, see server/routing/explain.ts). */
export const decisionSchema = z.object({ ...decisionFields, failure: decisionFailureSchema.optional() });
export type DecisionData = z.output<typeof decisionSchema>;

/** A decision with every model it considered, chain first: what route.explain returns. */
export const explainedDecisionSchema = z
  .object({ ...decisionFields, candidates: z.array(candidateSchema), failure: decisionFailureSchema.optional() })
  .meta({ id: 'ExplainedDecision' });
export type ExplainedDecision = z.output<typeof explainedDecisionSchema>;

/**
 * The decision as the request log keeps it (server/gateway/provenance.ts): explained, with the
 * candidates past a bound counted by exclusion reason (`eligible` for the others).
 */
export const loggedDecisionSchema = z
  .object({
    ...explainedDecisionSchema.shape,
    omittedCandidates: z.object({ count: z.number().int(), byReason: z.partialRecord(z.enum([...EXCLUSION_REASONS, 'eligible']), z.number().int()) }).optional(),
  })
  .meta({ id: 'LoggedDecision' });
export type LoggedDecision = z.output<typeof loggedDecisionSchema>;

/** Every upstream failure, normalised (server/adapters/errors.ts). */
export const UPSTREAM_ERROR_KINDS = ['auth', 'rate_limit', 'overloaded', 'timeout', 'connection', 'bad_request', 'not_found', 'content_filter', 'server', 'aborted'] as const;

/** One attempt at one model within a request. */
export const attemptSchema = z.object({
  modelId: z.string(),
  provider: z.string(),
  /** epoch ms */
  startedAt: z.number(),
  latencyMs: z.number(),
  outcome: z.enum(['ok', 'error', 'skipped']),
  errorKind: z.enum(UPSTREAM_ERROR_KINDS).optional(),
  status: z.number().int().optional(),
  message: z.string().optional(),
});
export type Attempt = z.output<typeof attemptSchema>;

export const REQUEST_OUTCOMES = ['ok', 'error', 'client_error', 'aborted'] as const;

/** One request as the request log lists it: who asked, who answered, how it went, every attempt. */
export const loggedRequestSchema = z
  .object({
    /** the decision id (`chatcmpl-…`), also the response's id and its x-grove-decision-id */
    id: z.string(),
    at: z.iso.datetime(),
    keyId: z.string().nullable(),
    requestedModel: z.string(),
    servedModel: z.string().nullable(),
    rule: z.string().nullable(),
    outcome: z.enum(REQUEST_OUTCOMES),
    status: z.number().int(),
    /** the upstream failure's kind, or the refusal's error code */
    errorKind: z.string().nullable(),
    stream: z.boolean(),
    latencyMs: z.number(),
    ttftMs: z.number().nullable(),
    promptTokens: z.number().int().nullable(),
    completionTokens: z.number().int().nullable(),
    costUsd: z.number().nullable(),
    attempts: z.array(attemptSchema),
  })
  .meta({ id: 'LoggedRequest' });
export type LoggedRequest = z.output<typeof loggedRequestSchema>;

/** One request with its decision: what decisions.get returns. */
export const loggedRequestWithDecisionSchema = z.object({ ...loggedRequestSchema.shape, decision: loggedDecisionSchema }).meta({ id: 'LoggedRequestWithDecision' });
export type LoggedRequestWithDecision = z.output<typeof loggedRequestWithDecisionSchema>;

/** A message as route.explain reads it: only what the prompt-size estimate counts (other fields are ignored). */
const explainMessageSchema = z.object({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']),
  content: z.union([z.string(), z.array(z.object({ type: z.string(), text: z.string().optional() }))]).nullish(),
  name: z.string().optional(),
  tool_calls: z.array(z.object({ id: z.string(), type: z.literal('function'), function: z.object({ name: z.string(), arguments: z.string() }) })).optional(),
});

/** route.explain: a hypothetical chat request, routed as `scope` would be; no model is called. */
export const explainRequestSchema = z.object({
  model: z.string().min(1).default('auto'),
  messages: z.array(explainMessageSchema).default([{ role: 'user', content: '' }]),
  max_tokens: z.number().int().positive().optional(),
  /** the routing requirements, checked by the router so that a problem names its field (`grove.weights.speed`) */
  grove: describedAs(routingRequirementsSchema).optional(),
  /** as `x-grove-*` headers would give them */
  headers: z.record(z.string(), z.string()).optional(),
  /** route as this scope would (an invoke key may not call drafts) */
  scope: z.enum(['admin', 'invoke']).default('invoke'),
  /**
   * A RoutingPolicy spec to decide with instead of the one in force (a dry run of an unsaved
   * edit): checked as policies.put checks it, every problem listed; never stored.
   */
  policy: describedAs(routingPolicySpecSchema).optional(),
});

/** What route.explain answers: the decision, and the refusal the caller would hear, if any. */
export const explainResultSchema = z.object({
  decision: explainedDecisionSchema,
  refusal: z.object({ status: z.number().int(), code: z.string().nullable(), message: z.string() }).nullable(),
});

/**
 * Where a page of decisions.list ended: the last row's time and id (`2026-12-06T23:00:00.123Z_chatcmpl-…`).
 * Pass it back as `cursor` for the next, older page.
 */
export const decisionCursorSchema = z
  .string()
  .max(200)
  .regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z_.+$/, 'must be the nextCursor of an earlier page');

/** decisions.list: every filter optional and combined with AND; newest first. */
export const decisionListInputSchema = z
  .object({
    /** a model the request touched: the one that served, or one attempted that did not (failed, or skipped for an open circuit) */
    model: objectId.optional(),
    outcome: z.enum(REQUEST_OUTCOMES).optional(),
    /** the matched rule's name */
    rule: z.string().min(1).max(100).optional(),
    /** the API key's id */
    key: z.string().min(1).max(100).optional(),
    /** what the request named: a model id, an alias or `auto` */
    requestedModel: z.string().min(1).max(200).optional(),
    /** a decision id prefix, or part of a requested or served model's or a rule's name */
    q: z.string().trim().min(1).max(200).optional(),
    since: z.string().datetime().optional(),
    until: z.string().datetime().optional(),
    cursor: decisionCursorSchema.optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .default({ limit: 100 });
export type DecisionListInput = z.input<typeof decisionListInputSchema>;

export const decisionListOutputSchema = z.object({
  items: z.array(loggedRequestSchema),
  /** the cursor of the next, older page; null when nothing older matches */
  nextCursor: decisionCursorSchema.nullable(),
});
