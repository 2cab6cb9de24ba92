import { randomFillSync } from 'node:crypto';
import type { ChatDelta, ChatResult, ModelTarget, Usage } from '../adapters/types';
import type { UpstreamError } from '../adapters/errors';
import type { Principal } from '../auth/keys';
import type { Attempt, EventBus, GroveEvent, RequestCompleted } from '../events';
import type { Registry, RegistrySnapshot } from '../registry/registry';
import { compileRegistrySteps, decide, estimatePromptTokens, explainCandidates, type CompiledRegistry, type Decision, type EstimatableMessage } from '../routing';
import type { ChatRequest } from '../../shared/chat';
import { isDemoModel, type ModelObject } from '../../shared/objects';
import { DEFAULT_POLICY_SPEC, type RoutingPolicySpecInput } from '../../shared/policy';
import { finishSteps, ITEMS_PER_STEP, runSteps, type Steps } from '../../shared/steps';

import { RequirementsError, resolveRequirements, type HeaderBag } from '../../shared/routing-request';
import { costOf } from './cost';
import { generateOnChain, isFailure, openStreamOnChain, type ChainContext, type ChainFailure, type ChainSuccess, type OpenedStream } from './execute';
import { GroveError } from '../errors';
import { upstreamFailure } from './gateway-error';
import { HealthTracker } from './health';
import { RateLimiter } from './rate-limiter';
import { preciseNow } from '../clock';

export interface GatewayCall {
  body: ChatRequest;
  principal: Principal;
  headers: HeaderBag;
  /** aborted when the client goes away */
  signal: AbortSignal;
}

/** What a caller learns besides the answer itself (the x-grove-* headers). */
export interface AnswerMeta {
  id: string;
  created: number;
  model: ModelObject;
  decision: Decision;
  attempts: Attempt[];
}

export interface CompletedAnswer extends AnswerMeta {
  result: ChatResult;
  costUsd: number;
}

export interface StreamSummary {
  usage?: Usage;
  costUsd: number;
  error?: UpstreamError;
}

export interface OpenedAnswer extends AnswerMeta {
  /** the deltas in batches (./adapters/types), the first included; throws an UpstreamError (midStream) if the upstream fails after the first byte */
  deltas: AsyncGenerator<ChatDelta[], StreamSummary>;
}

/** What routing reads of a request: a chat request, or route.explain's hypothetical one (only its messages' size counts). */
type RouteBody = Pick<ChatRequest, 'model' | 'max_tokens' | 'max_completion_tokens'> & { messages: readonly EstimatableMessage[]; grove?: unknown };

interface Compiled {
  version: number;
  routing: CompiledRegistry;
  byId: Map<string, ModelObject>;
  targets: Map<string, ModelTarget>;
  policy: RoutingPolicySpecInput;
}

export interface GatewayOptions {
  /** overall deadline of one request, over all its attempts */
  deadlineMs: number;
  defaultRateLimitPerMinute: number;
  /** live instances sharing the database: each enforces its share of a key's limit */
  fleetSize?: () => number;
  now?: () => number;
}

/**
 * The data plane: admit, route, run the chain, account. Reads only in-memory snapshots (registry,
 * keys, health): the hot path makes no database round trip and awaits no I/O but the upstream's.
 */
export class Gateway {
  readonly health: HealthTracker;
  private readonly limiter = new RateLimiter();
  private compiled: Compiled | null = null;
  /** compiled ahead for the snapshot the registry swaps in next */
  private prepared: Compiled | null = null;
  private readonly now: () => number;
  /** bound once: the failover loop emits through it */
  private readonly emit = (event: GroveEvent): void => this.events.emit(event);

  constructor(
    private readonly registry: Registry,
    private readonly events: EventBus,
    private readonly options: GatewayOptions,
  ) {
    this.now = options.now ?? preciseNow;
    this.health = new HealthTracker(undefined, this.emit);
  }

  /** Per-key requests per minute; throws a 429 GroveError with retry-after. */
  admit(principal: Principal): void {
    const limit = principal.rateLimitPerMinute ?? this.options.defaultRateLimitPerMinute;
    // A load balancer spreads a key's requests over the fleet, so each instance admits its share:
    // no counter to share, no extra server. At least one a minute, so a small limit still serves.
    const share = Math.max(1, limit / (this.options.fleetSize?.() ?? 1));
    const waitMs = this.limiter.take(principal.keyId, share, this.now());
    if (waitMs > 0) {
      throw new GroveError('rate_limit_exceeded', `rate limit of ${limit} requests per minute reached for this key`, { headers: { 'retry-after': String(Math.ceil(waitMs / 1000)) } });
    }
  }

