import { createTRPCClient, createWSClient, httpLink, splitLink, wsLink } from '@trpc/client';
import WebSocket from 'ws';
import type { AppRouter } from './router';

export type { AppRouter } from './router';
export type { GatewayStreamEvent } from './routers/gateway';

export interface GroveClientOptions {
  /** the Grove server, e.g. http://127.0.0.1:8080 */
  url: string;
  apiKey: string;
}

/**
 * The typed client for internal TypeScript services: queries and mutations over HTTP, subscriptions
 * (gateway.stream, live metrics) over one lazily opened WebSocket that authenticates when it opens.
 *
 *   const grove = createGroveClient({ url, apiKey });
 *   const { completion, grove: meta } = await grove.gateway.complete.mutate({ model: 'auto', messages });
 */
export function createGroveClient(options: GroveClientOptions) {
  const base = options.url.replace(/\/+$/, '');
  const authorization = `Bearer ${options.apiKey}`;
  const wsClient = createWSClient({
    url: `${base.replace(/^http/, 'ws')}/trpc`,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    connectionParams: { authorization },
    lazy: { enabled: true, closeMs: 10_000 },
  });
  const client = createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (operation) => operation.type === 'subscription',
        true: wsLink({ client: wsClient }),
        false: httpLink({ url: `${base}/trpc`, headers: { authorization } }),
      }),
    ],
  });
  /** closes the WebSocket, if one was opened */
  const close = () => void wsClient.close();
  // The client is a proxy that turns every property into a procedure path: Object.assign would
  // store `close` where its get trap never looks, so a wrapping proxy answers `close` itself.
  return new Proxy(client, {
    get: (target, key, receiver) => (key === 'close' ? close : Reflect.get(target, key, receiver)),
  }) as typeof client & { close: () => void };
}
