import { initTRPC, TRPCError } from '@trpc/server';
import type { OpenApiMeta } from 'trpc-to-openapi';
import { GroveError, isDatabaseUnavailable } from './errors';
import { renderTRPCError, trpcErrorData } from './http/render-trpc-error';
import { mayInvoke, mayReadMetrics } from './auth/may-invoke';
import { isAsyncIterable, untilRevoked } from './auth/until-revoked';
import type { Principal, Scope } from './auth/keys';
import type { Services } from './services';

export interface Context {
  services: Services;
  principal?: Principal;
  requestId: string;
}

/** Building blocks only: routers live one per domain in server/routers. */
const t = initTRPC
  .context<Context>()
  .meta<OpenApiMeta>()
  .create({
    // tRPC's own switch would follow NODE_ENV; stacks are added below, only when the config asks
    isDev: false,
    errorFormatter({ shape, error, ctx }) {
      const { problems, retryAfterSeconds } = trpcErrorData(error);
      // Errors say what, never where: no stack, and no message of an error we did not expect
      // (it may name a file, a query or a host); the server log has them (app.ts onError).
      if (!ctx?.services.config.devErrors) {
        // an internal error's problems are the server's own (an output that failed its schema)
        if (error.code === 'INTERNAL_SERVER_ERROR') return { ...shape, message: 'internal server error', data: { ...shape.data, problems: undefined, retryAfterSeconds } };
        return { ...shape, data: { ...shape.data, problems, retryAfterSeconds } };
      }
      return { ...shape, data: { ...shape.data, problems, retryAfterSeconds, stack: error.stack } };
    },
  });

/**
 * GroveErrors become tRPC errors of their status (./http/render-trpc-error.ts); a failing database
 * a 503 whose detail only the server log has; anything else is an internal error.
 */
const translateErrors = t.middleware(async ({ ctx, path, next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof GroveError) throw renderTRPCError(result.error.cause);
  if (!result.ok && isDatabaseUnavailable(result.error.cause)) {
    ctx.services.logger.error({ err: result.error.cause, requestId: ctx.requestId, path }, 'database unavailable');
    throw new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: 'database unavailable' });
  }
  return result;
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure.use(translateErrors);

/**
 * The caller as their key is now, for every call: a ws connection authenticates once when it opens,
 * so a key revoked later (here, or on another instance) must be refused by the calls that follow,
 * and its open subscriptions end with UNAUTHORIZED as soon as the key store learns of it.
 */
const currentPrincipal = t.middleware(async ({ ctx, type, next }) => {
  const principal = ctx.principal && ctx.services.keys.current(ctx.principal.keyId);
  if (!principal) throw new TRPCError({ code: 'UNAUTHORIZED', message: ctx.principal ? 'this API key was revoked' : 'missing or invalid API key: send Authorization: Bearer <key>' });
  const result = await next({ ctx: { ...ctx, principal } });
  if (type !== 'subscription' || !result.ok || !isAsyncIterable(result.data)) return result;
  return { ...result, data: untilRevoked(result.data, ctx.services.keys.revocationSignal(principal.keyId)) };
});

function requireScope(scope?: Scope) {
  return t.middleware(({ ctx, next }) => {
    if (!ctx.principal) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'missing or invalid API key: send Authorization: Bearer <key>' });
    if (scope && !ctx.principal.scopes.includes(scope)) {
      throw new TRPCError({ code: 'FORBIDDEN', message: `this key lacks the "${scope}" scope` });
    }
    return next({ ctx: { ...ctx, principal: ctx.principal } });
  });
}

/** Any valid key. */
export const authedProcedure = publicProcedure.use(currentPrincipal).use(requireScope());
/** Keys that may call models (`invoke` or `admin`). */
export const invokeProcedure = publicProcedure.use(currentPrincipal).use(
  t.middleware(({ ctx, next }) => {
    if (!ctx.principal) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'missing or invalid API key: send Authorization: Bearer <key>' });
    if (!mayInvoke(ctx.principal)) throw new TRPCError({ code: 'FORBIDDEN', message: 'this key may not call models' });
    return next({ ctx: { ...ctx, principal: ctx.principal } });
  }),
);
/** Registry management and everything that reads it. */
export const adminProcedure = publicProcedure.use(currentPrincipal).use(requireScope('admin'));
/** Figures only: admin keys and keys with the `metrics` scope (a dashboard's, a scraper's). */
export const metricsProcedure = publicProcedure.use(currentPrincipal).use(
  t.middleware(({ ctx, next }) => {
    if (!ctx.principal) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'missing or invalid API key: send Authorization: Bearer <key>' });
    if (!mayReadMetrics(ctx.principal)) throw new TRPCError({ code: 'FORBIDDEN', message: 'this key lacks the "metrics" scope' });
    return next({ ctx: { ...ctx, principal: ctx.principal } });
  }),
);