  /** The routing decision for a request, with no model called; throws a GroveError when it would be refused. */
  route(body: RouteBody, principal: Pick<Principal, 'keyId' | 'scopes'>, headers: HeaderBag, id = newId()): { decision: Decision; chain: ModelObject[] } {
    const { decision, refused } = this.explain(body, principal, headers, { id });
    if (refused) throw refused;
    const compiled = this.compile();
    return { decision, chain: decision.chain.map((modelId) => compiled.byId.get(modelId)!) };
  }

  /**
   * What route.explain shows: the decision even when the request would be refused (with why), so
   * that an operator sees every candidate's exclusion. Throws only on invalid routing requirements.
   * `policy` (already validated) replaces the policy in force for this one decision: the console's
   * dry run of an edited, unsaved policy.
   */
  explain(
    body: RouteBody,
    principal: Pick<Principal, 'keyId' | 'scopes'>,
    headers: HeaderBag,
    { id = newId(), policy }: { id?: string; policy?: RoutingPolicySpecInput } = {},
  ): { decision: Decision; refused?: GroveError } {
    const compiled = this.compile();
    let requirements;
    try {
      requirements = resolveRequirements(body.grove, headers);
    } catch (error) {
      if (error instanceof RequirementsError) throw new GroveError('invalid_routing_requirements', `invalid routing requirements: ${error.message}`, { param: error.issues[0]?.field ?? null });
      throw error;
    }
    const decision = decide(
      {
        id,
        model: body.model,
        promptTokens: estimatePromptTokens(body.messages),
        maxTokens: body.max_completion_tokens ?? body.max_tokens ?? undefined,
        requirements,
        apiKeyId: principal.keyId,
        headers: headerStrings(headers),
        scope: principal.scopes.includes('admin') ? 'admin' : 'invoke',
      },
      compiled.routing,
      this.health.snapshot(this.now()),
      policy ?? compiled.policy,
      { now: this.now() },
    );
    // a named model that cannot serve at all (a draft for an invoke key, no key) has an empty chain
    if (decision.chain.length === 0) return { decision, refused: refusal(decision, body.model) };
    return { decision };
  }

  async complete(call: GatewayCall): Promise<CompletedAnswer> {
    const { id, startedAt, decision, outcome } = await this.begin(call, false, generateOnChain);
    const { model, value: result } = outcome;
    const finishedAt = this.now();
    const attempts = [...outcome.attempts, okAttempt(model, outcome.startedAt, finishedAt)];
    this.health.recordSuccess(model.metadata.id, finishedAt, finishedAt - outcome.startedAt);
    const costUsd = costOf(model.spec.pricing, result.usage);
    this.record({ id, startedAt, call, decision, attempts, stream: false, model, usage: result.usage, costUsd });
    return { id, created: Math.floor(startedAt / 1000), model, decision, attempts, result, costUsd };
  }

  /** Resolves once a model produced its first delta (failing over until then), or throws a GroveError. */
  async stream(call: GatewayCall): Promise<OpenedAnswer> {
    const { id, startedAt, decision, outcome } = await this.begin(call, true, openStreamOnChain);
    const { model } = outcome;
    const firstAt = this.now();
    const attempts = [...outcome.attempts, okAttempt(model, outcome.startedAt, firstAt)];
    const ttftMs = firstAt - startedAt;
    // Field by field, not `{ ...outcome.value, model, … }`: V8 kept what such a spread built alive
    // through young-generation collections, so each stream's state (~1 KB) was promoted to the old
    // generation, which only a full mark-compact frees (a 10–20 ms pause under load).
    const open: OpenStream = {
      first: outcome.value.first,
      iterator: outcome.value.iterator,
      model,
      attemptStartedAt: outcome.startedAt,
      firstAt,
      health: this.health,
      now: this.now,
      record: (summary) => this.record({ id, startedAt, call, decision, attempts, stream: true, model, ttftMs, ...summary }),
    };
    return { id, created: Math.floor(startedAt / 1000), model, decision, attempts, deltas: new AccountedDeltas(open) };
  }

