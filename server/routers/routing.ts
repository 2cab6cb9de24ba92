import { z } from 'zod';
import { decisionListInputSchema, decisionListOutputSchema, explainRequestSchema, explainResultSchema, loggedRequestWithDecisionSchema } from '../../shared/decision';
import { modelHealthSchema } from '../../shared/system';
import { listDecisions, readDecision, type DecisionCursor } from '../gateway/decision-log';
import { toTRPCError } from './gateway';
import { checkedPolicySpec } from './policy-check';
import { explainDecision } from '../routing';
import { adminProcedure, router } from '../trpc';

export const routeRouter = router({
  /** The decision for a hypothetical request, with every candidate's score or exclusion; no model is called. */
  explain: adminProcedure
    .meta({ openapi: { method: 'POST', path: '/v1/route/explain', tags: ['routing'], protect: true, summary: 'Explain the routing decision for a hypothetical request' } })
    .input(explainRequestSchema)
    .output(explainResultSchema)
    .mutation(({ ctx, input }) => {
      try {
        const headers = Object.fromEntries(Object.entries(input.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
        // checked like policies.put checks a policy, and used for this one decision only: never stored
        const policy = input.policy === undefined ? undefined : checkedPolicySpec(input.policy, ctx.services.registry.snapshot, 'policy');
        const { decision, refused } = ctx.services.gateway.explain(input, { keyId: ctx.principal.keyId, scopes: [input.scope] }, headers, { policy });
        return {
          decision: explainDecision(decision),
          // the request would not be served: the caller would hear this
          refusal: refused ? { status: refused.status, code: refused.code, message: refused.message } : null,
        };
      } catch (error) {
        throw toTRPCError(error);
      }
    }),
});

export const decisionsRouter = router({
  /** What the request log holds: a request that ended in the last moment may still be in the writer's batch. */
  list: adminProcedure
    .meta({ openapi: { method: 'GET', path: '/v1/decisions', tags: ['decisions'], protect: true, summary: 'Logged routing decisions, newest first, a page at a time' } })
    .input(decisionListInputSchema)
    .output(decisionListOutputSchema)
    .query(async ({ ctx, input }) => {
      const page = await listDecisions(ctx.services.database.db, {
        model: input.model,
        outcome: input.outcome,
        rule: input.rule,
        keyId: input.key,
        requestedModel: input.requestedModel,
        search: input.q,
        since: input.since,
        until: input.until,
        cursor: input.cursor === undefined ? undefined : parseCursor(input.cursor),
        limit: input.limit,
      });
      return { items: page.items, nextCursor: page.nextCursor && `${page.nextCursor.at}_${page.nextCursor.id}` };
    }),

  /** A decision still in the writer is waited for, up to a second; then 404 "not written yet" (see readDecision). */
  get: adminProcedure
    .meta({ openapi: { method: 'GET', path: '/v1/decisions/{id}', tags: ['decisions'], protect: true, summary: 'One logged decision with its attempts' } })
    .input(z.object({ id: z.string().min(1).max(100) }))
    .output(loggedRequestWithDecisionSchema)
    .query(({ ctx, input }) => readDecision(ctx.services.database.db, ctx.services.requestLog, input.id)),
});

/** A cursor as decisionCursorSchema checked it: the time has no "_", so the first one ends it. */
function parseCursor(cursor: string): DecisionCursor {
  const split = cursor.indexOf('_');
  return { at: cursor.slice(0, split), id: cursor.slice(split + 1) };
}

export const healthRouter = router({
  /** Circuit state, live latency and error rate per model, as routing sees them now. */
  models: adminProcedure
    .meta({ openapi: { method: 'GET', path: '/v1/health/models', tags: ['health'], protect: true, summary: 'Per-model circuit and latency' } })
    .input(z.object({}).optional())
    .output(z.object({ items: z.array(modelHealthSchema) }))
    .query(({ ctx }) => {
      const now = Date.now();
      const health = ctx.services.gateway.health.snapshot(now);
      return {
        items: ctx.services.registry.snapshot.models.map((model) => {
          const entry = health[model.metadata.id];
          return {
            modelId: model.metadata.id,
            circuit: entry?.circuit ?? 'closed',
            p50LatencyMs: entry?.p50LatencyMs ?? null,
            ttftP50Ms: entry?.ttftP50Ms ?? null,
            latencyAgeMs: entry?.latencyAt === undefined ? null : Math.max(0, now - entry.latencyAt),
            probe: entry?.probe ?? null,
            errorRate: entry?.errorRate ?? null,
          };
        }),
      };
    }),
});
