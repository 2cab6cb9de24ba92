import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeUpstream } from '../fakes';
import { ADMIN_KEY, startGrove, type TestGrove } from './grove-server';
import { renderApp } from './render';

const UPSTREAM_KEY = 'sk-wizard-test-0a1b2c3d4e5f6789';

let grove: TestGrove;
let upstream: FakeUpstream;
beforeAll(async () => {
  [grove, upstream] = await Promise.all([startGrove(), startFakeOpenAI()]);
});
afterAll(async () => {
  await Promise.all([grove?.close(), upstream?.close()]);
});
beforeEach(() => upstream.reset());

type User = ReturnType<typeof userEvent.setup>;

async function openWizard(user: User) {
  renderApp({ trpcUrl: grove.trpcUrl, savedKey: ADMIN_KEY, path: '/models' });
  await screen.findByRole('table', { name: 'Models' });
  await user.click(screen.getByRole('button', { name: 'Add model' }));
  return screen.findByRole('dialog', { name: 'Add a model' });
}

/** Pasted, as an operator copies a URL or a key: typing them key by key only slows the test. */
async function pasteInto(user: User, field: HTMLElement, text: string) {
  await user.click(field);
  await user.paste(text);
}

/** Step 1 filled in for an OpenAI-compatible model served by the fake. */
async function fillConnection(user: User, dialog: HTMLElement, model = 'gpt-4o-mini') {
  await user.click(within(dialog).getByRole('combobox', { name: 'Provider' }));
  await user.click(await screen.findByRole('option', { name: 'OpenAI-compatible' }));
  await pasteInto(user, within(dialog).getByRole('combobox', { name: /Upstream model name/ }), model);
  await pasteInto(user, within(dialog).getByRole('textbox', { name: 'Endpoint' }), upstream.url);
  await user.click(within(dialog).getByRole('radio', { name: 'Value (stored encrypted)' }));
  await pasteInto(user, within(dialog).getByLabelText(/^Key/), UPSTREAM_KEY);
}

/** The message Mantine shows under a field: it names the field through aria-describedby. */
function fieldError(field: HTMLElement): string | null {
  const ids = (field.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean);
  const messages = ids.map((id) => document.getElementById(id)).filter((element) => element?.className.includes('error'));
  return messages.map((element) => element!.textContent).join(' ') || null;
}

