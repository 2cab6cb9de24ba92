import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeUpstream } from '../fakes';
import { gatewayModel } from '../support/gateway';
import { ADMIN_KEY, startGrove, type TestGrove } from './grove-server';
import { renderApp } from './render';

let grove: TestGrove;
let fake: FakeUpstream;
let backup: FakeUpstream;
const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;

beforeAll(async () => {
  fake = await startFakeOpenAI();
  backup = await startFakeOpenAI();
  grove = await startGrove();
  await grove.admin.objects.applyAll.mutate({ objects: [gatewayModel('mon-backup', 'openai-compatible', backup.url), gatewayModel('mon-flaky', 'openai-compatible', fake.url, { fallbacks: ['mon-backup'] })] });
  // real traffic through a fake upstream: 600 ms answers
  fake.setBehavior({ latencyMs: 600 });
  for (let index = 0; index < 4; index++) await grove.admin.gateway.complete.mutate({ model: 'mon-flaky', messages: [{ role: 'user', content: 'hello' }] });
});
afterAll(async () => {
  await grove?.close();
  await fake?.close();
  await backup?.close();
});

const panel = (title: string) => screen.getByRole('heading', { name: title }).closest('section') as HTMLElement;
const wsUrl = () => grove.trpcUrl.replace(/^http/, 'ws');