  /** Admit, route and run the chain; a failure is logged and thrown as a GroveError. */
  private async begin<T>(call: GatewayCall, stream: boolean, run: (context: ChainContext) => Promise<ChainSuccess<T> | ChainFailure>) {
    this.admit(call.principal);
    const startedAt = this.now();
    const id = newId();
    const { decision, refused } = this.explain(call.body, call.principal, call.headers, { id });
    if (refused) {
      // refused requests are provenance too: why no model could take them is in the decision
      this.record({ id, startedAt, call, decision, attempts: [], stream, refused });
      throw new GroveError(refused.code, refused.message, { param: refused.param, type: refused.type, headers: { ...refused.headers, ...failureHeaders(id, []) } });
    }
    const compiled = this.compile();
    const chain = decision.chain.map((modelId) => compiled.byId.get(modelId)!);
    const outcome = await run(this.chainContext(chain, call, startedAt, id));
    if (isFailure(outcome)) {
      this.record({ id, startedAt, call, decision, attempts: outcome.attempts, stream, error: outcome.error });
      throw upstreamFailure(outcome.error, failureHeaders(id, outcome.attempts));
    }
    return { id, startedAt, decision, outcome };
  }

  /**
   * Models a key may see on /v1/models: what it can call now. A model without its key is left
   * out: offered, it would only answer model_unavailable.
   */
  visibleModels(principal: Pick<Principal, 'scopes'>): ModelObject[] {
    const admin = principal.scopes.includes('admin');
    const { routing } = this.compile();
    return routing.models.filter(
      (model, index) => routing.hasKey[index] === 1 && (model.spec.lifecycle === 'active' || model.spec.lifecycle === 'deprecated' || (admin && model.spec.lifecycle === 'draft')),
    );
  }

  /** Demo mode (see compileRegistry) and the demo models, as the console and the log tell it. */
  demoStatus(): { demoMode: boolean; demoModels: string[] } {
    const { routing } = this.compile();
    return { demoMode: routing.demoMode, demoModels: routing.models.filter(isDemoModel).map((model) => model.metadata.id) };
  }

  private chainContext(chain: ModelObject[], call: GatewayCall, startedAt: number, requestId: string): ChainContext {
    const compiled = this.compile();
    return {
      requestId,
      emit: this.emit,
      chain,
      request: call.body,
      targetFor: (model) => compiled.targets.get(model.metadata.id)!,
      health: this.health,
      signal: call.signal,
      deadline: startedAt + this.options.deadlineMs,
      now: this.now,
    };
  }

  private record(entry: { id: string; startedAt: number; call: GatewayCall; decision: Decision; attempts: Attempt[]; stream: boolean; model?: ModelObject; usage?: Usage; costUsd?: number; ttftMs?: number; error?: UpstreamError; refused?: GroveError }): void {
    const { error, refused } = entry;
    const outcome: RequestCompleted['outcome'] = refused
      ? refused.status < 500
        ? 'client_error'
        : 'error'
      : !error
        ? 'ok'
        : error.kind === 'aborted'
          ? 'aborted'
          : error.kind === 'bad_request' || error.kind === 'content_filter'
            ? 'client_error'
            : 'error';
    this.events.emit({
      type: 'request.completed',
      id: entry.id,
      at: entry.startedAt,
      keyId: entry.call.principal.keyId,
      requestedModel: entry.call.body.model,
      servedModel: entry.model?.metadata.id,
      rule: entry.decision.rule?.name ?? null,
      stream: entry.stream,
      outcome,
      status: refused?.status ?? error?.status ?? 200,
      errorKind: refused?.code ?? error?.kind,
      latencyMs: this.now() - entry.startedAt,
      ttftMs: entry.ttftMs,
      promptTokens: entry.usage?.promptTokens,
      completionTokens: entry.usage?.completionTokens,
      costUsd: entry.costUsd,
      attempts: entry.attempts,
      decision: entry.decision,
    });
  }

  /**
   * Compiles a snapshot the registry is about to swap in (Registry.beforeSwap), in steps, while
   * requests go on with the current one: the first request after the swap finds it ready instead
   * of compiling thousands of models in one go.
   */
  async prepare(snapshot: RegistrySnapshot, pause: () => Promise<void> | undefined): Promise<void> {
    this.prepared = await runSteps(compileSteps(snapshot), pause);
  }

