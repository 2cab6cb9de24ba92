import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { MutationCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { closeApiClient, createApiClient, TRPCProvider, type ApiConfig } from '../../api/trpc';
import { errorCode } from '../../api/errors';
import { AuthProvider } from '../../auth/AuthProvider/AuthProvider';
import { createKeyStorage } from '../../auth/key-storage';
import { ReportingTimeZoneProvider } from '../../settings/ReportingTimeZone';
import { cssVariablesResolver, theme } from '../../theme';

export interface ProvidersProps {
  api: ApiConfig;
  storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
  children: ReactNode;
  /** Mantine's `test` environment turns off transitions and portals, for jsdom */
  env?: 'default' | 'test';
}

/** system.info, whose demo-mode flag the banner and Settings show: @trpc/tanstack-react-query's key prefix */
const SYSTEM_INFO_KEY = [['system', 'info']];

function makeQueryClient() {
  const queryClient: QueryClient = new QueryClient({
    // Any change an operator makes (a model registered, moved, rolled back, the demo removed) may
    // start or end demo mode: the banner follows at once instead of at its next refresh.
    mutationCache: new MutationCache({ onSuccess: () => void queryClient.invalidateQueries({ queryKey: SYSTEM_INFO_KEY }) }),
    defaultOptions: {
      queries: {
        // A tRPC error with a code is the server's answer; retrying it only delays the message.
        retry: (failureCount, error) => errorCode(error) === undefined && failureCount < 2,
        staleTime: 5_000,
      },
    },
  });
  return queryClient;
}

/** Everything a page needs around it: theme, notifications, query cache, tRPC client and the signed-in key. */
export function Providers({ api, storage, children, env = 'default' }: ProvidersProps) {
  const keys = useMemo(() => createKeyStorage(storage), [storage]);
  const [queryClient] = useState(makeQueryClient);
  const [trpcClient] = useState(() => createApiClient(api, keys.read));
  useEffect(() => () => closeApiClient(trpcClient), [trpcClient]);

  return (
    <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver} defaultColorScheme="auto" env={env}>
      {/* bottom right: at the top, a toast covered the header's sign-out button or a page's actions */}
      <Notifications position="bottom-right" />
      <QueryClientProvider client={queryClient}>
        <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
          <AuthProvider api={api} keys={keys}>
            <ReportingTimeZoneProvider storage={storage}>{children}</ReportingTimeZoneProvider>
          </AuthProvider>
        </TRPCProvider>
      </QueryClientProvider>
    </MantineProvider>
  );
}
