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

function modelRows(): HTMLElement[] {
  const table = screen.getByRole('table', { name: 'Models' });
  return within(table).getAllByRole('row').slice(1);
}

function rowOf(id: string): HTMLElement {
  const row = modelRows().find((candidate) => candidate.getAttribute('data-model-id') === id);
  if (!row) throw new Error(`no row for ${id}`);
  return row;
}

async function openModels() {
  renderApp({ trpcUrl: grove.trpcUrl, savedKey: ADMIN_KEY, path: '/models' });
  await screen.findByRole('table', { name: 'Models' });
}

/** Lifecycle buttons stay disabled until the page has refetched after the previous change. */
async function clickWhenEnabled(user: ReturnType<typeof userEvent.setup>, name: string) {
  await waitFor(() => expect(screen.getByRole('button', { name })).toBeEnabled());
  await user.click(screen.getByRole('button', { name }));
}

function openModel(id: string) {
  renderApp({ trpcUrl: grove.trpcUrl, savedKey: ADMIN_KEY, path: `/models/${id}` });
}

describe('Models page', () => {
  it('lists every model with provider, lifecycle, scores and price', async () => {
    await openModels();
    expect(modelRows().map((row) => row.getAttribute('data-model-id'))).toEqual(['claude-sonnet', 'gemini-flash', 'sim-draft', 'sim-fast']);

    const sonnet = rowOf('claude-sonnet');
    expect(within(sonnet).getByRole('link', { name: 'Claude Sonnet 4.5' })).toHaveAttribute('href', '/models/claude-sonnet');
    expect(within(sonnet).getByText('Anthropic')).toBeInTheDocument();
    expect(within(sonnet).getByText('Active')).toBeInTheDocument();
    expect(within(sonnet).getByRole('group', { name: 'reasoning 92 of 100' })).toBeInTheDocument();
    expect(within(sonnet).getByLabelText('$3.00 input, $15.00 output per million tokens')).toBeInTheDocument();

    expect(within(rowOf('sim-fast')).getByText('simulated')).toBeInTheDocument();
    expect(within(rowOf('sim-draft')).getByText('Draft')).toBeInTheDocument();
    expect(within(rowOf('gemini-flash')).getByLabelText('$0.30 input, $2.50 output per million tokens')).toHaveTextContent('$0.30 in$2.50 out');
  });

  it('filters by provider, lifecycle, text and minimum score', async () => {
    const user = userEvent.setup();
    await openModels();

    await user.click(screen.getByRole('combobox', { name: 'Provider' }));
    await user.click(await screen.findByRole('option', { name: 'Simulated' }));
    await waitFor(() => expect(modelRows().map((row) => row.getAttribute('data-model-id'))).toEqual(['sim-draft', 'sim-fast']));

    await user.click(screen.getByRole('combobox', { name: 'Lifecycle' }));
    await user.click(await screen.findByRole('option', { name: 'Draft' }));
    await waitFor(() => expect(modelRows().map((row) => row.getAttribute('data-model-id'))).toEqual(['sim-draft']));

    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    await user.type(screen.getByLabelText('Search'), 'sonnet');
    await waitFor(() => expect(modelRows().map((row) => row.getAttribute('data-model-id'))).toEqual(['claude-sonnet']));
    await user.clear(screen.getByLabelText('Search'));

    await user.click(screen.getByRole('combobox', { name: 'Capability' }));
    await user.click(await screen.findByRole('option', { name: 'Context' }));
    const minimum = screen.getByLabelText('Minimum score');
    await user.clear(minimum);
    await user.type(minimum, '90');
    await waitFor(() => expect(modelRows().map((row) => row.getAttribute('data-model-id'))).toEqual(['gemini-flash']));
  });

  it('shows a model with its spec, source and revision history', async () => {
    const user = userEvent.setup();
    await openModels();
    await user.click(within(rowOf('claude-sonnet')).getByRole('link', { name: 'Claude Sonnet 4.5' }));

    expect(await screen.findByRole('heading', { name: 'Claude Sonnet 4.5' })).toBeInTheDocument();
    const spec = screen.getByRole('table', { name: 'Specification' });
    expect(within(spec).getByText('claude-sonnet-4-5')).toBeInTheDocument();
    expect(within(spec).getByText('ANTHROPIC_API_KEY')).toBeInTheDocument();
    expect(within(spec).getByText('200,000 tokens')).toBeInTheDocument();

    await user.click(screen.getByRole('tab', { name: 'YAML / JSON' }));
    expect(screen.getByTestId('spec-source')).toHaveTextContent('model: claude-sonnet-4-5');
    await user.click(screen.getByRole('radio', { name: 'JSON' }));
    expect(screen.getByTestId('spec-source')).toHaveTextContent('"model": "claude-sonnet-4-5"');

    await user.click(screen.getByRole('tab', { name: 'History' }));
    const history = await screen.findByRole('table', { name: 'Revision history' });
    const [, first] = within(history).getAllByRole('row');
    expect(first).toHaveTextContent('1');
    expect(first).toHaveTextContent(/create/i);
  });

  it('deprecates, reactivates and retires a model, and the table follows', async () => {
    const user = userEvent.setup();
    openModel('gemini-flash');
    await screen.findByRole('heading', { name: 'Gemini 2.5 Flash' });

    await clickWhenEnabled(user, 'Deprecate');
    expect(await screen.findByText('This model is only used as a fallback. Move traffic to another model, then retire it.')).toBeInTheDocument();
    expect(await screen.findByText('gemini-flash is now deprecated.')).toBeInTheDocument();

    await clickWhenEnabled(user, 'Reactivate');
    await clickWhenEnabled(user, 'Deprecate');
    await clickWhenEnabled(user, 'Retire');

    const dialog = await screen.findByRole('dialog', { name: /Retire Gemini 2.5 Flash/ });
    expect(within(dialog).getByRole('button', { name: 'Retire model' })).toBeDisabled();
    await user.click(within(dialog).getByRole('combobox', { name: 'Replacement model' }));
    await user.click(await screen.findByRole('option', { name: /claude-sonnet/ }));
    await user.click(within(dialog).getByRole('button', { name: 'Retire model' }));

    await screen.findByRole('button', { name: 'Un-retire' });
    expect(screen.getByText(/This model gets no traffic/)).toHaveTextContent('requests that name it go to claude-sonnet.');
    const stored = await grove.admin.models.get.query({ id: 'gemini-flash' });
    expect(stored.spec).toMatchObject({ lifecycle: 'retired', replacement: 'claude-sonnet' });

    await user.click(within(screen.getByRole('navigation', { name: 'Main' })).getByRole('link', { name: 'Models' }));
    await screen.findByRole('table', { name: 'Models' });
    await waitFor(() => expect(within(rowOf('gemini-flash')).getByText('Retired')).toBeInTheDocument());

    await user.click(within(rowOf('gemini-flash')).getByRole('link'));
    await user.click(await screen.findByRole('tab', { name: 'History' }));
    const history = await screen.findByRole('table', { name: 'Revision history' });
    expect(within(history).getAllByRole('row')).toHaveLength(1 + 5);
  });

  it('shows the server refusing a change made on a stale page', async () => {
    const user = userEvent.setup();
    openModel('sim-draft');
    await screen.findByRole('heading', { name: 'Simulated draft' });

    // someone else activates it meanwhile: the page still offers Activate on the old revision
    const current = await grove.admin.models.get.query({ id: 'sim-draft' });
    await grove.admin.models.transition.mutate({ id: 'sim-draft', to: 'active', revision: current.status.revision as number });

    await clickWhenEnabled(user, 'Activate');
    expect(await screen.findByText('The change was refused')).toBeInTheDocument();
    // the refresh after the refusal shows the real state
    expect(await screen.findByRole('button', { name: 'Deprecate' })).toBeInTheDocument();
  });
});
