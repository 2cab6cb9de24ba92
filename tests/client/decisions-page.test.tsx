import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, useLocation } from 'react-router';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppRoutes } from '../../client/src/components/AppRoutes/AppRoutes';
import { Providers } from '../../client/src/components/Providers/Providers';
import { formatZonedInput } from '../../client/src/decisions/zoned-time';
import { ADMIN_KEY, startGrove, type TestGrove } from './grove-server';

let grove: TestGrove;
const ruled: string[] = [];
let refused = '';
const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

beforeAll(async () => {
  grove = await startGrove();
  await grove.admin.policies.put.mutate({ id: 'default', spec: { rules: [{ name: 'summaries', priority: 10, when: { taskType: 'summary' }, route: { strategy: 'pinned', models: ['sim-fast'] } }], default: { strategy: 'capability' } } });
  // 52 plain requests: more than a page (50)
  for (let batch = 0; batch < 52; batch += 13) {
    await Promise.all(Array.from({ length: 13 }, () => grove.admin.gateway.complete.mutate({ model: 'sim-fast', messages: [{ role: 'user', content: 'hello' }] })));
  }
  for (let index = 0; index < 2; index++) {
    const answer = await grove.admin.gateway.complete.mutate({ model: 'auto', messages: [{ role: 'user', content: 'sum up' }], grove: { taskType: 'summary' } });
    ruled.push(answer.grove.decisionId);
  }
  // claude-sonnet has no key configured: refused, and logged as the client's error
  await grove.admin.gateway.complete.mutate({ model: 'claude-sonnet', messages: [{ role: 'user', content: 'hello' }] }).catch(() => undefined);
  const { items } = await waitForDecisions({ outcome: 'client_error' }, 1);
  refused = items[0]!.id;
  await waitForDecisions({}, 55);
});
afterAll(async () => {
  await grove?.close();
});

