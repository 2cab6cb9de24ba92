import { createTRPCClient, createWSClient, httpBatchLink, splitLink, wsLink } from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';
import type { AppRouter } from '../../../server/router';

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

export type ApiClient = ReturnType<typeof createTRPCClient<AppRouter>>;

// the clients built with a ws link, and their sockets: only they can follow a subscription
const sockets = new WeakMap<ApiClient, { close(): Promise<void> }>();

/** Whether `client` can subscribe (it was given a ws URL); without, live panels poll. */
export function canSubscribe(client: ApiClient): boolean {
  return sockets.has(client);
}

/**
 * Closes `client`'s websocket, if it has one, and stops its reconnecting: for the console going
 * away (its providers unmounted). A socket left behind reconnected on its own after the server
 * went, into a page that no longer existed. A later subscription opens it again.
 */
export function closeApiClient(client: ApiClient): void {
  void sockets
    .get(client)
    ?.close()
    .catch(() => {});
}

/** Where the console finds Grove. Tests pass their own `fetch`; the browser passes a ws URL too. */
export interface ApiConfig {
  /** absolute or same-origin URL of the tRPC endpoint, e.g. `/trpc` */
  url: string;
  /** ws(s) URL for subscriptions; without it subscriptions are unavailable */
  wsUrl?: string;
  fetch?: typeof fetch;
}

export function browserApiConfig(location: Location = window.location): ApiConfig {
  const wsProtocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return { url: '/trpc', wsUrl: `${wsProtocol}//${location.host}/trpc` };
}

/**
 * `getKey` is read on every request (not captured once) so that login and logout take effect
 * without rebuilding the client and its query cache wiring.
 */
export function createApiClient(config: ApiConfig, getKey: () => string | null): ApiClient {
  const authorization = () => {
    const key = getKey();
    return key ? `Bearer ${key}` : null;
  };
  const http = httpBatchLink<AppRouter>({
    url: config.url,
    fetch: config.fetch,
    headers: () => {
      const value = authorization();
      return value ? { authorization: value } : {};
    },
  });
  if (config.wsUrl) {
    // Lazy: the socket opens only when a page subscribes, and it authenticates when it opens.
    const wsClient = createWSClient({
      url: config.wsUrl,
      lazy: { enabled: true, closeMs: 10_000 },
      // tRPC's default backs off to 30 s; a console on a restarted server should be live again in seconds
      retryDelayMs: (attempt) => Math.min(500 * 2 ** attempt, 4_000),
      connectionParams: () => {
        const value = authorization();
        return value ? { authorization: value } : null;
      },
    });
    const client = createTRPCClient<AppRouter>({ links: [splitLink({ condition: (op) => op.type === 'subscription', true: wsLink<AppRouter>({ client: wsClient }), false: http })] });
    sockets.set(client, wsClient);
    return client;
  }
  return createTRPCClient<AppRouter>({ links: [http] });
}
