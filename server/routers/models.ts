import { z } from 'zod';
import { describedAs } from '../../shared/described-as';
import { listModelsInputSchema, modelObjectBodySchema, modelObjectUpdateBodySchema, modelRevisionSchema } from '../../shared/api';
import { LIFECYCLES, modelObjectSchema, objectId } from '../../shared/objects';
import { adminProcedure, router } from '../trpc';
import { listModels } from '../registry/list-models';
import { connectionTestInputSchema, connectionTestResultSchema } from '../../shared/connection-test';
import { testConnection } from '../models/test-connection';

const idInput = z.object({ id: objectId });
const modelOutput = modelObjectSchema;

export const modelsRouter = router({
  list: adminProcedure
    .meta({ openapi: { method: 'GET', path: '/v1/models', tags: ['models'], protect: true, summary: 'List models' } })
    .input(listModelsInputSchema)
    .output(z.object({ items: z.array(modelOutput) }))
    .query(({ ctx, input }) => ({ items: listModels(ctx.services.registry.snapshot.models, input) })),

  get: adminProcedure
    .meta({ openapi: { method: 'GET', path: '/v1/models/{id}', tags: ['models'], protect: true, summary: 'Get a model' } })
    .input(idInput)
    .output(modelOutput)
    .query(({ ctx, input }) => ctx.services.registry.get('Model', input.id)),

  create: adminProcedure
    .meta({ openapi: { method: 'POST', path: '/v1/models', tags: ['models'], protect: true, summary: 'Register a model' } })
    // the registry lists every problem of the object (server/registry/kinds.ts)
    .input(z.object({ object: describedAs(modelObjectBodySchema) }))
    .output(modelOutput)
    .mutation(({ ctx, input }) => ctx.services.registry.create(ctx.principal.keyId, withKind(input.object), 'Model')),

  update: adminProcedure
    .meta({ openapi: { method: 'PATCH', path: '/v1/models/{id}', tags: ['models'], protect: true, summary: 'Update a model (names the revision it is based on)' } })
    .input(z.object({ id: objectId, revision: z.number().int().positive(), object: describedAs(modelObjectUpdateBodySchema) }))
    .output(modelOutput)
    .mutation(({ ctx, input }) => ctx.services.registry.update(ctx.principal.keyId, 'Model', input.id, input.revision, withKind(input.object, input.id))),

  delete: adminProcedure
    .meta({ openapi: { method: 'DELETE', path: '/v1/models/{id}', tags: ['models'], protect: true, summary: 'Delete a draft or retired model' } })
    .input(z.object({ id: objectId, revision: z.coerce.number().int().positive().optional() }))
    .output(z.object({ deleted: z.boolean() }))
    .mutation(async ({ ctx, input }) => {
      await ctx.services.registry.remove(ctx.principal.keyId, 'Model', input.id, input.revision);
      return { deleted: true };
    }),

  history: adminProcedure
    .input(idInput)
    .output(z.object({ items: z.array(modelRevisionSchema) }))
    .query(async ({ ctx, input }) => ({ items: await ctx.services.registry.history('Model', input.id) })),

  rollback: adminProcedure
    .input(z.object({ id: objectId, toRevision: z.number().int().positive(), revision: z.number().int().positive() }))
    .output(modelOutput)
    .mutation(({ ctx, input }) => ctx.services.registry.rollback(ctx.principal.keyId, 'Model', input.id, input.toRevision, input.revision)),

  /**
   * Calls a model that is not registered yet (the wizard's first step) once, through its real
   * adapter: the request sent (key redacted), the answer or the kind of failure with a hint.
   */
  testConnection: adminProcedure
    .input(connectionTestInputSchema)
    .output(connectionTestResultSchema)
    .mutation(({ ctx, input }) => testConnection(input, ctx.services.config.env)),

  /** draft → active → deprecated → retired, and back where it makes sense (see registry/lifecycle.ts). */
  transition: adminProcedure
    .input(z.object({ id: objectId, to: z.enum(LIFECYCLES), replacement: objectId.nullish(), revision: z.number().int().positive().optional() }))
    .output(modelOutput)
    .mutation(({ ctx, input }) => ctx.services.registry.transition(ctx.principal.keyId, input.id, input.to, { replacement: input.replacement, revision: input.revision })),
});

/** The REST and tRPC bodies may leave out the envelope fields that the route already implies. */
function withKind(object: unknown, id?: string): unknown {
  if (!object || typeof object !== 'object' || Array.isArray(object)) return object;
  const value = object as Record<string, unknown>;
  const metadata = value.metadata && typeof value.metadata === 'object' ? value.metadata : id ? { id } : value.metadata;
  return { apiVersion: 'grove/v1', kind: 'Model', ...value, metadata };
}