  /** Compiled forms of the registry snapshot, rebuilt only when the registry changed. */
  private compile(): Compiled {
    const snapshot = this.registry.snapshot;
    if (this.compiled?.version === snapshot.version) return this.compiled;
    if (this.prepared?.version === snapshot.version) {
      this.compiled = this.prepared;
      this.prepared = null;
    } else {
      this.compiled = finishSteps(compileSteps(snapshot));
    }
    return this.compiled;
  }
}

function* compileSteps(snapshot: RegistrySnapshot): Steps<Compiled> {
  const modelsWithKey = new Set<string>();
  const byId = new Map<string, ModelObject>();
  const targets = new Map<string, ModelTarget>();
  for (const [index, model] of snapshot.models.entries()) {
    if (index % ITEMS_PER_STEP === 0) yield;
    const id = model.metadata.id;
    if (!needsKey(model) || snapshot.apiKeys.get(id)) modelsWithKey.add(id);
    byId.set(id, model);
    targets.set(id, toTarget(model, snapshot));
  }
  const policyObject = snapshot.byKind.get('RoutingPolicy')?.get('default');
  return {
    version: snapshot.version,
    routing: yield* compileRegistrySteps({ models: snapshot.models, capabilities: snapshot.capabilities, modelsWithKey }),
    byId,
    targets,
    policy: (policyObject?.spec as RoutingPolicySpecInput | undefined) ?? DEFAULT_POLICY_SPEC,
  };
}

/** A stream whose first deltas arrived, with what its accounting needs. */
interface OpenStream extends OpenedStream {
  model: ModelObject;
  attemptStartedAt: number;
  firstAt: number;
  health: HealthTracker;
  now(): number;
  record(summary: StreamSummary): void;
}

/**
 * The deltas of an opened stream, accounted for: health, cost and the request log once it ends,
 * fails or is left early. An iterator rather than an async generator, so that a `return()` that
 * comes before the first `next()` (a subscriber gone at once) still closes the upstream, releases
 * a half-open circuit's probe and logs the request: a generator that never started runs no
 * `finally`.
 */
class AccountedDeltas implements AsyncGenerator<ChatDelta[], StreamSummary> {
  private usage: Usage | undefined;
  /** the batch the chain opened the stream with, until it is handed out */
  private first: IteratorResult<ChatDelta[]> | null;
  private ended = false;

  constructor(private readonly open: OpenStream) {
    this.first = open.first;
  }

  async next(): Promise<IteratorResult<ChatDelta[], StreamSummary>> {
    if (this.ended) return { done: true, value: undefined as unknown as StreamSummary };
    const { open } = this;
    const modelId = open.model.metadata.id;
    let step: IteratorResult<ChatDelta[]>;
    try {
      step = this.first ?? (await open.iterator.next());
      this.first = null;
    } catch (thrown) {
      this.ended = true;
      const error = thrown as UpstreamError;
      error.midStream = true;
      if (error.kind !== 'aborted') open.health.recordFailure(modelId, open.now(), error.kind, error.retryAfterMs);
      open.record({ usage: this.usage, costUsd: this.cost(), error });
      throw error;
    }
    if (step.done) {
      this.ended = true;
      const finishedAt = open.now();
      open.health.recordSuccess(modelId, finishedAt, finishedAt - open.attemptStartedAt, open.firstAt - open.attemptStartedAt);
      const summary: StreamSummary = { usage: this.usage, costUsd: this.cost() };
      open.record(summary);
      return { done: true, value: summary };
    }
    for (const delta of step.value) if (delta.type === 'usage') this.usage = delta.usage;
    return { done: false, value: step.value };
  }

  /** The consumer stopped early (the client went away): close the upstream and log what was sent. */
  async return(value?: StreamSummary | PromiseLike<StreamSummary>): Promise<IteratorResult<ChatDelta[], StreamSummary>> {
    if (!this.ended) {
      this.ended = true;
      const { open } = this;
      await open.iterator.return?.().catch(() => {});
      open.health.release(open.model.metadata.id);
      open.record({ usage: this.usage, costUsd: this.cost(), error: undefined });
    }
    return { done: true, value: (await value) as StreamSummary };
  }

