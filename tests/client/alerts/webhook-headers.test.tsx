import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeWebhook, type FakeWebhook } from '../../fakes/fake-webhook';
import { ADMIN_KEY, startGrove, type TestGrove } from '../grove-server';
import { renderApp } from '../render';

// read by the Grove process, which inherits this environment: a header given as { env }
const TOKEN_VARIABLE = 'GROVE_TEST_HOOK_TOKEN';
const TOKEN_FROM_ENV = 'token-from-the-environment';

let grove: TestGrove;
let hook: FakeWebhook;
beforeAll(async () => {
  process.env[TOKEN_VARIABLE] = TOKEN_FROM_ENV;
  [grove, hook] = await Promise.all([startGrove(), startFakeWebhook()]);
});
afterAll(async () => {
  delete process.env[TOKEN_VARIABLE];
  await Promise.all([grove?.close(), hook?.close()]);
});
beforeEach(() => void hook.received.splice(0));

type User = ReturnType<typeof userEvent.setup>;

async function openForm(user: User, button: string, form: string) {
  renderApp({ trpcUrl: grove.trpcUrl, savedKey: ADMIN_KEY, path: '/alerts' });
  await screen.findByRole('heading', { name: 'Alerts' }, { timeout: 15_000 });
  await user.click(await screen.findByRole('button', { name: button }));
  return screen.findByRole('form', { name: form });
}
const row = (form: HTMLElement, index: number) => within(form).getByTestId(`webhook-header-${index}`);
const stored = async (id: string) => (await grove.admin.alerts.rules.query()).items.find((rule) => rule.metadata.id === id)!;
/** What the webhook sends for a stored rule, as the receiver got it. */
async function sentHeaders(id: string) {
  hook.received.splice(0);
  await grove.admin.alerts.testWebhook.mutate({ id });
  return hook.received[0]!.headers;
}

