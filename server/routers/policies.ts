import { z } from 'zod';
import { describedAs } from '../../shared/described-as';
import { policyRevisionSchema } from '../../shared/api';
import { objectId } from '../../shared/objects';
import { DEFAULT_POLICY_SPEC, routingPolicyObjectSchema, routingPolicySpecSchema } from '../../shared/policy';
import { GroveError } from '../errors';
import { checkedPolicySpec } from './policy-check';
import { adminProcedure, router } from '../trpc';

/** RoutingPolicy objects; the one named `default` is in force (for the next request, no restart). */
export const policiesRouter = router({
  list: adminProcedure
    .meta({ openapi: { method: 'GET', path: '/v1/policies', tags: ['policies'], protect: true, summary: 'List routing policies' } })
    .input(z.object({}).optional())
    .output(
      z.object({
        items: z.array(routingPolicyObjectSchema),
        /** `default` when a policy of that id exists, else `builtin`: the spec in builtinDefault */
        inForce: z.enum(['default', 'builtin']),
        builtinDefault: routingPolicySpecSchema,
      }),
    )
    .query(({ ctx }) => {
      const items = ctx.services.registry.list('RoutingPolicy');
      return { items, inForce: items.some((policy) => policy.metadata.id === 'default') ? ('default' as const) : ('builtin' as const), builtinDefault: DEFAULT_POLICY_SPEC };
    }),

  get: adminProcedure
    .meta({ openapi: { method: 'GET', path: '/v1/policies/{id}', tags: ['policies'], protect: true, summary: 'Get a routing policy' } })
    .input(z.object({ id: objectId }))
    .output(routingPolicyObjectSchema)
    .query(({ ctx, input }) => ctx.services.registry.get('RoutingPolicy', input.id)),

  /** Creates or replaces a policy; `revision` (when the policy exists) must be the one the caller read. */
  put: adminProcedure
    .meta({ openapi: { method: 'PUT', path: '/v1/policies/{id}', tags: ['policies'], protect: true, summary: 'Create or replace a routing policy' } })
    .input(z.object({ id: objectId, revision: z.number().int().positive().optional(), spec: describedAs(routingPolicySpecSchema), metadata: z.object({ title: z.string().optional(), description: z.string().optional() }).optional() }))
    .output(routingPolicyObjectSchema)
    .mutation(({ ctx, input }) => {
      // the registry stops at the schema's problems; checked here first, an invalid spec is refused
      // with its unknown models listed beside them (the policy in force stays in force)
      checkedPolicySpec(input.spec, ctx.services.registry.snapshot, 'spec');
      const object = { apiVersion: 'grove/v1', kind: 'RoutingPolicy', metadata: { id: input.id, ...input.metadata }, spec: input.spec };
      const exists = ctx.services.registry.list('RoutingPolicy').find((policy) => policy.metadata.id === input.id);
      if (!exists) return ctx.services.registry.create(ctx.principal.keyId, object, 'RoutingPolicy');
      if (input.revision === undefined) throw new GroveError('CONFLICT', `RoutingPolicy "${input.id}" exists: name the revision you read (revision: ${String(exists.status.revision)}) to replace it`);
      return ctx.services.registry.update(ctx.principal.keyId, 'RoutingPolicy', input.id, input.revision, object);
    }),

  history: adminProcedure
    .input(z.object({ id: objectId }))
    .output(z.object({ items: z.array(policyRevisionSchema) }))
    .query(async ({ ctx, input }) => ({ items: await ctx.services.registry.history('RoutingPolicy', input.id) })),
});
