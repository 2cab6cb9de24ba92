import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatValue } from '../../client/src/charts/units';
import { TIME_ZONE_STORAGE_KEY } from '../../client/src/settings/ReportingTimeZone';
import { ADMIN_KEY, startGrove, type TestGrove } from './grove-server';
import { REGISTRY_FIXTURE } from './registry-fixture';
import { renderApp } from './render';

let grove: TestGrove;
let decisionId = '';
beforeAll(async () => {
  grove = await startGrove();
  for (let index = 0; index < 3; index++) {
    const answer = await grove.admin.gateway.complete.mutate({ model: 'sim-fast', messages: [{ role: 'user', content: 'hello' }] });
    decisionId = answer.grove.decisionId;
  }
});
afterAll(async () => {
  await grove?.close();
});

const panel = (title: string) => screen.getByRole('heading', { name: title }).closest('section') as HTMLElement;

describe('Model page', () => {
  it('shows the capability profile as a chart with a table of the same scores', async () => {
    const user = userEvent.setup();
    renderApp({ trpcUrl: grove.trpcUrl, savedKey: ADMIN_KEY, path: '/models/sim-fast' });
    await screen.findByRole('heading', { name: 'Capability profile' });
    const capabilities = panel('Capability profile');
    expect(await within(capabilities).findByRole('img', { name: /reasoning 40 of 100, creativity 35 of 100/ })).toBeInTheDocument();
    await user.click(within(capabilities).getByRole('switch', { name: 'View as table' }));
    const rows = within(within(capabilities).getByRole('table')).getAllByRole('row').slice(1);
    expect(rows.map((row) => row.textContent)).toEqual(['reasoning40', 'creativity35', 'precision45', 'speed98', 'context30']);
  });

  it('charts latency, TTFT, throughput, requests and cost over a range, each with its table showing the same numbers as the API', async () => {
    const user = userEvent.setup();
    renderApp({ trpcUrl: grove.trpcUrl, savedKey: ADMIN_KEY, path: '/models/sim-fast' });
    await user.click(await screen.findByRole('tab', { name: 'Metrics' }));
    for (const title of ['Latency', 'Time to first token', 'Throughput', 'Requests and errors', 'Cost (estimated from list prices)']) await screen.findByRole('heading', { name: title });
    expect(screen.getByText(/^Times in /)).toBeInTheDocument();
    const latency = panel('Latency');
    expect(within(latency).getByText(/last hour, 1-minute buckets · /)).toBeInTheDocument();
    expect(await within(latency).findByRole('img', { name: /^Latency, last hour/ })).toBeInTheDocument();

    await user.click(within(latency).getByRole('switch', { name: 'View as table' }));
    const table = within(latency).getByRole('table');
    expect(within(table).getAllByRole('columnheader').map((cell) => cell.textContent)).toEqual([expect.stringMatching(/^Time \(/), 'p50 (ms)', 'p95 (ms)', 'p99 (ms)']);
    const series = await grove.admin.metrics.series.query({ range: '1h', timezone: Intl.DateTimeFormat().resolvedOptions().timeZone, model: 'sim-fast' });
    const busy = series.models.find((model) => model.modelId === 'sim-fast')!.points.filter((point) => point.requests > 0);
    const cells = within(table).getAllByRole('row').slice(1).map((row) => within(row).getAllByRole('cell').map((cell) => cell.textContent));
    for (const point of busy) expect(cells).toContainEqual([expect.any(String), formatValue(point.latencyMs!.p50, 'ms'), formatValue(point.latencyMs!.p95, 'ms'), formatValue(point.latencyMs!.p99, 'ms')]);

    await user.click(screen.getByRole('radio', { name: '24h' }));
    await waitFor(() => expect(within(panel('Latency')).getByText(/^last 24 hours, 15-minute buckets · /)).toBeInTheDocument());
  });

  it('lists recent decisions; one opens with its rule, candidates, attempts and cost', async () => {
    const user = userEvent.setup();
    renderApp({ trpcUrl: grove.trpcUrl, savedKey: ADMIN_KEY, path: '/models/sim-fast' });
    await user.click(await screen.findByRole('tab', { name: 'Decisions' }));
    const table = await screen.findByRole('table', { name: 'Recent decisions' });
    await waitFor(() => expect(within(table).getAllByRole('row')).toHaveLength(4));
    // the same columns as the Decisions page, so a decision reads the same wherever it is met
    expect(within(table).getAllByRole('columnheader').map((header) => header.textContent)).toEqual(
      expect.arrayContaining(['Key', 'Asked for', 'Rule', 'Served by', 'Attempts', 'Outcome', 'Latency (ms)', 'Cost (USD)']),
    );
    expect(within(within(table).getAllByRole('row')[1]!).getByText(/bootstrap admin/)).toBeInTheDocument();
    expect(screen.getByRole('link', { name: /Every decision of sim-fast/ })).toHaveAttribute('href', '/decisions?model=sim-fast');
    await user.click(within(table).getByRole('button', { name: `Open decision ${decisionId}` }));
    const dialog = await screen.findByRole('dialog', { name: 'Routing decision' });
    await within(dialog).findByRole('table', { name: 'Candidates' });
    expect(within(dialog).getByText(decisionId)).toBeInTheDocument();
    expect(within(dialog).getByText(/none matched: the default route/)).toBeInTheDocument();
    expect(within(dialog).getByText(/\(est\.\)/)).toBeInTheDocument();
    const candidates = within(within(dialog).getByRole('table', { name: 'Candidates' })).getAllByRole('row').slice(1);
    // a request that names a model considers that model and its fallbacks only (sim-fast has none)
    expect(candidates).toHaveLength(1);
    expect(candidates[0]!.textContent).toContain('sim-fast');
    expect(within(dialog).getByText('Attempts, in order')).toBeInTheDocument();
    expect(within(dialog).getByText('ok')).toBeInTheDocument();
  });

  it('gives the model\'s "updated" time and its revisions\' times in the reporting zone, not the browser\'s', async () => {
    // Kolkata is UTC+05:30 all year: a half-hour offset no browser default here has
    window.localStorage.setItem(TIME_ZONE_STORAGE_KEY, 'Asia/Kolkata');
    try {
      const user = userEvent.setup();
      const model = await grove.admin.models.get.query({ id: 'sim-fast' });
      const inKolkata = (iso: string) => new Date(Date.parse(iso) + 330 * 60_000).toISOString().slice(11, 19);
      renderApp({ trpcUrl: grove.trpcUrl, savedKey: ADMIN_KEY, path: '/models/sim-fast' });
      const updated = await screen.findByText((_, element) => element?.tagName === 'TIME' && element.getAttribute('dateTime') === model.status.updatedAt);
      expect(updated.textContent).toContain(inKolkata(model.status.updatedAt));
      expect(updated.textContent).toMatch(/GMT\+5:30|IST/);
      await user.click(screen.getByRole('tab', { name: 'History' }));
      const revisions = await screen.findByRole('table', { name: 'Revision history' });
      const times = within(revisions).getAllByText((_, element) => element?.tagName === 'TIME');
      expect(times.length).toBeGreaterThan(0);
      for (const time of times) expect(time.textContent).toContain(inKolkata(time.getAttribute('dateTime')!));
    } finally {
      window.localStorage.removeItem(TIME_ZONE_STORAGE_KEY);
    }
  });

  it('compares two revisions side by side and rolls back, after confirmation, as a new revision', async () => {
    const user = userEvent.setup();
    const draft = REGISTRY_FIXTURE.find((object) => object.metadata.id === 'sim-draft')!;
    await grove.admin.objects.applyAll.mutate({ objects: [{ ...draft, spec: { ...draft.spec, pricing: { inputPer1M: 1.5, outputPer1M: 2 } } }] });
    renderApp({ trpcUrl: grove.trpcUrl, savedKey: ADMIN_KEY, path: '/models/sim-draft' });
    await user.click(await screen.findByRole('tab', { name: 'History' }));
    const diff = await screen.findByRole('table', { name: 'Revision 1 compared with revision 2' });
    const changed = within(diff).getAllByRole('row').filter((row) => row.getAttribute('data-diff') !== 'same' && row.getAttribute('data-diff') !== null);
    expect(changed.map((row) => within(row).getAllByRole('cell').map((cell) => cell.textContent?.trim()))).toEqual([['~', 'inputPer1M: 1', 'inputPer1M: 1.5']]);

    await user.click(screen.getByRole('button', { name: 'Roll back to revision 1' }));
    const dialog = await screen.findByRole('dialog', { name: 'Roll back sim-draft to revision 1?' });
    // nothing happens before the confirmation
    expect((await grove.admin.models.get.query({ id: 'sim-draft' })).status.revision).toBe(2);
    await user.click(within(dialog).getByRole('button', { name: 'Roll back' }));
    await waitFor(async () => expect((await grove.admin.models.get.query({ id: 'sim-draft' })).status.revision).toBe(3));
    expect((await grove.admin.models.get.query({ id: 'sim-draft' })).spec.pricing).toEqual({ inputPer1M: 1, outputPer1M: 2 });
    await screen.findByText('Rolled back');
  });

  it('Try it streams a reply and shows the model, the attempts and the cost, then opens its decision', async () => {
    const user = userEvent.setup();
    renderApp({ trpcUrl: grove.trpcUrl, wsUrl: grove.trpcUrl.replace(/^http/, 'ws'), savedKey: ADMIN_KEY, path: '/models/sim-fast' });
    await user.click(await screen.findByRole('tab', { name: 'Try it' }));
    await user.click(screen.getByRole('button', { name: 'Send to sim-fast' }));
    await waitFor(() => expect(screen.getByTestId('try-it-meta')).toHaveTextContent(/^Answered by sim-fast after 1 attempt · cost \$[\d.e-]+ \(est\.\) · \d+ in, \d+ out tokens$/), { timeout: 10_000 });
    expect(screen.getByTestId('try-it-text').textContent).toMatch(/^\[simulated\]/);
    await user.click(screen.getByRole('button', { name: 'Open its decision' }));
    const dialog = await screen.findByRole('dialog', { name: 'Routing decision' });
    await within(dialog).findByRole('table', { name: 'Candidates' });
  });
});
