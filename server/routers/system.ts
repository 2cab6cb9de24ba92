import { adminProcedure, router } from '../trpc';

export const systemRouter = router({
  info: adminProcedure.query(({ ctx }) => ({
    version: ctx.services.version,
    driver: ctx.services.database.driver,
    registryVersion: ctx.services.registry.snapshot.version,
    models: ctx.services.registry.snapshot.models.length,
    startedAt: ctx.services.startedAt,
  })),
});
