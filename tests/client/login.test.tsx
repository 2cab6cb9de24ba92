import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, startGrove, type TestGrove } from './grove-server';
import { renderApp } from './render';

let grove: TestGrove;
beforeAll(async () => {
  grove = await startGrove();
});
afterAll(async () => {
  await grove?.close();
});

async function signIn(key: string) {
  const user = userEvent.setup();
  await user.type(await screen.findByLabelText('Admin API key'), key);
  await user.click(screen.getByRole('button', { name: 'Sign in' }));
  return user;
}

describe('login', () => {
  it('refuses a wrong key with a clear message and keeps nothing', async () => {
    renderApp({ trpcUrl: grove.trpcUrl });
    await signIn('not-a-real-key-at-all');
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('That key was not accepted');
    expect(window.localStorage.getItem('grove.adminKey')).toBeNull();
    expect(screen.queryByRole('navigation', { name: 'Main' })).not.toBeInTheDocument();
  });

  it('refuses a key without the admin scope', async () => {
    const { key } = await grove.admin.keys.create.mutate({ name: 'invoker', scopes: ['invoke'] });
    renderApp({ trpcUrl: grove.trpcUrl });
    await signIn(key);
    expect(await screen.findByRole('alert')).toHaveTextContent(/admin scope/);
    expect(window.localStorage.getItem('grove.adminKey')).toBeNull();
  });

  it('signs in with the admin key, keeps it, and signs out', async () => {
    renderApp({ trpcUrl: grove.trpcUrl });
    const user = await signIn(ADMIN_KEY);

    const nav = await screen.findByRole('navigation', { name: 'Main' });
    for (const page of ['Dashboard', 'Models', 'Routing', 'Monitoring', 'Alerts', 'Settings']) {
      expect(within(nav).getByRole('link', { name: page })).toBeInTheDocument();
    }
    expect(screen.getByTestId('signed-in-as')).toHaveTextContent('bootstrap admin');
    expect(window.localStorage.getItem('grove.adminKey')).toBe(ADMIN_KEY);

    await user.click(screen.getByRole('button', { name: 'Sign out' }));
    expect(await screen.findByLabelText('Admin API key')).toBeInTheDocument();
    expect(window.localStorage.getItem('grove.adminKey')).toBeNull();
  });

  it('goes straight in with a saved key, and back to the login when that key is revoked', async () => {
    const { key, view } = await grove.admin.keys.create.mutate({ name: 'second admin', scopes: ['admin'] });
    const first = renderApp({ trpcUrl: grove.trpcUrl, savedKey: key });
    expect(await screen.findByRole('navigation', { name: 'Main' })).toBeInTheDocument();
    first.unmount();

    await grove.admin.keys.revoke.mutate({ id: view.id });
    renderApp({ trpcUrl: grove.trpcUrl, savedKey: key });
    expect(await screen.findByText(/saved key is no longer accepted/)).toBeInTheDocument();
    expect(window.localStorage.getItem('grove.adminKey')).toBeNull();
  });

  it('opens the console with a saved key before the key has been checked, and names the key once it has', async () => {
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const requests: string[] = [];
    const holdingFetch: typeof fetch = async (input, init) => {
      requests.push(String(input));
      await held;
      return fetch(input, init);
    };
    renderApp({ trpcUrl: grove.trpcUrl, savedKey: ADMIN_KEY, path: '/settings', fetch: holdingFetch });
    expect(await screen.findByRole('navigation', { name: 'Main' })).toBeInTheDocument();
    expect(await screen.findByRole('heading', { name: 'Settings', level: 2 })).toBeInTheDocument();
    // the check went out with the page's own queries, and nothing has answered yet
    await waitFor(() => expect(requests.some((url) => url.includes('auth.whoami'))).toBe(true));
    expect(screen.queryByTestId('signed-in-as')).not.toBeInTheDocument();
    release();
    expect(await screen.findByTestId('signed-in-as')).toHaveTextContent('Signed in as');
  });

  it('opens the page the URL names, and the navigation marks it current', async () => {
    renderApp({ trpcUrl: grove.trpcUrl, savedKey: ADMIN_KEY, path: '/alerts' });
    expect(await screen.findByRole('heading', { name: 'Alerts', level: 2 }, { timeout: 15_000 })).toBeInTheDocument();
    await waitFor(() => expect(screen.getByRole('link', { name: 'Alerts' })).toHaveAttribute('aria-current', 'page'));
  });
});
