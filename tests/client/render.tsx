import { render as testingLibraryRender } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { AppRoutes } from '../../client/src/components/AppRoutes/AppRoutes';
import { Providers } from '../../client/src/components/Providers/Providers';

export interface RenderAppOptions {
  /** the tRPC endpoint, e.g. `http://127.0.0.1:PORT/trpc` of a Grove started by the test */
  trpcUrl: string;
  /** the URL the console opens at */
  path?: string;
  /** an admin key already saved in the browser, as after an earlier visit */
  savedKey?: string;
  /** the ws URL for subscriptions (gateway.stream); without it the console has none */
  wsUrl?: string;
  /** the console's fetch, for holding or watching its requests */
  fetch?: typeof fetch;
}

/** The whole console, with its real providers, in a memory router. */
export function renderApp({ trpcUrl, path = '/', savedKey, wsUrl, fetch }: RenderAppOptions) {
  if (savedKey) window.localStorage.setItem('grove.adminKey', savedKey);
  return testingLibraryRender(
    <Providers api={{ url: trpcUrl, wsUrl, fetch }} storage={window.localStorage} env="test">
      <MemoryRouter initialEntries={[path]}>
        <AppRoutes />
      </MemoryRouter>
    </Providers>,
  );
}
