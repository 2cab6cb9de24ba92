import { z } from 'zod';
import { getDecision, listDecisions } from '../gateway/request-log';
import { GroveError } from '../errors';
import { toTRPCError } from './gateway';
import { objectId } from '../../shared/objects';
import { adminProcedure, router } from '../trpc';

const explainInput = z.object({
  model: z.string().min(1).default('auto'),
  messages: z.array(z.object({ role: z.string(), content: z.unknown() }).loose()).default([{ role: 'user', content: '' }]),
  max_tokens: z.number().int().positive().optional(),
  grove: z.unknown().optional(),
  headers: z.record(z.string(), z.string()).optional(),
  /** route as this scope would (an invoke key may not call drafts) */
  scope: z.enum(['admin', 'invoke']).default('invoke'),
});

export const routeRouter = router({
  /** The decision for a hypothetical request, with every candidate's score or exclusion; no model is called. */
  explain: adminProcedure
    .meta({ openapi: { method: 'POST', path: '/v1/route/explain', tags: ['routing'], protect: true, summary: 'Explain the routing decision for a hypothetical request' } })
    .input(explainInput)
    .output(z.object({ decision: z.unknown(), refusal: z.object({ status: z.number(), code: z.string().nullable(), message: z.string() }).nullable() }))
    .mutation(({ ctx, input }) => {
      try {
        const headers = Object.fromEntries(Object.entries(input.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
        const { decision, refused } = ctx.services.gateway.explain(input as never, { keyId: ctx.principal.keyId, scopes: [input.scope] }, headers);
        return {
          decision: JSON.parse(JSON.stringify(decision)) as unknown,
          // the request would not be served: the caller would hear this
          refusal: refused ? { status: refused.status, code: refused.code, message: refused.message } : null,
        };
      } catch (error) {
        throw toTRPCError(error);
      }
    }),
});

export const decisionsRouter = router({
  list: adminProcedure
    .meta({ openapi: { method: 'GET', path: '/v1/decisions', tags: ['decisions'], protect: true, summary: 'Logged routing decisions' } })
    .input(z.object({ model: objectId.optional(), outcome: z.enum(['ok', 'error', 'client_error', 'aborted']).optional(), since: z.string().datetime().optional(), until: z.string().datetime().optional(), limit: z.coerce.number().int().min(1).max(1000).default(100) }).default({ limit: 100 }))
    .output(z.object({ items: z.array(z.record(z.string(), z.unknown())) }))
    .query(async ({ ctx, input }) => {
      await ctx.services.requestLog.flush();
      return { items: await listDecisions(ctx.services.database.db, input) };
    }),

  get: adminProcedure
    .meta({ openapi: { method: 'GET', path: '/v1/decisions/{id}', tags: ['decisions'], protect: true, summary: 'One logged decision with its attempts' } })
    .input(z.object({ id: z.string().min(1).max(100) }))
    .output(z.record(z.string(), z.unknown()))
    .query(async ({ ctx, input }) => {
      await ctx.services.requestLog.flush();
      const decision = await getDecision(ctx.services.database.db, input.id);
      if (!decision) throw new GroveError('NOT_FOUND', `no decision "${input.id}"`);
      return decision;
    }),
});

export const healthRouter = router({
  /** Circuit state, live latency and error rate per model, as routing sees them now. */
  models: adminProcedure
    .meta({ openapi: { method: 'GET', path: '/v1/health/models', tags: ['health'], protect: true, summary: 'Per-model circuit and latency' } })
    .input(z.object({}).optional())
    .output(z.object({ items: z.array(z.object({ modelId: z.string(), circuit: z.string(), p50LatencyMs: z.number().nullable(), ttftP50Ms: z.number().nullable(), errorRate: z.number().nullable() })) }))
    .query(({ ctx }) => {
      const health = ctx.services.gateway.health.snapshot(Date.now());
      return {
        items: ctx.services.registry.snapshot.models.map((model) => {
          const entry = health[model.metadata.id];
          return { modelId: model.metadata.id, circuit: entry?.circuit ?? 'closed', p50LatencyMs: entry?.p50LatencyMs ?? null, ttftP50Ms: entry?.ttftP50Ms ?? null, errorRate: entry?.errorRate ?? null };
        }),
      };
    }),
});