describe('Monitoring page', () => {
  it('opens pre-set from its URL; the model selector and range picker change what every chart covers', { timeout: 60_000 }, async () => {
    const user = userEvent.setup();
    renderApp({ trpcUrl: grove.trpcUrl, wsUrl: wsUrl(), savedKey: ADMIN_KEY, path: '/monitoring?model=mon-flaky&range=15m' });
    await screen.findByRole('heading', { name: 'Monitoring', level: 2 });
    expect(screen.getByRole('combobox', { name: 'Model' })).toHaveValue('mon-flaky');
    expect(screen.getByRole('radio', { name: '15m' })).toBeChecked();
    expect(screen.getByText(`Times in ${zone}`)).toBeInTheDocument();
    await waitFor(() => expect(within(panel('Latency')).getByText(/^last 15 minutes, 1-minute buckets · /)).toBeInTheDocument());
    expect(within(panel('Latency distribution')).getByText(/· mon-flaky$/)).toBeInTheDocument();
    for (const title of ['Time to first token', 'Throughput', 'Requests and errors', 'Error rate', 'Cost (estimated from list prices)', 'Failover timeline']) expect(screen.getByRole('heading', { name: title })).toBeInTheDocument();

    await user.click(screen.getByRole('radio', { name: '24h' }));
    await waitFor(() => expect(within(panel('Latency')).getByText(/^last 24 hours, 15-minute buckets · /)).toBeInTheDocument());

    await user.click(screen.getByRole('combobox', { name: 'Model' }));
    await user.click(await screen.findByRole('option', { name: 'All models' }));
    await waitFor(() => expect(within(panel('Latency distribution')).getByText(/· all models$/)).toBeInTheDocument());

    // a custom range, typed as wall-clock times in the reporting zone
    await user.click(screen.getByRole('radio', { name: 'custom' }));
    const from = screen.getByLabelText(`From (${zone})`);
    const to = screen.getByLabelText(`To (${zone})`);
    fireEvent.change(to, { target: { value: '2020-01-01T10:00' } });
    expect(await screen.findByText('The start must be before the end')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Apply range' })).toBeDisabled();
    const start = new Date(Date.now() - 2 * 3_600_000);
    const wall = (date: Date) => `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}T${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
    fireEvent.change(from, { target: { value: wall(start) } });
    fireEvent.change(to, { target: { value: wall(new Date(start.getTime() + 3_600_000)) } });
    await user.click(screen.getByRole('button', { name: 'Apply range' }));
    await waitFor(() => expect(within(panel('Latency')).getByText(/^\d+ \w+,? \d\d:\d\d – \d+ \w+,? \d\d:\d\d, 1-minute buckets · /)).toBeInTheDocument());
    expect(screen.getByRole('radio', { name: 'custom' })).toBeChecked();
  });

  it('says what in a link it could not use, and shows the last hour', async () => {
    renderApp({ trpcUrl: grove.trpcUrl, wsUrl: wsUrl(), savedKey: ADMIN_KEY, path: '/monitoring?from=yesterday&to=2026-01-01T00:00:00Z' });
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('"from" is not an ISO 8601 time with a zone: yesterday');
    expect(screen.getByRole('radio', { name: '1h' })).toBeChecked();
  });

  it('draws the latency distribution of real traffic: every request in its band, each time linked to its decisions', async () => {
    const user = userEvent.setup();
    const from = new Date(Date.now() - 30 * 60_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    renderApp({ trpcUrl: grove.trpcUrl, wsUrl: wsUrl(), savedKey: ADMIN_KEY, path: `/monitoring?model=mon-flaky&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}` });
    await screen.findByRole('heading', { name: 'Latency distribution' });
    const heatmap = panel('Latency distribution');
    expect(await within(heatmap).findByRole('img', { name: /^Latency distribution, .*: 4 requests; most took 500 ms–1 s/ })).toBeInTheDocument();
    await user.click(within(heatmap).getByRole('switch', { name: 'View as table' }));
    const table = within(heatmap).getByRole('table');
    const columns = within(table).getAllByRole('columnheader').map((cell) => cell.textContent);
    expect(columns[0]).toBe(`Time (${zone})`);
    const band = columns.indexOf('500 ms–1 s (requests)');
    expect(band).toBeGreaterThan(0);
    const rows = within(table).getAllByRole('row').slice(1);
    const counts = rows.map((row) => Number(within(row).getAllByRole('cell')[band]!.textContent));
    expect(counts.reduce((sum, count) => sum + count, 0)).toBe(4);
    // the API's answer, cell for cell
    const answer = await grove.admin.metrics.latencyHeatmap.query({ from, to, timezone: zone, model: 'mon-flaky' });
    expect(answer.requests).toBe(4);
    const link = within(rows[0]!).getByRole('link', { name: /^Decisions from \d\d:\d\d for 1 minutes$/ });
    const href = new URL(link.getAttribute('href')!, 'http://console');
    expect(href.pathname).toBe('/decisions');
    expect(href.searchParams.get('model')).toBe('mon-flaky');
    expect(Date.parse(href.searchParams.get('to')!) - Date.parse(href.searchParams.get('from')!)).toBe(60_000);
  });

  it('shows a circuit opening on the failover timeline as it happens, after the upstream is switched to errors', async () => {
    const user = userEvent.setup();
    renderApp({ trpcUrl: grove.trpcUrl, wsUrl: wsUrl(), savedKey: ADMIN_KEY, path: '/monitoring?range=15m' });
    await screen.findByRole('heading', { name: 'Failover timeline' });
    const timeline = () => panel('Failover timeline');
    expect(await within(timeline()).findByRole('img', { name: /all \d+ models healthy throughout/ })).toBeInTheDocument();
    // the live charts follow metrics.liveFeed
    await grove.admin.gateway.complete.mutate({ model: 'mon-backup', messages: [{ role: 'user', content: 'hello' }] });
    await waitFor(() => expect(within(panel('Live latency p95 per model')).getByRole('img', { name: /mon-backup p95: latest \d/ })).toBeInTheDocument(), { timeout: 10_000 });

    fake.setBehavior({ reset: 'before-headers' });
    for (let index = 0; index < 3; index++) await grove.admin.gateway.complete.mutate({ model: 'mon-flaky', messages: [{ role: 'user', content: 'hello' }] });
    // from events.feed, not a reload: the next refetch is seconds away
    await waitFor(() => expect(within(timeline()).getByRole('img', { name: /mon-flaky: circuit open from \d\d:\d\d:\d\d/ })).toBeInTheDocument(), { timeout: 4_000 });
    await user.click(within(timeline()).getByRole('switch', { name: 'View as table' }));
    const rows = within(within(timeline()).getByRole('table')).getAllByRole('row').map((row) => row.textContent ?? '');
    expect(rows.some((row) => row.includes('mon-flaky') && row.includes('circuit open') && row.includes('3 consecutive failures'))).toBe(true);
    expect(rows.some((row) => row.includes('configuration changed') && row.includes('Model mon-flaky revision 1 (create)'))).toBe(true);
    fake.setBehavior({ latencyMs: 600 });
  });
});
