import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import type { AppRouter } from '../router';

/** The typed tRPC client the CLI talks to Grove with (the server is imported as a type only). */
export function createGroveClient(options: { url: string; key: string }) {
  return createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${options.url.replace(/\/+$/, '')}/trpc`, headers: { authorization: `Bearer ${options.key}` } })],
  });
}

export type GroveClient = ReturnType<typeof createGroveClient>;

export function isGroveError(error: unknown): error is TRPCClientError<AppRouter> {
  return error instanceof TRPCClientError;
}

/** One line that says what went wrong talking to the server at `url`. */
export function describeFailure(error: unknown, url: string): string {
  if (!isGroveError(error)) return `unexpected error: ${error instanceof Error ? error.message : String(error)}`;
  const data = error.data;
  if (data?.code === 'UNAUTHORIZED') return `${url} rejected the API key (401): ${error.message}`;
  if (data?.code === 'FORBIDDEN') return `${url} refused the request (403): ${error.message}`;
  if (data?.code) return `${data.code}${data.httpStatus ? ` (${data.httpStatus})` : ''}: ${error.message}`;
  // No tRPC answer: either fetch never got a response (refused, unknown host...) or the answer
  // was not tRPC's JSON, e.g. another web server on that port.
  const causes: Error[] = [];
  for (let cause: unknown = error.cause; cause instanceof Error && causes.length < 5; cause = cause.cause) causes.push(cause);
  if (causes.some((cause) => cause instanceof SyntaxError)) return `${url} did not answer like a Grove server (${error.message})`;
  return `cannot reach Grove at ${url} (${causes.at(-1)?.message ?? error.message})`;
}
