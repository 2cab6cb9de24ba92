import { TRPCError } from '@trpc/server';
import { ZodError } from 'zod';
import { GroveError, problemsFromZod, TRPC_CODE_BY_STATUS, type Problem } from '../errors';

/**
 * A GroveError as tRPC carries it: the tRPC code of its status (tRPC has a name for fewer
 * statuses than HTTP: the others are INTERNAL_SERVER_ERROR), with the error as its cause, where
 * the error formatter (server/trpc.ts) finds the problems and the wait (trpcErrorData).
 */
export function renderTRPCError(error: GroveError): TRPCError {
  return new TRPCError({ code: TRPC_CODE_BY_STATUS.get(error.status) ?? 'INTERNAL_SERVER_ERROR', message: error.message, cause: error });
}

/** What a tRPC error's `data` adds to tRPC's own: the problems with the input, a 429's wait in seconds. */
export interface TRPCErrorData {
  problems: Problem[] | undefined;
  retryAfterSeconds: number | undefined;
}

export function trpcErrorData(error: TRPCError): TRPCErrorData {
  return { problems: problemsOf(error.cause), retryAfterSeconds: retryAfterOf(error.cause) };
}

function problemsOf(cause: unknown): Problem[] | undefined {
  if (cause instanceof ZodError) return problemsFromZod(cause.issues);
  if (cause instanceof GroveError && cause.problems.length) return cause.problems;
  return undefined;
}

/** As HTTP's retry-after header gives it on /v1. */
function retryAfterOf(cause: unknown): number | undefined {
  if (!(cause instanceof GroveError) || cause.headers['retry-after'] === undefined) return undefined;
  const seconds = Number(cause.headers['retry-after']);
  return Number.isFinite(seconds) ? seconds : undefined;
}
