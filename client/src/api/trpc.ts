import { createTRPCClient, createWSClient, httpBatchLink, splitLink, wsLink, type TRPCLink } from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';
import type { AppRouter } from '../../../server/router';

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

export type ApiClient = ReturnType<typeof createTRPCClient<AppRouter>>;

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
  let links: TRPCLink<AppRouter>[] = [http];
  if (config.wsUrl) {
    // Lazy: the socket opens only when a page subscribes, and it authenticates when it opens.
    const wsClient = createWSClient({
      url: config.wsUrl,
      lazy: { enabled: true, closeMs: 10_000 },
      connectionParams: () => {
        const value = authorization();
        return value ? { authorization: value } : null;
      },
    });
    links = [splitLink({ condition: (op) => op.type === 'subscription', true: wsLink<AppRouter>({ client: wsClient }), false: http })];
  }
  return createTRPCClient<AppRouter>({ links });
}