describe('Add Model wizard', () => {
  it('step 1 validates before it moves on, and refuses a taken id', async () => {
    const user = userEvent.setup();
    const dialog = await openWizard(user);
    await user.click(within(dialog).getByRole('button', { name: 'Next' }));
    const modelName = within(dialog).getByRole('combobox', { name: /Upstream model name/ });
    expect(fieldError(modelName)).toBe('required');
    expect(within(dialog).getByText('Connection', { selector: '.mantine-Stepper-stepLabel' })).toBeInTheDocument();

    // the id follows the model name; an id the registry has is refused next to the field
    await user.type(modelName, 'Claude Sonnet');
    const id = within(dialog).getByRole('textbox', { name: /Grove id/ });
    expect(id).toHaveValue('claude-sonnet');
    expect(fieldError(id)).toMatch(/exists already/);
    await user.clear(id);
    await user.type(id, 'Bad Id!');
    expect(fieldError(id)).toMatch(/lowercase letters/);
  });

  it('Test connection shows the answer and the request with the key redacted', async () => {
    const user = userEvent.setup();
    const dialog = await openWizard(user);
    await fillConnection(user, dialog);
    await user.click(within(dialog).getByRole('button', { name: 'Test connection' }));
    const result = await within(dialog).findByTestId('connection-result');
    expect(result).toHaveTextContent(/Connected: the model answered in \d+ ms/);
    const request = within(result).getByTestId('connection-request');
    expect(request).toHaveTextContent(`POST ${upstream.url}/chat/completions`);
    expect(request).toHaveTextContent('authorization: Bearer [redacted]');
    expect(request.textContent).not.toContain(UPSTREAM_KEY);
    expect(upstream.requests[0]!.headers.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);
  });

  it('Test connection sorts a wrong key and a wrong model into their kinds with a hint', async () => {
    const user = userEvent.setup();
    const dialog = await openWizard(user);
    await fillConnection(user, dialog);
    // a malformed endpoint is refused before any call, next to the field
    const endpoint = within(dialog).getByRole('textbox', { name: 'Endpoint' });
    await user.clear(endpoint);
    await pasteInto(user, endpoint, 'ftp://nowhere');
    await user.click(within(dialog).getByRole('button', { name: 'Test connection' }));
    await waitFor(() => expect(fieldError(endpoint)).toMatch(/absolute http\(s\) URL/));
    expect(within(dialog).getByRole('alert')).toHaveTextContent('The test was not sent');
    expect(upstream.requests).toHaveLength(0);
    await user.clear(endpoint);
    await pasteInto(user, endpoint, upstream.url);

    upstream.setBehavior({ status: 401 });
    await user.click(within(dialog).getByRole('button', { name: 'Test connection' }));
    let result = await within(dialog).findByTestId('connection-result');
    expect(result).toHaveTextContent('The key was refused');
    expect(within(result).getByText('auth')).toBeInTheDocument();
    expect(result).toHaveTextContent(/How to fix it: Check the key/);

    upstream.setBehavior({ status: 404 });
    await user.click(within(dialog).getByRole('button', { name: 'Test connection' }));
    await waitFor(() => expect(within(dialog).getByTestId('connection-result')).toHaveTextContent('Model or endpoint not found'));
    result = within(dialog).getByTestId('connection-result');
    expect(within(result).getByText('not found')).toBeInTheDocument();
    expect(result).toHaveTextContent('HTTP 404');
  });

  it('step 2 fills a preset, checks prices, and shows the server’s problems next to their fields', async () => {
    const user = userEvent.setup();
    const dialog = await openWizard(user);
    await fillConnection(user, dialog, 'gpt-4o-mini-wizard');
    await user.click(within(dialog).getByRole('button', { name: 'Next' }));

    // a known name (gpt-4o-mini…) brought its preset: limits and list prices
    const context = await within(dialog).findByRole('textbox', { name: /Context window/ });
    expect(context).toHaveValue('128,000');
    expect(within(dialog).getByTestId('price-example')).toHaveTextContent('$0.0006');

    const input = within(dialog).getByRole('textbox', { name: /Input price/ });
    await user.clear(input);
    await user.type(input, '500');
    expect(within(dialog).getByTestId('price-warnings')).toHaveTextContent(/per 1K tokens/);
    expect(within(dialog).getByTestId('price-warnings')).toHaveTextContent(/less than a tenth of input/);
    await user.clear(input);
    await user.type(input, '0.15');
    expect(within(dialog).queryByTestId('price-warnings')).not.toBeInTheDocument();

    // "sonnet" is claude-sonnet's alias: only the server knows, and says so under Aliases
    const aliases = within(dialog).getByRole('combobox', { name: /Aliases/ });
    await user.type(aliases, 'sonnet{Enter}');
    await user.click(within(dialog).getByRole('button', { name: 'Next' }));
    await waitFor(() => expect(fieldError(aliases)).toMatch(/already used by model "claude-sonnet"/));

  });

  it('step 3 refuses unknown keys in the YAML, then registers the model as active', async () => {
    const user = userEvent.setup();
    const dialog = await openWizard(user);
    await fillConnection(user, dialog, 'gpt-4o-mini');
    const id = within(dialog).getByRole('textbox', { name: /Grove id/ });
    await user.clear(id);
    await user.type(id, 'wizard-mini');
    await user.click(within(dialog).getByRole('button', { name: 'Next' }));
    await within(dialog).findByRole('textbox', { name: /Context window/ });
    await user.click(within(dialog).getByRole('button', { name: 'Next' }));

    const yaml = await within(dialog).findByRole('textbox', { name: 'Model as YAML' });
    const text = (yaml as HTMLTextAreaElement).value;
    expect(text).toContain('id: wizard-mini');
    expect(text).toContain('model: gpt-4o-mini');
    expect(text).toContain('inputPer1M: 0.15');
    // the key typed masked stays masked: the review shows a stand-in, registration sends the key
    expect(text).not.toContain(UPSTREAM_KEY);
    expect(text).toContain(`ending in ${UPSTREAM_KEY.slice(-4)}`);

    // a misspelled key is refused with its path, not dropped
    fireEvent.change(yaml, { target: { value: text.replace('contextWindow:', 'contextWindw:') } });
    const problems = await within(dialog).findByTestId('review-problems');
    expect(problems).toHaveTextContent('spec');
    expect(problems).toHaveTextContent(/contextWindw/);
    expect(within(dialog).getByRole('button', { name: 'Register as active' })).toBeDisabled();

    fireEvent.change(yaml, { target: { value: text.replace('id: wizard-mini', 'id: wizard-mini\n  description: registered by the wizard test') } });
    await waitFor(() => expect(within(dialog).queryByTestId('review-problems')).not.toBeInTheDocument());
    await user.click(within(dialog).getByRole('button', { name: 'Register as active' }));
    expect(await within(dialog).findByTestId('wizard-registered')).toHaveTextContent('Registered wizard-mini as active');
    expect(within(dialog).getByTestId('read-back')).toHaveTextContent('Read back: identical to what you registered.');

    const stored = await grove.admin.models.get.query({ id: 'wizard-mini' });
    expect(stored.spec).toMatchObject({ provider: 'openai-compatible', model: 'gpt-4o-mini', baseUrl: upstream.url, lifecycle: 'active', apiKey: { set: true, last4: UPSTREAM_KEY.slice(-4) } });
    expect(stored.metadata.description).toBe('registered by the wizard test');

    await user.click(within(dialog).getByRole('button', { name: 'Close' }));
    await waitFor(() => expect(screen.getByRole('table', { name: 'Models' })).toHaveTextContent('wizard-mini'));
  });

  it('a declared capability the model leaves out shows the default routing gives it, and is scored only once moved', async () => {
    await grove.admin.objects.applyAll.mutate({ objects: [{ apiVersion: 'grove/v1', kind: 'Capability', metadata: { id: 'translation' }, spec: { defaultScore: 40 } }] });
    const user = userEvent.setup();
    const dialog = await openWizard(user);
    await fillConnection(user, dialog, 'gpt-4o-mini');
    const id = within(dialog).getByRole('textbox', { name: /Grove id/ });
    await user.clear(id);
    await user.type(id, 'wizard-translation');
    await user.click(within(dialog).getByRole('button', { name: 'Next' }));

    // not 0, as the slider used to say: routing gives a model that leaves it out the default
    const slider = await within(dialog).findByRole('slider', { name: 'translation score, not set: the default 40 applies' });
    expect(slider).toHaveAttribute('aria-valuenow', '40');
    expect(within(dialog).getByText(/Not set: routing gives this model the capability's default, 40/)).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Next' }));
    expect((await within(dialog).findByRole<HTMLTextAreaElement>('textbox', { name: 'Model as YAML' })).value).not.toMatch(/translation: \d/);

    await user.click(within(dialog).getByRole('button', { name: 'Back' }));
    const unset = await within(dialog).findByRole('slider', { name: /translation score/ });
    unset.focus();
    await user.keyboard('{ArrowRight}');
    expect(within(dialog).getByRole('slider', { name: 'translation score' })).toHaveAttribute('aria-valuenow', '41');
    expect(within(dialog).queryByText(/Not set: routing gives/)).not.toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Next' }));
    expect((await within(dialog).findByRole<HTMLTextAreaElement>('textbox', { name: 'Model as YAML' })).value).toMatch(/translation: 41/);
  });
});
