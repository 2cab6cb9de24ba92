import { z } from 'zod';
import { fleetSchema, systemInfoSchema, systemSettingsSchema } from '../../shared/system';
import { adminProcedure, router } from '../trpc';

export const systemRouter = router({
  info: adminProcedure.output(systemInfoSchema).query(({ ctx }) => ({
    version: ctx.services.version,
    driver: ctx.services.database.driver,
    registryVersion: ctx.services.registry.snapshot.version,
    models: ctx.services.registry.snapshot.models.length,
    startedAt: ctx.services.startedAt,
    // demo mode: only the demo models can serve, so they take `auto` traffic (the console's banner)
    ...ctx.services.gateway.demoStatus(),
    demoTraffic: ctx.services.demoTraffic !== undefined,
  })),

  /** What the console's Settings show: the retention Grove applies, and where it is set (the environment, read at start). */
  settings: adminProcedure.output(systemSettingsSchema).query(({ ctx }) => ({
    retention: {
      metricsDays: ctx.services.config.metricsRetentionDays,
      requestLogDays: ctx.services.config.requestLogRetentionDays,
      source: 'environment' as const,
      variables: { metricsDays: 'GROVE_METRICS_RETENTION_DAYS', requestLogDays: 'GROVE_REQUEST_LOG_RETENTION_DAYS' },
    },
  })),

  fleet: adminProcedure
    .meta({ openapi: { method: 'GET', path: '/v1/fleet', tags: ['system'], protect: true, summary: 'The Grove instances on this database (heartbeats) and the fleet size' } })
    .input(z.object({}).default({}))
    .output(fleetSchema)
    .query(({ ctx }) => ({ size: ctx.services.fleet.size(), heartbeatMs: ctx.services.config.heartbeatMs, instances: ctx.services.fleet.list() })),

  removeDemo: adminProcedure
    .meta({ openapi: { method: 'POST', path: '/v1/demo/remove', tags: ['system'], protect: true, summary: 'Delete the demo models (what `grove demo remove` calls)' } })
    .input(z.object({}).default({}))
    .output(z.object({ removed: z.array(z.string()) }))
    .mutation(async ({ ctx }) => ({ removed: await ctx.services.registry.removeDemo(ctx.principal.keyId) })),
});