/** The request log writes in batches: wait until it holds what the test sent. */
async function waitForDecisions(input: { outcome?: 'client_error' }, count: number) {
  for (let tries = 0; tries < 50; tries++) {
    const page = await grove.admin.decisions.list.query({ ...input, limit: 100 });
    if (page.items.length >= count) return page;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the request log did not reach ${count} decisions`);
}

function LocationProbe() {
  const location = useLocation();
  return <output data-testid="location">{location.pathname + location.search}</output>;
}

/** The console as renderApp mounts it, with the router's location printed for the URL round trip. */
function renderDecisions(path: string) {
  window.localStorage.setItem('grove.adminKey', ADMIN_KEY);
  return render(
    <Providers api={{ url: grove.trpcUrl }} storage={window.localStorage} env="test">
      <MemoryRouter initialEntries={[path]}>
        <AppRoutes />
        <LocationProbe />
      </MemoryRouter>
    </Providers>,
  );
}

const location = () => new URL(screen.getByTestId('location').textContent!, 'http://console');
const rows = async (count?: number) => {
  const table = await screen.findByRole('table', { name: 'Decisions' });
  if (count !== undefined) await waitFor(() => expect(within(table).getAllByRole('row').slice(1)).toHaveLength(count));
  return within(table).getAllByRole('row').slice(1);
};

describe('Decisions page', () => {
  it('lists the newest page with every column, and loads older ones', async () => {
    const user = userEvent.setup();
    renderDecisions('/decisions');
    // the page's code loads when opened: the first time, transforming it takes jsdom a few seconds
    await screen.findByRole('heading', { name: 'Decisions' }, { timeout: 15_000 });
    expect(screen.getByRole('link', { name: 'Decisions' })).toHaveAttribute('aria-current', 'page');
    const table = await screen.findByRole('table', { name: 'Decisions' });
    expect(within(table).getAllByRole('columnheader').map((cell) => cell.textContent)).toEqual([`Time (${timeZone})`, 'Key', 'Asked for', 'Rule', 'Served by', 'Attempts', 'Outcome', 'Latency (ms)', 'Cost (USD)', 'Details']);
    await rows(50);
    expect(screen.getByTestId('decisions-scope')).toHaveTextContent(`any time · times in ${timeZone} · costs in USD, estimated from list prices · newest first · 50 decisions shown, more older`);
    // the newest first: the refusal was sent last
    const newest = within(table).getAllByRole('row')[1]!;
    expect(within(newest).getAllByRole('cell').slice(2, 7).map((cell) => cell.textContent)).toEqual(['claude-sonnet', 'default route', 'none', '0 · no model called', 'client_error']);
    const plain = within(table).getAllByRole('row')[4]!;
    expect(plain.textContent).toMatch(/sim-fastdefault routesim-fast1 · sim-fast okok\d+\$[\d.e-]+ \(est\.\)Open$/);

    await user.click(screen.getByRole('button', { name: 'Load older' }));
    await rows(55);
    expect(screen.queryByRole('button', { name: 'Load older' })).not.toBeInTheDocument();
    const ids = (await rows()).map((row) => within(row).getByRole('button').getAttribute('aria-label'));
    expect(new Set(ids).size).toBe(55);
  });

  it('filters by outcome, model and rule, each kept in the URL; a link opens the page filtered', async () => {
    const user = userEvent.setup();
    renderDecisions('/decisions');
    await rows(50);
    await user.click(screen.getByRole('combobox', { name: 'Outcome' }));
    await user.click(await screen.findByRole('option', { name: 'client_error' }));
    expect((await rows(1))[0]!.textContent).toContain('claude-sonnet');
    expect(location().search).toBe('?outcome=client_error');

    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    await rows(50);
    await user.click(screen.getByRole('combobox', { name: 'Rule' }));
    await user.click(await screen.findByRole('option', { name: 'summaries' }));
    const byRule = await rows(2);
    expect(byRule.every((row) => row.textContent!.includes('rule summaries'))).toBe(true);
    expect(location().search).toBe('?rule=summaries');
    expect(screen.getByTestId('decisions-scope')).toHaveTextContent('2 decisions shown ·');

    expect(screen.getByRole('combobox', { name: 'Model' })).toHaveAccessibleDescription('served or attempted');
    await user.click(screen.getByRole('combobox', { name: 'Model' }));
    await user.click(await screen.findByRole('option', { name: 'gemini-flash' }));
    await screen.findByText('No decisions match these filters in this range.');
    expect(location().search).toBe('?model=gemini-flash&rule=summaries');
  });

  it('opens pre-filtered from a link in the documented format', async () => {
    renderDecisions('/decisions?model=sim-fast&rule=summaries&outcome=ok');
    await rows(2);
    expect(screen.getByRole('combobox', { name: 'Model' })).toHaveValue('sim-fast');
    expect(screen.getByRole('combobox', { name: 'Rule' })).toHaveValue('summaries');
    expect(screen.getByRole('combobox', { name: 'Outcome' })).toHaveValue('ok');
  });

  it('says what part of a link it could not read', async () => {
    renderDecisions('/decisions?from=yesterday&outcome=fine');
    await rows(50);
    expect(screen.getByText(/from="yesterday" is not a time; outcome="fine" is not an outcome|outcome="fine" is not an outcome; from="yesterday" is not a time/)).toBeInTheDocument();
  });

  it('searches by decision id prefix and by rule name', async () => {
    const user = userEvent.setup();
    renderDecisions('/decisions');
    await rows(50);
    // pasted: typed a key at a time, each keystroke re-renders a page of 50 rows in jsdom
    await user.click(screen.getByRole('textbox', { name: 'Search' }));
    await user.paste(ruled[0]!.slice(0, -2));
    await waitFor(async () => expect((await rows()).length).toBeLessThanOrEqual(2));
    expect((await rows()).map((row) => within(row).getByRole('button').getAttribute('aria-label'))).toContain(`Open decision ${ruled[0]}`);
    expect(location().searchParams.get('q')).toBe(ruled[0]!.slice(0, -2));
    await user.clear(screen.getByRole('textbox', { name: 'Search' }));
    await user.paste('summar');
    await rows(2);
  });

  it('filters by a time range typed in the reporting zone; an empty range says so', async () => {
    const user = userEvent.setup();
    renderDecisions('/decisions');
    await rows(50);
    const from = screen.getByRole('textbox', { name: `From (${timeZone})` });
    await user.type(from, 'soon{Enter}');
    expect(await screen.findByText('Write it as YYYY-MM-DD HH:mm')).toBeInTheDocument();
    expect(location().search).toBe('');

    await user.clear(from);
    const future = Date.now() + 86_400_000;
    await user.type(from, `${formatZonedInput(future, timeZone)}{Enter}`);
    await screen.findByText('No decisions match these filters in this range.');
    const sent = Date.parse(location().searchParams.get('from')!);
    expect(Math.abs(sent - future)).toBeLessThan(60_000);

    await user.click(screen.getByRole('button', { name: 'Last 1 h' }));
    await rows(50);
    expect(Date.now() - Date.parse(location().searchParams.get('from')!)).toBeLessThan(3_700_000);
    expect(screen.getByTestId('decisions-scope')).toHaveTextContent(/^since \d+ \w+, \d\d:\d\d:\d\d ·/);
  });

  it('opens a decision over the list, by a row or by its link, and closes back to the list', async () => {
    const user = userEvent.setup();
    renderDecisions('/decisions?outcome=client_error');
    await rows(1);
    await user.click(screen.getByRole('button', { name: `Open decision ${refused}` }));
    const dialog = await screen.findByRole('dialog', { name: 'Routing decision' });
    await within(dialog).findByRole('table', { name: 'Candidates' });
    expect(within(dialog).getByText(refused)).toBeInTheDocument();
    expect(within(dialog).getByText('No model was called.')).toBeInTheDocument();
    expect(location().search).toBe(`?outcome=client_error&id=${refused}`);
    await user.click(within(dialog).getByRole('button', { name: 'Close' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(location().search).toBe('?outcome=client_error');
  });

  it('opens a decision from /decisions?id=, with its rule and cost', async () => {
    renderDecisions(`/decisions?id=${ruled[1]}`);
    const dialog = await screen.findByRole('dialog', { name: 'Routing decision' });
    await within(dialog).findByRole('table', { name: 'Candidates' });
    expect(within(dialog).getByText(/Rule: summaries \(priority 10\)/)).toBeInTheDocument();
    expect(within(dialog).getByText(/\(est\.\)/)).toBeInTheDocument();
  });
});
