import { z } from 'zod';
import { describedAs, returnedAs } from '../../shared/described-as';
import { anyRevisionSchema, applyResultSchema, groveObjectInputSchema, groveObjectSchema, VIEW_KINDS } from '../../shared/api';
import { capabilityObjectSchema, KINDS, objectId } from '../../shared/objects';
import { auditEntrySchema } from '../../shared/system';
import { adminProcedure, router } from '../trpc';

/** Kind-agnostic access: what `grove apply` and `grove export` use. */
export const objectsRouter = router({
  // "apply" is a reserved word in tRPC routers
  applyAll: adminProcedure
    .meta({ openapi: { method: 'POST', path: '/v1/apply', tags: ['objects'], protect: true, summary: 'Apply GroveObjects (all or nothing)' } })
    // the registry lists every problem of every object, each under its index (server/registry/registry.ts)
    .input(z.object({ objects: z.array(describedAs(groveObjectInputSchema)).min(1).max(10_000), dryRun: z.boolean().default(false) }))
    .output(z.object({ results: returnedAs(z.array(applyResultSchema)) }))
    .mutation(async ({ ctx, input }) => ({ results: await ctx.services.registry.apply(ctx.principal.keyId, input.objects, { dryRun: input.dryRun }) })),

  export: adminProcedure
    .input(z.object({ kinds: z.array(z.enum(KINDS)).optional() }).default({}))
    .output(z.object({ objects: z.array(groveObjectSchema) }))
    .query(({ ctx, input }) => {
      // VIEW_KINDS lists Capabilities first: models refer to them, so a file exported in this order applies cleanly.
      const kinds = VIEW_KINDS.filter((kind) => !input.kinds || input.kinds.includes(kind));
      return { objects: kinds.flatMap((kind) => ctx.services.registry.list(kind).sort((a, b) => (a.metadata.id < b.metadata.id ? -1 : 1))) };
    }),

  get: adminProcedure
    .input(z.object({ kind: z.enum(VIEW_KINDS), id: objectId }))
    .output(groveObjectSchema)
    .query(({ ctx, input }) => ctx.services.registry.get(input.kind, input.id)),

  history: adminProcedure
    .input(z.object({ kind: z.enum(VIEW_KINDS), id: objectId }))
    .output(z.object({ items: z.array(anyRevisionSchema) }))
    .query(async ({ ctx, input }) => ({ items: await ctx.services.registry.history(input.kind, input.id) })),

  audit: adminProcedure
    .input(z.object({ limit: z.number().int().min(1).max(1000).default(100) }).default({ limit: 100 }))
    .output(z.object({ items: z.array(auditEntrySchema) }))
    .query(async ({ ctx, input }) => ({ items: await ctx.services.listAudit(input.limit) })),
});

export const capabilitiesRouter = router({
  list: adminProcedure.output(z.object({ items: z.array(capabilityObjectSchema) })).query(({ ctx }) => ({ items: ctx.services.registry.snapshot.capabilities })),
});