  async throw(error: unknown): Promise<IteratorResult<ChatDelta[], StreamSummary>> {
    await this.return();
    throw error;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private cost(): number {
    return costOf(this.open.model.spec.pricing, this.usage);
  }
}

function needsKey(model: ModelObject): boolean {
  if (model.spec.provider === 'simulated') return false;
  if (model.spec.provider === 'openai-compatible' && model.spec.baseUrl && /^https?:\/\/(127\.|localhost|\[::1\])/.test(model.spec.baseUrl)) return false;
  return true;
}

function toTarget(model: ModelObject, snapshot: RegistrySnapshot): ModelTarget {
  const { spec } = model;
  return {
    id: model.metadata.id,
    provider: spec.provider,
    model: spec.model,
    baseUrl: spec.baseUrl,
    apiKey: snapshot.apiKeys.get(model.metadata.id),
    timeoutMs: spec.timeoutMs,
    maxOutputTokens: spec.maxOutputTokens,
    headers: spec.headers,
    simulation: spec.simulation,
  };
}

function okAttempt(model: ModelObject, startedAt: number, finishedAt: number): Attempt {
  return { modelId: model.metadata.id, provider: model.spec.provider, startedAt, latencyMs: finishedAt - startedAt, outcome: 'ok' };
}

/** A failed request still names its decision, so that its provenance can be looked up. */
function failureHeaders(id: string, attempts: Attempt[]): Record<string, string> {
  return { 'x-grove-decision-id': id, 'x-grove-attempts': String(attempts.filter((attempt) => attempt.outcome !== 'skipped').length) };
}

/** Why no model could be chosen, as the caller should hear it. */
function refusal(decision: Decision, requested: string): GroveError {
  if (decision.failure?.reason === 'unknown_model') return new GroveError('model_not_found', `The model \`${requested}\` does not exist`, { param: 'model' });
  const named = decision.resolvedModel ? explainCandidates(decision).find((candidate) => candidate.modelId === decision.resolvedModel) : undefined;
  if (named?.excluded?.reason === 'draft_not_allowed') return new GroveError('model_not_allowed', `The model \`${requested}\` is a draft: only admin keys may call it (decision ${decision.id})`, { param: 'model' });
  // 424 (failed dependency): the model depends on configuration Grove lacks (its key, a
  // replacement). The OpenAI SDKs retry 408, 409, 429 and 5xx, and retrying cannot fix this, so a
  // 4xx: the caller hears why at once, and the message says how an operator fixes it.
  if (decision.failure?.reason === 'model_unavailable') return new GroveError('model_unavailable', `${decision.failure.message} (decision ${decision.id})`, { param: 'model' });
  // no model could ever serve it as asked: the client's error, which retrying cannot mend (a 503 SDKs retry)
  const { failure } = decision;
  if (failure?.reason === 'exceeds_limit') {
    return new GroveError(failure.param === 'max_tokens' ? 'max_tokens_exceeded' : 'context_length_exceeded', failure.message, { param: failure.param });
  }
  const reasons = explainCandidates(decision)
    .filter((candidate) => candidate.excluded)
    .slice(0, 8)
    .map((candidate) => `${candidate.modelId}: ${candidate.excluded!.detail}`)
    .join('; ');
  return new GroveError('no_eligible_model', `no model can serve this request${reasons ? ` (${reasons})` : ''}`);
}

/** The headers as strings; Node's request headers already are (but set-cookie), so usually no copy. */
function headerStrings(headers: HeaderBag): Record<string, string> {
  let copy: Record<string, string> | null = null;
  for (const name in headers) {
    const value = headers[name];
    if (typeof value === 'string') continue;
    copy ??= { ...(headers as Record<string, string>) };
    if (Array.isArray(value)) copy[name] = value.join(', ');
    else delete copy[name];
  }
  return copy ?? (headers as Record<string, string>);
}

/** Entropy for 256 ids at a time: one randomFillSync per 256 requests, one hex string per id. */
const ID_BATCH = 256;
const idEntropy = Buffer.alloc(16 * ID_BATCH);
let idsLeft = 0;

/** `chatcmpl-` and 128 random bits in hex. (randomUUID and removing its dashes made ~1.4 KB of garbage an id.) */
function newId(): string {
  if (idsLeft === 0) {
    randomFillSync(idEntropy);
    idsLeft = ID_BATCH;
  }
  const offset = 16 * --idsLeft;
  return `chatcmpl-${idEntropy.toString('hex', offset, offset + 16)}`;
}
