import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeWebhook, type FakeWebhook } from '../fakes/fake-webhook';
import { ADMIN_KEY, startGrove, type TestGrove } from './grove-server';
import { renderApp } from './render';

let grove: TestGrove;
let hook: FakeWebhook;
beforeAll(async () => {
  [grove, hook] = await Promise.all([startGrove(), startFakeWebhook()]);
});
afterAll(async () => {
  await Promise.all([grove?.close(), hook?.close()]);
});

/** The page's code loads when opened: the first time, transforming it takes jsdom a few seconds. */
async function openAlerts() {
  renderApp({ trpcUrl: grove.trpcUrl, savedKey: ADMIN_KEY, path: '/alerts' });
  await screen.findByRole('heading', { name: 'Alerts' }, { timeout: 15_000 });
}
const ruleIds = async () => (await grove.admin.alerts.rules.query()).items.map((rule) => rule.metadata.id);

async function choose(user: ReturnType<typeof userEvent.setup>, scope: HTMLElement, label: string, option: string) {
  await user.click(within(scope).getByRole('combobox', { name: label }));
  await user.click(await screen.findByRole('option', { name: option }));
}

describe('Alerts page', () => {
  it('creates a rule through the form, after testing its webhook against a real receiver', async () => {
    const user = userEvent.setup();
    await openAlerts();
    await screen.findByText('No alert rules yet: use New rule, or grove apply -f with kind AlertRule.');
    expect(await screen.findByText('Nothing is firing.')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'New rule' }));
    const form = await screen.findByRole('form', { name: 'New alert rule' });
    await user.type(within(form).getByRole('textbox', { name: /^Id/ }), 'slow-fast');
    await choose(user, form, 'Metric', 'p95 latency (ms)');
    await choose(user, form, 'Model', 'sim-fast');
    const threshold = within(form).getByRole('textbox', { name: 'Threshold (ms)' });
    await user.clear(threshold);
    await user.type(threshold, '5000');
    await user.type(within(form).getByRole('textbox', { name: 'Webhook URL' }), hook.url);

    await user.click(within(form).getByRole('button', { name: 'Test webhook' }));
    expect(await within(form).findByText(/^The target answered HTTP 200 in \d+ ms\.$/)).toBeInTheDocument();
    expect(hook.received).toHaveLength(1);
    expect(hook.received[0]!.body).toMatchObject({ test: true, alert: 'webhook-test' });
    hook.queueAnswers(503);
    await user.click(within(form).getByRole('button', { name: 'Test webhook' }));
    expect(await within(form).findByText(/^The target answered HTTP 503 in \d+ ms/)).toBeInTheDocument();
    expect(within(form).getByText('Not delivered')).toBeInTheDocument();

    await user.click(within(form).getByRole('button', { name: 'Create rule' }));
    await waitFor(() => expect(screen.queryByRole('form')).not.toBeInTheDocument());
    const table = await screen.findByRole('table', { name: 'Alert rules' });
    const row = within(table).getAllByRole('row')[1]!;
    expect(row).toHaveTextContent('slow-fast');
    expect(row).toHaveTextContent('p95 latency of sim-fast > 5,000 ms over 60 s');
    expect(row).toHaveTextContent(hook.url);
    const stored = (await grove.admin.alerts.rules.query()).items.find((rule) => rule.metadata.id === 'slow-fast');
    expect(stored?.spec).toEqual({ metric: 'p95_latency_ms', model: 'sim-fast', comparator: '>', threshold: 5000, windowSeconds: 60, forSeconds: 0, webhook: { url: hook.url } });
  });

  it('checks the form before sending, and shows the problems the server finds next to their fields', async () => {
    const user = userEvent.setup();
    await grove.admin.alerts.put.mutate({ id: 'taken', spec: { metric: 'circuit_open', comparator: '>', threshold: 0 } });
    await openAlerts();
    await user.click(await screen.findByRole('button', { name: 'New rule' }));
    const form = await screen.findByRole('form', { name: 'New alert rule' });
    await user.type(within(form).getByRole('textbox', { name: /^Id/ }), 'Bad Id');
    const threshold = within(form).getByRole('textbox', { name: 'Threshold (fraction 0–1)' });
    await user.clear(threshold);
    await user.type(threshold, '5');
    const windowSeconds = within(form).getByRole('textbox', { name: 'Window (seconds)' });
    await user.clear(windowSeconds);
    await user.type(windowSeconds, '600');
    await user.click(within(form).getByRole('button', { name: 'Create rule' }));
    expect(within(form).getByRole('textbox', { name: /^Id/ })).toHaveAccessibleDescription(/must be 1-63 lowercase letters/);
    expect(threshold).toHaveAccessibleDescription(/error_rate is a fraction from 0 to 1/);
    expect(windowSeconds).toHaveAccessibleDescription(/must be at most 60 seconds/);

    // what only the server knows: the id is taken, and the model was deleted while the form was open
    await user.clear(within(form).getByRole('textbox', { name: /^Id/ }));
    await user.type(within(form).getByRole('textbox', { name: /^Id/ }), 'taken');
    await user.clear(threshold);
    await user.type(threshold, '0.2');
    await user.clear(windowSeconds);
    await user.type(windowSeconds, '30');
    await choose(user, form, 'Model', 'sim-draft');
    await user.click(within(form).getByRole('button', { name: 'Create rule' }));
    await waitFor(() => expect(within(form).getByRole('textbox', { name: /^Id/ })).toHaveAccessibleDescription(/An alert rule "taken" already exists/));

    await user.clear(within(form).getByRole('textbox', { name: /^Id/ }));
    await user.type(within(form).getByRole('textbox', { name: /^Id/ }), 'draft-errors');
    await grove.admin.models.delete.mutate({ id: 'sim-draft' });
    await user.click(within(form).getByRole('button', { name: 'Create rule' }));
    await waitFor(() => expect(within(form).getByRole('combobox', { name: 'Model' })).toHaveAccessibleDescription('unknown model "sim-draft"'));
    expect(await ruleIds()).not.toContain('draft-errors');
    await user.click(within(form).getByRole('button', { name: 'Cancel' }));
  });

  it('edits a rule as a new revision and deletes one after confirmation', async () => {
    const user = userEvent.setup();
    await grove.admin.alerts.put.mutate({ id: 'spend', spec: { metric: 'cost_per_hour_usd', comparator: '>=', threshold: 10 } });
    await openAlerts();
    const table = await screen.findByRole('table', { name: 'Alert rules' });
    await user.click(await within(table).findByRole('button', { name: 'Edit spend' }));
    const form = await screen.findByRole('form', { name: 'Edit alert rule spend' });
    expect(within(form).getByRole('textbox', { name: /^Id/ })).toBeDisabled();
    const threshold = within(form).getByRole('textbox', { name: 'Threshold (USD/h)' });
    expect(threshold).toHaveValue('10');
    await user.clear(threshold);
    await user.type(threshold, '25');
    await choose(user, form, 'Comparator', '>');
    await user.click(within(form).getByRole('button', { name: 'Save rule' }));
    await waitFor(() => expect(screen.queryByRole('form')).not.toBeInTheDocument());
    const stored = (await grove.admin.alerts.rules.query()).items.find((rule) => rule.metadata.id === 'spend')!;
    expect(stored).toMatchObject({ spec: { threshold: 25, comparator: '>' }, status: { revision: 2 } });
    await waitFor(() => expect(within(table).getByText('cost per hour of all models > $25/h over 60 s')).toBeInTheDocument());

    await user.click(within(table).getByRole('button', { name: 'Delete spend' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete alert rule spend?' });
    // nothing happens before the confirmation
    expect(await ruleIds()).toContain('spend');
    await user.click(within(dialog).getByRole('button', { name: 'Delete' }));
    await waitFor(async () => expect(await ruleIds()).not.toContain('spend'));
    await waitFor(() => expect(within(table).queryByText('spend')).not.toBeInTheDocument());
  });

  it('shows an alert firing, then resolved, with the value that crossed and links to its chart and decisions', async () => {
    await grove.admin.alerts.put.mutate({ id: 'any-traffic', spec: { metric: 'error_rate', model: 'sim-fast', comparator: '>=', threshold: 0, windowSeconds: 60 } });
    await grove.admin.gateway.complete.mutate({ model: 'sim-fast', messages: [{ role: 'user', content: 'hello' }] });
    await openAlerts();
    const firing = await screen.findByTestId('firing-any-traffic', {}, { timeout: 10_000 });
    expect(firing).toHaveTextContent('error rate of sim-fast >= 0% over 60 s · now 0%');
    const chart = within(firing).getByRole('link', { name: /^Chart of any-traffic fired at / });
    const chartUrl = new URL(chart.getAttribute('href')!, 'http://console');
    expect(chartUrl.pathname).toBe('/monitoring');
    expect(chartUrl.searchParams.get('model')).toBe('sim-fast');
    const firedAt = Date.parse((await grove.admin.alerts.list.query()).items.find((item) => item.alert === 'any-traffic')!.since!);
    expect(Date.parse(chartUrl.searchParams.get('from')!)).toBe(firedAt - 5 * 60_000);
    expect(Date.parse(chartUrl.searchParams.get('to')!)).toBeGreaterThan(firedAt);
    const decisions = new URL(within(firing).getByRole('link', { name: /^Decisions of any-traffic/ }).getAttribute('href')!, 'http://console');
    expect(decisions.pathname).toBe('/decisions');
    expect(decisions.searchParams.get('model')).toBe('sim-fast');
    expect(decisions.searchParams.get('from')).toBe(chartUrl.searchParams.get('from'));

    const recent = await screen.findByRole('table', { name: 'Recent alerts' });
    expect(within(recent).getAllByRole('row')[1]).toHaveTextContent(/any-traffic.*0%still firing/);

    // a rule deleted while firing resolves
    const rule = (await grove.admin.alerts.rules.query()).items.find((item) => item.metadata.id === 'any-traffic')!;
    await grove.admin.alerts.delete.mutate({ id: 'any-traffic', revision: rule.status.revision });
    await waitFor(() => expect(screen.queryByTestId('firing-any-traffic')).not.toBeInTheDocument(), { timeout: 10_000 });
    await waitFor(() => expect(within(screen.getByRole('table', { name: 'Recent alerts' })).getAllByRole('row')[1]).not.toHaveTextContent('still firing'), { timeout: 10_000 });
  });
});
