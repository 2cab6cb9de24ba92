import { z } from 'zod';
import { apiKeyViewSchema, createdKeySchema, SCOPES, whoamiSchema } from '../../shared/system';
import { GroveError } from '../errors';
import { adminProcedure, authedProcedure, router } from '../trpc';

export const authRouter = router({
  whoami: authedProcedure.output(whoamiSchema).query(({ ctx }) => ({ keyId: ctx.principal.keyId, name: ctx.principal.name, scopes: ctx.principal.scopes })),
});

export const keysRouter = router({
  /**
   * `lastUsedAt`: the key's last authenticated request on any instance of the fleet, kept across
   * restarts; another instance's use shows within a few seconds (server/auth/key-usage.ts).
   */
  list: adminProcedure
    .output(z.object({ items: z.array(apiKeyViewSchema.extend({ lastUsedAt: z.string().nullable() })) }))
    .query(async ({ ctx }) => ({ items: await ctx.services.keys.list() })),

  /** The key itself is returned once, here; only its hash is kept. */
  create: adminProcedure
    .input(z.object({ name: z.string().min(1).max(100), scopes: z.array(z.enum(SCOPES)).min(1), rateLimitPerMinute: z.number().int().positive().optional() }))
    .output(createdKeySchema)
    .mutation(async ({ ctx, input }) => {
      const created = await ctx.services.keys.create({ name: input.name, scopes: [...new Set(input.scopes)], rateLimitPerMinute: input.rateLimitPerMinute });
      await ctx.services.audit(ctx.principal.keyId, 'key:create', { id: created.view.id, scopes: created.view.scopes });
      return created;
    }),

  revoke: adminProcedure
    .input(z.object({ id: z.string() }))
    .output(z.object({ revoked: z.boolean() }))
    .mutation(async ({ ctx, input }) => {
      if (input.id === ctx.principal.keyId) throw new GroveError('BAD_REQUEST', 'a key cannot revoke itself: use another admin key');
      if (!(await ctx.services.keys.revoke(input.id))) throw new GroveError('NOT_FOUND', `no active key "${input.id}"`);
      await ctx.services.audit(ctx.principal.keyId, 'key:revoke', { id: input.id });
      return { revoked: true };
    }),
});
