import type { ChatDelta } from '../adapters/types';
import { isUpstreamError, type UpstreamError } from '../adapters/errors';
import { GroveError } from '../errors';
import { renderTRPCError } from '../http/render-trpc-error';
import type { GatewayCall } from '../gateway/gateway';
import { toChatCompletion } from '../openai';
import { chatCompletionRequestSchema } from '../../shared/chat';
import type { z } from 'zod';
import type { Principal } from '../auth/keys';
import type { Services } from '../services';
import { invokeProcedure, router } from '../trpc';

/** What a stream subscriber receives: who answers, the deltas, then the bill. */
export type GatewayStreamEvent =
  | { type: 'start'; id: string; model: string; attempts: number }
  | ChatDelta
  | { type: 'done'; costUsd: number; usage?: { promptTokens: number; completionTokens: number; totalTokens: number } }
  | { type: 'error'; message: string; kind: string; status: number };

/**
 * The same data plane as /v1, for internal TypeScript services: typed input, the OpenAI response
 * plus Grove's own facts (model, decision id, attempts, cost) in the result. No `.output()`: these
 * are on the request path, and their results are typed by the functions that build them, so
 * nothing is parsed twice on the way out (the management procedures' outputs are, see shared/).
 */
export const gatewayRouter = router({
  complete: invokeProcedure.input(chatCompletionRequestSchema).mutation(async ({ ctx, input, signal }) => {
    const call: GatewayCall = { body: { ...input, stream: false }, principal: ctx.principal, headers: {}, signal: signal ?? new AbortController().signal };
    try {
      const answer = await ctx.services.gateway.complete(call);
      return {
        completion: toChatCompletion(answer.result, { id: answer.id, created: answer.created, model: answer.model.metadata.id }),
        grove: { model: answer.model.metadata.id, decisionId: answer.id, attempts: answer.attempts, costUsd: answer.costUsd, rule: answer.decision.rule?.name ?? null },
      };
    } catch (error) {
      throw toTRPCError(error);
    }
  }),

  stream: invokeProcedure.input(chatCompletionRequestSchema).subscription(({ ctx, input, signal }) => {
    const controller = new AbortController();
    const stop = () => controller.abort();
    signal?.addEventListener('abort', stop, { once: true });
    // a revoked key's stream also stops upstream, not only towards the client (see untilRevoked)
    const revoked = ctx.services.keys.revocationSignal(ctx.principal.keyId);
    revoked.addEventListener('abort', stop, { once: true });
    const events = streamEvents(ctx, input, controller.signal, () => revoked.removeEventListener('abort', stop));
    // tracked: on shutdown a running stream finishes, or ends with an error the client sees (and
    // its upstream call is cut)
    return ctx.services.subscriptions.track(events, stop);
  }),
});

/** One streamed completion as subscription events; an upstream failure is an `error` event. */
async function* streamEvents(ctx: { services: Services; principal: Principal }, input: z.infer<typeof chatCompletionRequestSchema>, signal: AbortSignal, release: () => void): AsyncGenerator<GatewayStreamEvent> {
  let answer;
  try {
    answer = await ctx.services.gateway.stream({ body: { ...input, stream: true }, principal: ctx.principal, headers: {}, signal });
  } catch (error) {
    release();
    throw toTRPCError(error);
  }
  try {
    // inside the try: a subscriber gone at the first event still closes the upstream (finally)
    yield { type: 'start', id: answer.id, model: answer.model.metadata.id, attempts: answer.attempts.filter((attempt) => attempt.outcome !== 'skipped').length };
    let step = await answer.deltas.next();
    while (!step.done) {
      for (const delta of step.value) yield delta;
      step = await answer.deltas.next();
    }
    yield { type: 'done', costUsd: step.value.costUsd, usage: step.value.usage };
  } catch (error) {
    if (!isUpstreamError(error)) throw error;
    const upstream = error as UpstreamError;
    yield { type: 'error', message: upstream.message, kind: upstream.kind, status: upstream.status };
  } finally {
    release();
    await answer.deltas.return({ costUsd: 0 }).catch(() => {});
  }
}

/** A subscription's errors come after its middleware has returned: translated here, as translateErrors does (server/trpc.ts). */
export function toTRPCError(error: unknown): unknown {
  return error instanceof GroveError ? renderTRPCError(error) : error;
}
