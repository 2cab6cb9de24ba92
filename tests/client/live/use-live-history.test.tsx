import { render, screen, waitFor } from '@testing-library/react';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Providers } from '../../../client/src/components/Providers/Providers';
import { FLEET } from '../../../client/src/live/live-history';
import { useLiveHistory } from '../../../client/src/live/useLiveHistory';
import { startTcpProxy, type TcpProxy } from '../../support/tcp-proxy';
import { ADMIN_KEY, startGrove, type TestGrove } from '../grove-server';

/**
 * The Monitoring page's live source against real Grove processes: the server that ends the
 * subscription (it shuts down, and ends its feeds at once with "server shutting down") is followed
 * by another at the same address, and the hook subscribes again by itself, keeping what it had.
 */
describe('useLiveHistory against running Groves', () => {
  let first: TestGrove;
  let second: TestGrove;

  beforeAll(async () => {
    [first, second] = await Promise.all([startGrove(), startGrove()]);
  });
  afterAll(async () => {
    await Promise.all([first?.close(), second?.close()]);
  });

  function Probe() {
    const { history, state } = useLiveHistory();
    const requests = history.series(FLEET, 'requests').reduce((sum, [, value]) => sum + (value ?? 0), 0);
    return (
      <div>
        <span data-testid="status">{state.status}</span>
        <span data-testid="requests">{requests}</span>
      </div>
    );
  }

  const complete = (grove: TestGrove, count: number) =>
    Promise.all(Array.from({ length: count }, () => grove.admin.gateway.complete.mutate({ model: 'sim-fast', messages: [{ role: 'user', content: 'hello' }] })));

  it('subscribes again after the server ended the subscription, and keeps the seconds it had', async () => {
    const proxy: TcpProxy = await startTcpProxy(first.process.url);
    try {
      await complete(first, 2);
      window.localStorage.setItem('grove.adminKey', ADMIN_KEY);
      render(
        <Providers api={{ url: first.trpcUrl, wsUrl: `${proxy.url.replace(/^http/, 'ws').replace(/\/$/, '')}/trpc` }} storage={window.localStorage} env="test">
          <Probe />
        </Providers>,
      );
      await waitFor(() => expect(Number(screen.getByTestId('requests').textContent)).toBe(2), { timeout: 10_000 });
      expect(screen.getByTestId('status')).toHaveTextContent('live');

      // the address now leads to another server; the first one shuts down, ending its feeds
      proxy.retarget(second.process.url);
      await first.close();
      await waitFor(() => expect(screen.getByTestId('status')).toHaveTextContent('reconnecting'), { timeout: 10_000 });

      // the other server's seconds arrive on the subscription made again, after the first one's
      await complete(second, 3);
      await waitFor(() => expect(Number(screen.getByTestId('requests').textContent)).toBe(5), { timeout: 15_000 });
      expect(screen.getByTestId('status')).toHaveTextContent('live');
    } finally {
      await proxy.close();
    }
  });
});
