import { initTRPC, TRPCError } from '@trpc/server';
import type { OpenApiMeta } from 'trpc-to-openapi';
import { ZodError } from 'zod';
import { GroveError, problemsFromZod, type Problem } from './errors';
import { GatewayError } from './gateway/gateway-error';
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
    errorFormatter({ shape, error }) {
      const problems = problemsOf(error);
      return { ...shape, data: { ...shape.data, problems, retryAfterSeconds: retryAfterOf(error) } };
    },
  });

/** A 429's wait in seconds, as HTTP's retry-after header gives it on /v1. */
function retryAfterOf(error: TRPCError): number | undefined {
  if (!(error.cause instanceof GatewayError)) return undefined;
  const seconds = Number(error.cause.headers['retry-after']);
  return error.cause.headers['retry-after'] !== undefined && Number.isFinite(seconds) ? seconds : undefined;
}

function problemsOf(error: TRPCError): Problem[] | undefined {
  if (error.cause instanceof ZodError) return problemsFromZod(error.cause.issues);
  if (error.cause instanceof GroveError && error.cause.problems.length) return error.cause.problems;
  return undefined;
}

/** Domain errors become tRPC errors with the same code; anything else is an internal error. */
const translateErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof GroveError) {
    const cause = result.error.cause;
    const code = cause.code === 'PAYLOAD_TOO_LARGE' ? 'PAYLOAD_TOO_LARGE' : cause.code;
    throw new TRPCError({ code, message: cause.message, cause });
  }
  return result;
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure.use(translateErrors);

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
export const authedProcedure = publicProcedure.use(requireScope());
/** Keys that may call models (`invoke` or `admin`). */
export const invokeProcedure = publicProcedure.use(
  t.middleware(({ ctx, next }) => {
    if (!ctx.principal) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'missing or invalid API key: send Authorization: Bearer <key>' });
    if (!ctx.principal.scopes.includes('invoke') && !ctx.principal.scopes.includes('admin')) throw new TRPCError({ code: 'FORBIDDEN', message: 'this key may not call models' });
    return next({ ctx: { ...ctx, principal: ctx.principal } });
  }),
);
/** Registry management and everything that reads it. */
export const adminProcedure = publicProcedure.use(requireScope('admin'));
