import { z } from 'zod';
import { groveObjectSchema, historyEntrySchema } from '../../shared/api';
import { objectId } from '../../shared/objects';
import { DEFAULT_POLICY_SPEC, validatePolicyAgainstRegistry, type ModelReference } from '../../shared/policy';
import { GroveError, invalid, pathOf } from '../errors';
import { adminProcedure, router } from '../trpc';

/** RoutingPolicy objects; the one named `default` is in force (for the next request, no restart). */
export const policiesRouter = router({
  list: adminProcedure
    .meta({ openapi: { method: 'GET', path: '/v1/policies', tags: ['policies'], protect: true, summary: 'List routing policies' } })
    .input(z.object({}).optional())
    .output(z.object({ items: z.array(groveObjectSchema), inForce: z.string(), builtinDefault: z.unknown() }))
    .query(({ ctx }) => {
      const items = ctx.services.registry.list('RoutingPolicy');
      return { items, inForce: items.some((policy) => policy.metadata.id === 'default') ? 'default' : 'builtin', builtinDefault: DEFAULT_POLICY_SPEC };
    }),

  get: adminProcedure
    .meta({ openapi: { method: 'GET', path: '/v1/policies/{id}', tags: ['policies'], protect: true, summary: 'Get a routing policy' } })
    .input(z.object({ id: objectId }))
    .output(groveObjectSchema)
    .query(({ ctx, input }) => ctx.services.registry.get('RoutingPolicy', input.id)),

  /** Creates or replaces a policy; `revision` (when the policy exists) must be the one the caller read. */
  put: adminProcedure
    .meta({ openapi: { method: 'PUT', path: '/v1/policies/{id}', tags: ['policies'], protect: true, summary: 'Create or replace a routing policy' } })
    .input(z.object({ id: objectId, revision: z.number().int().positive().optional(), spec: z.unknown(), metadata: z.object({ title: z.string().optional(), description: z.string().optional() }).optional() }))
    .output(groveObjectSchema)
    .mutation(({ ctx, input }) => {
      // the registry stops at the schema's problems; checked here first, an invalid spec is refused
      // with its unknown models listed beside them (the policy in force stays in force)
      const { models, capabilities } = ctx.services.registry.snapshot;
      const problems = validatePolicyAgainstRegistry(input.spec, models as unknown as ModelReference[], capabilities);
      if (problems.length) throw invalid(problems.map((problem) => ({ path: `spec.${pathOf(problem.path)}`.replace('.[', '['), message: problem.message })), 'invalid RoutingPolicy');
      const object = { apiVersion: 'grove/v1', kind: 'RoutingPolicy', metadata: { id: input.id, ...input.metadata }, spec: input.spec };
      const exists = ctx.services.registry.list('RoutingPolicy').find((policy) => policy.metadata.id === input.id);
      if (!exists) return ctx.services.registry.create(ctx.principal.keyId, object);
      if (input.revision === undefined) throw new GroveError('CONFLICT', `RoutingPolicy "${input.id}" exists: name the revision you read (revision: ${String(exists.status.revision)}) to replace it`);
      return ctx.services.registry.update(ctx.principal.keyId, 'RoutingPolicy', input.id, input.revision, object);
    }),

  history: adminProcedure
    .input(z.object({ id: objectId }))
    .output(z.object({ items: z.array(historyEntrySchema) }))
    .query(async ({ ctx, input }) => ({ items: await ctx.services.registry.history('RoutingPolicy', input.id) })),
});