describe('webhook headers in the alert rule form', () => {
  it('adds headers as a value and as an environment variable, removes one; the test and the saved rule carry them', { timeout: 90_000 }, async () => {
    const user = userEvent.setup();
    const form = await openForm(user, 'New rule', 'New alert rule');
    await user.type(within(form).getByRole('textbox', { name: /^Id/ }), 'with-headers');
    await user.type(within(form).getByRole('textbox', { name: 'Webhook URL' }), hook.url);

    await user.click(within(form).getByRole('button', { name: 'Add header' }));
    // the new row's name takes the focus: typing goes on by keyboard
    expect(within(row(form, 1)).getByRole('textbox', { name: 'Header 1 name' })).toHaveFocus();
    await user.keyboard('Authorization');
    await user.type(within(row(form, 1)).getByLabelText('Header 1 value'), 'Bearer typed-secret');

    await user.click(within(form).getByRole('button', { name: 'Add header' }));
    await user.keyboard('X-Team-Token');
    await user.click(within(row(form, 2)).getByRole('radio', { name: 'Environment' }));
    expect(within(row(form, 2)).queryByLabelText('Header 2 value')).not.toBeInTheDocument();
    await user.type(within(row(form, 2)).getByRole('textbox', { name: 'Header 2 environment variable' }), TOKEN_VARIABLE);

    await user.click(within(form).getByRole('button', { name: 'Add header' }));
    await user.keyboard('X-Not-Sent');
    await user.type(within(row(form, 3)).getByLabelText('Header 3 value'), 'gone');
    await user.click(within(row(form, 3)).getByRole('button', { name: 'Remove header 3, X-Not-Sent' }));
    expect(within(form).queryByTestId('webhook-header-3')).not.toBeInTheDocument();
    expect(within(form).getByRole('button', { name: 'Add header' })).toHaveFocus();

    await user.click(within(form).getByRole('button', { name: 'Test webhook' }));
    expect(await within(form).findByText(/^The target answered HTTP 200 in \d+ ms\.$/)).toBeInTheDocument();
    expect(hook.received).toHaveLength(1);
    expect(hook.received[0]!.headers).toMatchObject({ authorization: 'Bearer typed-secret', 'x-team-token': TOKEN_FROM_ENV });
    expect(hook.received[0]!.headers).not.toHaveProperty('x-not-sent');

    await user.click(within(form).getByRole('button', { name: 'Create rule' }));
    await waitFor(() => expect(screen.queryByRole('form')).not.toBeInTheDocument());
    expect((await stored('with-headers')).spec.webhook).toEqual({ url: hook.url, headers: { Authorization: { set: true, last4: 'cret' }, 'X-Team-Token': { env: TOKEN_VARIABLE } } });
    expect(await sentHeaders('with-headers')).toMatchObject({ authorization: 'Bearer typed-secret', 'x-team-token': TOKEN_FROM_ENV });
  });

  it('is operated by keyboard alone: add, type, choose the source, remove', { timeout: 90_000 }, async () => {
    const user = userEvent.setup();
    const form = await openForm(user, 'New rule', 'New alert rule');
    within(form).getByRole('button', { name: 'Add header' }).focus();
    await user.keyboard('{Enter}');
    expect(within(row(form, 1)).getByRole('textbox', { name: 'Header 1 name' })).toHaveFocus();
    await user.keyboard('X-Key');
    await user.tab();
    expect(within(row(form, 1)).getByLabelText('Header 1 value')).toHaveFocus();
    await user.keyboard('typed');
    // past the show-value toggle, to the source: arrows choose within it
    for (let step = 0; step < 3 && !within(row(form, 1)).getByRole('radio', { name: 'Value' }).matches(':focus'); step++) await user.tab();
    expect(within(row(form, 1)).getByRole('radio', { name: 'Value' })).toHaveFocus();
    await user.keyboard('{ArrowRight}');
    expect(within(row(form, 1)).getByRole('radio', { name: 'Environment' })).toBeChecked();
    expect(within(row(form, 1)).getByRole('textbox', { name: 'Header 1 environment variable' })).toBeInTheDocument();
    await user.tab();
    expect(within(row(form, 1)).getByRole('button', { name: 'Remove header 1, X-Key' })).toHaveFocus();
    await user.keyboard('{Enter}');
    expect(within(form).queryByTestId('webhook-header-1')).not.toBeInTheDocument();
    expect(within(form).getByRole('button', { name: 'Add header' })).toHaveFocus();
  });

  it('keeps a stored secret while editing, replaces it only when a new value is typed', { timeout: 90_000 }, async () => {
    await grove.admin.alerts.put.mutate({
      id: 'kept-secret',
      spec: { metric: 'error_rate', comparator: '>', threshold: 0.5, webhook: { url: hook.url, headers: { Authorization: 'Bearer stored-token', 'X-Team-Token': { env: TOKEN_VARIABLE } } } },
    });
    const user = userEvent.setup();
    let form = await openForm(user, 'Edit kept-secret', 'Edit alert rule kept-secret');
    expect(within(row(form, 1)).getByRole('textbox', { name: 'Header 1 name' })).toHaveValue('Authorization');
    const value = within(row(form, 1)).getByLabelText('Header 1 value');
    // the value itself never reaches the console: the field is empty and says what is kept
    expect(value).toHaveValue('');
    expect(value).toHaveAccessibleDescription('Stored value ending in oken is kept; type a new one to replace it');
    expect(within(row(form, 2)).getByRole('textbox', { name: 'Header 2 environment variable' })).toHaveValue(TOKEN_VARIABLE);

    // the test of the rule being edited sends the stored value
    await user.click(within(form).getByRole('button', { name: 'Test webhook' }));
    await within(form).findByText(/^The target answered HTTP 200/);
    expect(hook.received[0]!.headers).toMatchObject({ authorization: 'Bearer stored-token', 'x-team-token': TOKEN_FROM_ENV });

    const threshold = within(form).getByRole('textbox', { name: 'Threshold (fraction 0–1)' });
    await user.clear(threshold);
    await user.type(threshold, '0.3');
    await user.click(within(form).getByRole('button', { name: 'Save rule' }));
    await waitFor(() => expect(screen.queryByRole('form')).not.toBeInTheDocument());
    expect(await stored('kept-secret')).toMatchObject({ spec: { threshold: 0.3, webhook: { headers: { Authorization: { set: true, last4: 'oken' }, 'X-Team-Token': { env: TOKEN_VARIABLE } } } }, status: { revision: 2 } });
    expect(await sentHeaders('kept-secret')).toMatchObject({ authorization: 'Bearer stored-token', 'x-team-token': TOKEN_FROM_ENV });

    // renamed, the stored value does not follow: the form asks for one
    await user.click(screen.getByRole('button', { name: 'Edit kept-secret' }));
    form = await screen.findByRole('form', { name: 'Edit alert rule kept-secret' });
    const name = within(row(form, 1)).getByRole('textbox', { name: 'Header 1 name' });
    await user.clear(name);
    await user.type(name, 'X-Auth');
    await user.click(within(form).getByRole('button', { name: 'Save rule' }));
    expect(within(row(form, 1)).getByLabelText('Header 1 value')).toHaveAccessibleDescription(/The stored value belongs to “Authorization”: give the value for the new name/);
    await user.clear(name);
    await user.type(name, 'Authorization');
    await user.type(within(row(form, 1)).getByLabelText('Header 1 value'), 'Bearer new-token');
    expect(within(row(form, 1)).getByLabelText('Header 1 value')).toHaveAccessibleDescription('Replaces the stored value ending in oken');
    await user.click(within(form).getByRole('button', { name: 'Save rule' }));
    await waitFor(() => expect(screen.queryByRole('form')).not.toBeInTheDocument());
    expect(await sentHeaders('kept-secret')).toMatchObject({ authorization: 'Bearer new-token' });
  });

  it('shows the form’s problems and the server’s on the row they concern', { timeout: 90_000 }, async () => {
    await grove.admin.alerts.put.mutate({ id: 'changed-behind', spec: { metric: 'error_rate', comparator: '>', threshold: 0.5, webhook: { url: hook.url, headers: { 'X-Second': 'second-value', Authorization: 'Bearer first' } } } });
    const user = userEvent.setup();
    const form = await openForm(user, 'Edit changed-behind', 'Edit alert rule changed-behind');
    await user.click(within(form).getByRole('button', { name: 'Add header' }));
    await user.keyboard('Content-Type');
    await user.click(within(form).getByRole('button', { name: 'Save rule' }));
    expect(within(row(form, 3)).getByRole('textbox', { name: 'Header 3 name' })).toHaveAccessibleDescription('is set by Grove');
    expect(within(row(form, 3)).getByLabelText('Header 3 value')).toHaveAccessibleDescription('Give a value');
    await user.click(within(row(form, 3)).getByRole('radio', { name: 'Environment' }));
    await user.type(within(row(form, 3)).getByRole('textbox', { name: 'Header 3 environment variable' }), 'not a name');
    await user.click(within(form).getByRole('button', { name: 'Test webhook' }));
    expect(within(row(form, 3)).getByRole('textbox', { name: 'Header 3 environment variable' })).toHaveAccessibleDescription('must be an environment variable name');
    expect(hook.received).toHaveLength(0);
    await user.click(within(row(form, 3)).getByRole('button', { name: 'Remove header 3, Content-Type' }));

    // someone drops a stored header (Authorization, row 1: the rows are by name) while the form is open: only the server knows, and says so on that row
    await grove.admin.alerts.put.mutate({ id: 'changed-behind', revision: 1, spec: { metric: 'error_rate', comparator: '>', threshold: 0.5, webhook: { url: hook.url, headers: { 'X-Second': 'second-value' } } } });
    await user.click(within(form).getByRole('button', { name: 'Test webhook' }));
    await waitFor(() => expect(within(row(form, 1)).getByLabelText('Header 1 value')).toHaveAccessibleDescription('AlertRule "changed-behind" stores no value for it'));
    expect(within(row(form, 2)).getByLabelText('Header 2 value')).toHaveAccessibleDescription(/is kept/);
    expect(hook.received).toHaveLength(0);
  });
});
