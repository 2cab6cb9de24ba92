import { createTRPCClient, createWSClient, TRPCClientError, wsLink } from '@trpc/client';
import WebSocket from 'ws';
import type { AppRouter } from '../../server/router';

/**
 * A tRPC client that sends everything — queries, mutations and subscriptions — over one ws
 * connection that authenticates once, when it opens (as the console does).
 */
export function wsClientFor(baseUrl: string, key: string) {
  const socket = createWSClient({
    url: `${baseUrl.replace(/^http/, 'ws')}/trpc`,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    connectionParams: { authorization: `Bearer ${key}` },
  });
  const client = createTRPCClient<AppRouter>({ links: [wsLink({ client: socket })] });
  return { client, close: () => socket.close() };
}

/** The tRPC error code a call failed with, or 'ok' when it did not fail. */
export async function outcomeOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'ok';
  } catch (error) {
    return codeOf(error);
  }
}

export function codeOf(error: unknown): string {
  if (error instanceof TRPCClientError) return (error as TRPCClientError<AppRouter>).data?.code ?? error.message;
  throw error;
}
