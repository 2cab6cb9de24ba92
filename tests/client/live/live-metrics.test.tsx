import { render, screen, waitFor } from '@testing-library/react';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Providers } from '../../../client/src/components/Providers/Providers';
import { LiveStore, HISTORY_SECONDS, type LiveSample } from '../../../client/src/live/live-store';
import { useLiveMetrics } from '../../../client/src/live/useLiveMetrics';
import { requestsPerSecond } from '../../../client/src/live/live-figures';
import { startTcpProxy, type TcpProxy } from '../../support/tcp-proxy';
import { ADMIN_KEY, startGrove, type TestGrove } from '../grove-server';

function sample(second: number, requests: number): LiveSample {
  const figures = { requests, errors: 0, failovers: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, latencyMs: null, ttftMs: null };
  return { from: new Date(Date.UTC(2026, 11, 6, 12, 0, second)).toISOString(), to: new Date(Date.UTC(2026, 11, 6, 12, 0, second + 1)).toISOString(), instances: 1, overall: figures, models: [] };
}

describe('LiveStore', () => {
  it('keeps one sample per second, in order, at most a minute, whatever order they come in', () => {
    const store = new LiveStore();
    expect(store.getState().status).toBe('loading');
    store.push([sample(2, 2), sample(1, 1)], 1000);
    store.push([sample(2, 2)], 2000);
    expect(store.getState().history.map((entry) => entry.overall.requests)).toEqual([1, 2]);
    store.push(Array.from({ length: 70 }, (_, index) => sample(index, index)), 3000);
    expect(store.getState().history).toHaveLength(HISTORY_SECONDS);
    expect(store.getState().history[0]!.overall.requests).toBe(10);
    expect(requestsPerSecond(store.getState().history, 10)).toBe((60 + 69) / 2);
  });

  it('a failure after data is "reconnecting" and keeps the data; the next sample is live again', () => {
    const store = new LiveStore();
    store.fail('network');
    expect(store.getState().status).toBe('loading');
    store.push([sample(1, 1)], 1000);
    store.fail('network');
    expect(store.getState()).toMatchObject({ status: 'reconnecting', error: 'network', updatedAt: 1000 });
    expect(store.getState().history).toHaveLength(1);
    store.push([sample(2, 1)], 2000);
    expect(store.getState()).toMatchObject({ status: 'live', error: null });
  });
});

describe('useLiveMetrics against a running Grove', () => {
  let grove: TestGrove;
  // the network edge: while `down`, every request fails as a dropped connection would
  let down = false;
  const flakyFetch: typeof fetch = (input, init) => (down ? Promise.reject(new TypeError('fetch failed')) : fetch(input, init));

  beforeAll(async () => {
    grove = await startGrove();
  });
  afterAll(async () => {
    await grove?.close();
  });

  function Probe() {
    const live = useLiveMetrics();
    const requests = live.history.reduce((sum, entry) => sum + (entry.models.find((model) => model.modelId === 'sim-fast')?.requests ?? 0), 0);
    return (
      <div>
        <span data-testid="status">{live.status}</span>
        <span data-testid="requests">{requests}</span>
      </div>
    );
  }

  const complete = (count: number) =>
    Promise.all(Array.from({ length: count }, () => grove.admin.gateway.complete.mutate({ model: 'sim-fast', messages: [{ role: 'user', content: 'hello' }] })));

  it('with a ws: opens with the last minute, shows "reconnecting" when the socket drops, and backfills the seconds missed', async () => {
    // the network between console and server, to be cut: everything else is the real thing
    const proxy: TcpProxy = await startTcpProxy(grove.process.url);
    try {
      const before = Number((await grove.admin.metrics.live.query({ seconds: 60 })).models.find((model) => model.modelId === 'sim-fast')?.requests ?? 0);
      await complete(2);
      window.localStorage.setItem('grove.adminKey', ADMIN_KEY);
      render(
        <Providers api={{ url: grove.trpcUrl, wsUrl: `${proxy.url.replace(/^http/, 'ws').replace(/\/$/, '')}/trpc` }} storage={window.localStorage} env="test">
          <Probe />
        </Providers>,
      );
      // the two requests made before the page opened are in its first minute
      await waitFor(() => expect(Number(screen.getByTestId('requests').textContent)).toBe(before + 2), { timeout: 5_000 });
      expect(screen.getByTestId('status')).toHaveTextContent('live');

      proxy.cut();
      await waitFor(() => expect(screen.getByTestId('status')).toHaveTextContent('reconnecting'), { timeout: 5_000 });
      // served while the console could not hear: its seconds must arrive when it reconnects
      await complete(3);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(screen.getByTestId('requests')).toHaveTextContent(String(before + 2));
      proxy.resume();
      await waitFor(() => expect(Number(screen.getByTestId('requests').textContent)).toBe(before + 5), { timeout: 10_000 });
      expect(screen.getByTestId('status')).toHaveTextContent('live');
    } finally {
      await proxy.close();
    }
  });

  it('without a ws: polls each second, shows the requests, turns to reconnecting when the network drops and recovers by itself', async () => {
    window.localStorage.setItem('grove.adminKey', ADMIN_KEY);
    render(
      <Providers api={{ url: grove.trpcUrl, fetch: flakyFetch }} storage={window.localStorage} env="test">
        <Probe />
      </Providers>,
    );
    await waitFor(() => expect(screen.getByTestId('status')).toHaveTextContent('live'));
    // polled samples start when the page opens: counted from here
    const before = Number(screen.getByTestId('requests').textContent);
    await complete(3);
    await waitFor(() => expect(Number(screen.getByTestId('requests').textContent)).toBe(before + 3), { timeout: 5_000 });

    down = true;
    await waitFor(() => expect(screen.getByTestId('status')).toHaveTextContent('reconnecting'), { timeout: 5_000 });
    // what was shown stays shown
    expect(screen.getByTestId('requests')).toHaveTextContent(String(before + 3));
    down = false;
    await waitFor(() => expect(screen.getByTestId('status')).toHaveTextContent('live'), { timeout: 5_000 });
  });
});
