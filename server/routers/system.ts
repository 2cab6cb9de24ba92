import { z } from 'zod';
import { adminProcedure, router } from '../trpc';

export const systemRouter = router({
  info: adminProcedure.query(({ ctx }) => ({
    version: ctx.services.version,
    driver: ctx.services.database.driver,
    registryVersion: ctx.services.registry.snapshot.version,
    models: ctx.services.registry.snapshot.models.length,
    startedAt: ctx.services.startedAt,
    // demo mode: only the demo models can serve, so they take `auto` traffic (the console's banner)
    ...ctx.services.gateway.demoStatus(),
  })),

  removeDemo: adminProcedure
    .meta({ openapi: { method: 'POST', path: '/v1/demo/remove', tags: ['system'], protect: true, summary: 'Delete the demo models (what `grove demo remove` calls)' } })
    .input(z.object({}).default({}))
    .output(z.object({ removed: z.array(z.string()) }))
    .mutation(async ({ ctx }) => ({ removed: await ctx.services.registry.removeDemo(ctx.principal.keyId) })),
});
