import { getAdapter } from '../adapters';
import { isUpstreamError, UpstreamError } from '../adapters/errors';
import { redactSecrets } from '../adapters/redact';
import type { ChatDelta, ChatResult, ModelTarget } from '../adapters/types';
import type { Attempt, AttemptFailed, Failover } from '../events';
import type { ModelObject } from '../../shared/objects';
import type { ChatRequest } from '../../shared/chat';
import type { HealthTracker } from './health';

/**
 * The failover loop, top to bottom: for each model of the decided chain, ask its circuit, call it,
 * classify the outcome, and either answer or move on. A stream counts as answered once its first
 * delta arrived: up to then it fails over like any call, after it the bytes are the client's.
 */

export interface ChainContext {
  chain: readonly ModelObject[];
  request: ChatRequest;
  targetFor(model: ModelObject): ModelTarget;
  health: HealthTracker;
  /** the client went away: stop, and let the adapter close the upstream connection */
  signal: AbortSignal;
  /** epoch ms after which no new attempt starts and a running one is cut */
  deadline: number;
  now(): number;
  /** the decision id, which the events below carry */
  requestId: string;
  /** the event bus's emit: a failed attempt and each step to the next model are told as they happen */
  emit(event: AttemptFailed | Failover): void;
}

export interface ChainSuccess<T> {
  model: ModelObject;
  value: T;
  attempts: Attempt[];
  startedAt: number;
}

export interface ChainFailure {
  error: UpstreamError;
  attempts: Attempt[];
}

/** Errors after which another model may well succeed: the upstream's trouble, not the client's request. */
function failsOver(error: UpstreamError): boolean {
  return error.retryable || error.kind === 'auth' || error.kind === 'not_found';
}

async function runChain<T>(context: ChainContext, call: (target: ModelTarget, signal: AbortSignal) => Promise<T>): Promise<ChainSuccess<T> | ChainFailure> {
  const attempts: Attempt[] = [];
  let lastError: UpstreamError | undefined;
  for (const model of context.chain) {
    const modelId = model.metadata.id;
    const startedAt = context.now();
    if (context.signal.aborted) break;
    if (startedAt >= context.deadline) {
      lastError = new UpstreamError({ kind: 'timeout', message: 'the request deadline passed before every model in the chain was tried', provider: model.spec.provider, modelId });
      break;
    }
    // every attempt but the first is a failover from the one before: as many as attempts − 1
    const previous = attempts.length > 0 ? attempts[attempts.length - 1]! : undefined;
    if (previous) context.emit({ type: 'failover', at: startedAt, requestId: context.requestId, from: previous.modelId, to: modelId, reason: previous.outcome === 'skipped' ? 'circuit_open' : (previous.errorKind ?? 'error') });
    if (!context.health.acquire(modelId, startedAt)) {
      attempts.push({ modelId, provider: model.spec.provider, startedAt, latencyMs: 0, outcome: 'skipped', message: 'circuit open' });
      context.emit({ type: 'attempt.failed', at: startedAt, requestId: context.requestId, modelId, provider: model.spec.provider, errorKind: 'circuit_open', latencyMs: 0, failsOver: true });
      continue;
    }
    const target = context.targetFor(model);
    const remaining = context.deadline - startedAt;
    const attemptTarget = remaining < target.timeoutMs ? { ...target, timeoutMs: Math.max(1, remaining) } : target;
    try {
      const value = await call(attemptTarget, context.signal);
      return { model, value, attempts, startedAt };
    } catch (thrown) {
      const error = toUpstreamError(thrown, model, target.apiKey);
      const finishedAt = context.now();
      const status = error.upstreamStatus ?? error.status;
      attempts.push({ modelId, provider: model.spec.provider, startedAt, latencyMs: finishedAt - startedAt, outcome: 'error', errorKind: error.kind, status, message: error.message });
      const aborted = error.kind === 'aborted' || context.signal.aborted;
      context.emit({ type: 'attempt.failed', at: finishedAt, requestId: context.requestId, modelId, provider: model.spec.provider, errorKind: error.kind, status, latencyMs: finishedAt - startedAt, failsOver: !aborted && failsOver(error) });
      if (aborted) {
        context.health.release(modelId);
        return { error, attempts };
      }
      if (failsOver(error)) context.health.recordFailure(modelId, finishedAt, error.kind, error.retryAfterMs);
      else context.health.release(modelId);
      lastError = error;
      if (!failsOver(error)) break;
    }
  }
  return { error: lastError ?? noModelError(context), attempts };
}

export function generateOnChain(context: ChainContext): Promise<ChainSuccess<ChatResult> | ChainFailure> {
  return runChain(context, (target, signal) => getAdapter(target.provider).generate(target, context.request, { signal }));
}

export interface OpenedStream {
  first: IteratorResult<ChatDelta[]>;
  iterator: AsyncIterator<ChatDelta[]>;
}

/** Opens the stream and waits for its first deltas, so that a failure before any byte can fail over. */
export function openStreamOnChain(context: ChainContext): Promise<ChainSuccess<OpenedStream> | ChainFailure> {
  return runChain(context, async (target, signal) => {
    const iterator = getAdapter(target.provider).stream(target, context.request, { signal })[Symbol.asyncIterator]();
    try {
      return { first: await iterator.next(), iterator };
    } catch (error) {
      await iterator.return?.().catch(() => {});
      throw error;
    }
  });
}

export function isFailure<T>(outcome: ChainSuccess<T> | ChainFailure): outcome is ChainFailure {
  return 'error' in outcome;
}

/** An adapter's own bug, not an UpstreamError: its message may still quote what the upstream sent. */
function toUpstreamError(thrown: unknown, model: ModelObject, apiKey: string | undefined): UpstreamError {
  if (isUpstreamError(thrown)) return thrown;
  const message = redactSecrets(thrown instanceof Error ? thrown.message : String(thrown), apiKey);
  return new UpstreamError({ kind: 'server', message, provider: model.spec.provider, modelId: model.metadata.id, cause: thrown });
}

function noModelError(context: ChainContext): UpstreamError {
  const skipped = context.chain.map((model) => model.metadata.id).join(', ');
  return new UpstreamError({ kind: 'overloaded', message: `no model could take the request (circuit open: ${skipped || 'none'})`, provider: 'simulated', modelId: context.chain[0]?.metadata.id ?? 'none' });
}
