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

const card = (id: string) => screen.getByRole('article', { name: `Model ${id}` });
const figure = (label: string) => screen.getByText(label).closest('[role="listitem"]') as HTMLElement;

describe('Dashboard', () => {
  it('shows headline figures with their period, zone and currency, and a live card per model', async () => {
    for (let index = 0; index < 4; index++) await grove.admin.gateway.complete.mutate({ model: 'sim-fast', messages: [{ role: 'user', content: 'hello' }] });
    const summary = await grove.admin.metrics.summary.query({ range: '1h', timezone: Intl.DateTimeFormat().resolvedOptions().timeZone });
    renderApp({ trpcUrl: grove.trpcUrl, savedKey: ADMIN_KEY, path: '/' });

    await waitFor(() => expect(within(figure('Requests per second')).getByText(/4 requests/)).toBeInTheDocument(), { timeout: 15_000 });
    expect(within(figure('Requests per second')).getByText(/last hour · /)).toBeInTheDocument();
    expect(within(figure('Cost')).getByText(/USD, estimated from list prices/)).toBeInTheDocument();
    expect(within(figure('Error rate')).getByText('0%')).toBeInTheDocument();
    expect(within(figure('Latency p95')).getByText(`${Math.round(summary.latencyMs!.p95).toLocaleString('en-US')} ms`)).toBeInTheDocument();
    expect(within(figure('Failovers')).getByText('0')).toBeInTheDocument();

    await waitFor(() => expect(screen.getAllByRole('article')).toHaveLength(4));
    expect(within(card('sim-fast')).getByText('Healthy')).toBeInTheDocument();
    // no call in the breaker's window: not "Healthy"
    expect(within(card('claude-sonnet')).getByText('No recent calls')).toBeInTheDocument();
    expect(within(card('sim-draft')).getByText('Draft')).toBeInTheDocument();
    // the live p95 arrives within a second or two of a request
    await grove.admin.gateway.complete.mutate({ model: 'sim-fast', messages: [{ role: 'user', content: 'again' }] });
    await waitFor(() => expect(card('sim-fast').querySelector('[data-live-p95]')?.textContent).toMatch(/^\d[\d,]* ms$/), { timeout: 5_000 });
    expect(card('claude-sonnet').querySelector('[data-live-p95]')?.textContent).toBe('no data');
    expect(screen.getByTestId('updated-ago')).toHaveTextContent(/updated \d+ s ago/);
  });

  it('the range picker changes the period every figure states', async () => {
    const user = userEvent.setup();
    renderApp({ trpcUrl: grove.trpcUrl, savedKey: ADMIN_KEY, path: '/' });
    await waitFor(() => expect(within(figure('Requests per second')).getByText(/requests/)).toBeInTheDocument());
    await user.click(screen.getByRole('radio', { name: '15m' }));
    await waitFor(() => {
      for (const label of ['Requests per second', 'Latency p95', 'Error rate', 'Cost', 'Failovers']) expect(within(figure(label)).getByText(/^last 15 minutes · /)).toBeInTheDocument();
    });
  });

  it('filters the cards by lifecycle and provider', async () => {
    const user = userEvent.setup();
    renderApp({ trpcUrl: grove.trpcUrl, savedKey: ADMIN_KEY, path: '/' });
    await waitFor(() => expect(screen.getAllByRole('article')).toHaveLength(4));
    await user.click(screen.getByRole('combobox', { name: 'Lifecycle' }));
    await user.click(await screen.findByRole('option', { name: 'Draft' }));
    await waitFor(() => expect(screen.getAllByRole('article').map((element) => element.getAttribute('data-model-card'))).toEqual(['sim-draft']));
    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    await user.click(screen.getByRole('combobox', { name: 'Provider' }));
    await user.click(await screen.findByRole('option', { name: 'Anthropic' }));
    await waitFor(() => expect(screen.getAllByRole('article').map((element) => element.getAttribute('data-model-card'))).toEqual(['claude-sonnet']));
  });

  it('announces a circuit that opens in a polite live region', async () => {
    const spec = { provider: 'openai-compatible', model: 'nothing', baseUrl: 'http://127.0.0.1:1/v1', apiKey: { value: 'sk-test' }, capabilities: { reasoning: 1, creativity: 1, precision: 1, speed: 1, context: 1 }, contextWindow: 1000, maxOutputTokens: 100, pricing: { inputPer1M: 0, outputPer1M: 0 }, lifecycle: 'active' };
    await grove.admin.objects.applyAll.mutate({ objects: [{ apiVersion: 'grove/v1', kind: 'Model', metadata: { id: 'dead-end' }, spec }] });
    renderApp({ trpcUrl: grove.trpcUrl, savedKey: ADMIN_KEY, path: '/' });
    await waitFor(() => expect(screen.getByRole('article', { name: 'Model dead-end' })).toBeInTheDocument(), { timeout: 10_000 });
    // the page has seen it closed; three refused connections open it
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    for (let index = 0; index < 3; index++) await grove.admin.gateway.complete.mutate({ model: 'dead-end', messages: [{ role: 'user', content: 'hi' }] }).catch(() => {});
    await waitFor(() => expect(screen.getByTestId('announcements')).toHaveTextContent('dead-end: circuit opened: routing skips it'), { timeout: 6_000 });
    expect(screen.getByTestId('announcements')).toHaveAttribute('aria-live', 'polite');
    expect(within(card('dead-end')).getByText('Circuit open')).toBeInTheDocument();
  });

  it('the live event feed opens with what happened and adds what happens, each one click from its object', async () => {
    const user = userEvent.setup();
    renderApp({ trpcUrl: grove.trpcUrl, wsUrl: grove.trpcUrl.replace(/^http/, 'ws'), savedKey: ADMIN_KEY, path: '/' });
    const feed = await screen.findByRole('list', { name: 'Live events, newest first' }, { timeout: 10_000 });
    // the circuit that opened in the test before, from the server's buffer
    await waitFor(() => expect(within(feed).getByText(/dead-end: closed → open/)).toBeInTheDocument());
    const before = within(feed).getAllByRole('listitem').length;

    const { status } = await grove.admin.models.get.query({ id: 'sim-draft' });
    await grove.admin.models.transition.mutate({ id: 'sim-draft', to: 'active', revision: status.revision });
    try {
      await waitFor(() => expect(within(feed).getAllByRole('listitem')).toHaveLength(before + 1), { timeout: 5_000 });
      const newest = within(feed).getAllByRole('listitem')[0]!;
      expect(newest).toHaveTextContent(/sim-draft moved to active \(revision \d+, draft → active\) by /);
      expect(within(newest).getByText('Model')).toBeInTheDocument();
      await user.click(within(newest).getByRole('link', { name: 'Open sim-draft' }));
      // the model page, under the model's title
      expect(await screen.findByRole('heading', { name: (await grove.admin.models.get.query({ id: 'sim-draft' })).metadata.title, level: 2 }, { timeout: 15_000 })).toBeInTheDocument();
    } finally {
      const current = await grove.admin.models.get.query({ id: 'sim-draft' });
      await grove.admin.models.transition.mutate({ id: 'sim-draft', to: 'draft', revision: current.status.revision });
    }
  });
});
