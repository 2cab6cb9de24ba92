import { useMemo, useState, type ReactNode } from 'react';
import { MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createApiClient, TRPCProvider, type ApiConfig } from '../../api/trpc';
import { errorCode } from '../../api/errors';
import { AuthProvider } from '../../auth/AuthProvider/AuthProvider';
import { createKeyStorage } from '../../auth/key-storage';
import { cssVariablesResolver, theme } from '../../theme';

export interface ProvidersProps {
  api: ApiConfig;
  storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
  children: ReactNode;
  /** Mantine's `test` environment turns off transitions and portals, for jsdom */
  env?: 'default' | 'test';
}

function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // A tRPC error with a code is the server's answer; retrying it only delays the message.
        retry: (failureCount, error) => errorCode(error) === undefined && failureCount < 2,
        staleTime: 5_000,
      },
    },
  });
}

/** Everything a page needs around it: theme, notifications, query cache, tRPC client and the signed-in key. */
export function Providers({ api, storage, children, env = 'default' }: ProvidersProps) {
  const keys = useMemo(() => createKeyStorage(storage), [storage]);
  const [queryClient] = useState(makeQueryClient);
  const [trpcClient] = useState(() => createApiClient(api, keys.read));

  return (
    <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver} defaultColorScheme="auto" env={env}>
      {/* bottom right: at the top, a toast covered the header's sign-out button or a page's actions */}
      <Notifications position="bottom-right" />
      <QueryClientProvider client={queryClient}>
        <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
          <AuthProvider api={api} keys={keys}>
            {children}
          </AuthProvider>
        </TRPCProvider>
      </QueryClientProvider>
    </MantineProvider>
  );
}
