import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_LABEL } from '../../shared/objects';
import { TIME_ZONE_STORAGE_KEY } from '../../client/src/settings/ReportingTimeZone';
import { ADMIN_KEY, startGrove, type TestGrove } from './grove-server';
import { renderApp } from './render';

let grove: TestGrove;
beforeAll(async () => {
  grove = await startGrove();
});
afterAll(async () => {
  await grove?.close();
});

async function openSettings() {
  renderApp({ trpcUrl: grove.trpcUrl, savedKey: ADMIN_KEY, path: '/settings' });
  return screen.findByRole('table', { name: 'API keys' }, { timeout: 15_000 });
}

function keyRow(table: HTMLElement, name: string): HTMLElement {
  const row = within(table)
    .getAllByRole('row')
    .find((candidate) => within(candidate).queryByText(name, { selector: 'p' }));
  if (!row) throw new Error(`no row for the key ${name}`);
  return row;
}

/** What Grove's /v1 answers for a call with this key. */
async function chatStatus(key: string): Promise<number> {
  const response = await fetch(`${grove.process.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'sim-fast', messages: [{ role: 'user', content: 'hi' }] }),
  });
  await response.arrayBuffer();
  return response.status;
}

describe('Settings page', () => {
  it('lists the keys with scopes, created and last used; the session key cannot be revoked here', async () => {
    const table = await openSettings();
    const own = await waitFor(() => keyRow(table, 'bootstrap admin (GROVE_ADMIN_KEY)'));
    expect(within(own).getByText('this session')).toBeInTheDocument();
    expect(within(own).getByText('admin')).toBeInTheDocument();
    // the console's own calls authenticated with it
    expect(within(own).queryByText('no use recorded')).not.toBeInTheDocument();
    expect(screen.getByText(/“Last used” is the key’s latest request through any Grove instance, kept across restarts/)).toBeInTheDocument();
    expect(within(own).getByRole('button', { name: 'Revoke' })).toBeDisabled();
  });

  it('creates a key shown once with a copy button, which then works until it is revoked with confirmation', async () => {
    const user = userEvent.setup();
    const table = await openSettings();
    await user.click(screen.getByRole('button', { name: 'Create key' }));
    const dialog = await screen.findByRole('dialog', { name: 'Create an API key' });
    await user.click(within(dialog).getByRole('button', { name: 'Create key' }));
    expect(within(dialog).getByRole('textbox', { name: /Name/ })).toHaveAccessibleDescription(/required/);

    await user.type(within(dialog).getByRole('textbox', { name: /Name/ }), 'billing-service');
    await user.click(within(dialog).getByRole('button', { name: 'Create key' }));
    const shown = await within(dialog).findByTestId('created-key');
    const key = shown.textContent!;
    expect(key).toMatch(/^grove_/);
    expect(within(dialog).getByText(/shown only this once/)).toBeInTheDocument();
    expect(within(dialog).getByRole('button', { name: 'Copy key' })).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Done' }));

    const row = await waitFor(() => keyRow(table, 'billing-service'));
    expect(within(row).getByText('invoke')).toBeInTheDocument();
    expect(within(row).getByText('no use recorded')).toBeInTheDocument();
    expect(row.textContent).not.toContain(key);
    expect(await chatStatus(key)).toBe(200);

    await user.click(within(row).getByRole('button', { name: 'Revoke billing-service' }));
    const confirm = await screen.findByRole('dialog', { name: 'Revoke this key?' });
    await user.click(within(confirm).getByRole('button', { name: 'Cancel' }));
    expect(await chatStatus(key)).toBe(200);

    await user.click(within(row).getByRole('button', { name: 'Revoke billing-service' }));
    await user.click(within(await screen.findByRole('dialog', { name: 'Revoke this key?' })).getByRole('button', { name: 'Revoke key' }));
    await waitFor(() => expect(within(keyRow(table, 'billing-service')).getByText(/^revoked /)).toBeInTheDocument());
    expect(await chatStatus(key)).toBe(401);
  });

  it('sets the reporting time zone, kept in this browser and used for the times shown', async () => {
    const user = userEvent.setup();
    const table = await openSettings();
    expect(screen.getByTestId('time-zone-summary')).toHaveTextContent('Following this browser');
    await user.click(screen.getByRole('button', { name: 'Use UTC' }));
    expect(screen.getByTestId('time-zone-summary')).toHaveTextContent(/Chosen here.*UTC$/);
    expect(window.localStorage.getItem(TIME_ZONE_STORAGE_KEY)).toBe('UTC');
    expect(within(keyRow(table, 'bootstrap admin (GROVE_ADMIN_KEY)')).getAllByText(/ UTC$/).length).toBeGreaterThan(0);

    const zone = screen.getByRole('combobox', { name: 'Time zone' });
    await user.clear(zone);
    await user.type(zone, 'Kathmandu');
    await user.click(await screen.findByRole('option', { name: /Asia\/Kathmandu \(UTC\+05:45\)/ }));
    expect(window.localStorage.getItem(TIME_ZONE_STORAGE_KEY)).toBe('Asia/Kathmandu');
    await user.click(screen.getByRole('button', { name: 'Follow the browser' }));
    expect(window.localStorage.getItem(TIME_ZONE_STORAGE_KEY)).toBeNull();
  });

  it('shows the retention the server applies and where to change it', async () => {
    await openSettings();
    expect(await screen.findByTestId('retention-metrics')).toHaveTextContent('90 days');
    expect(screen.getByTestId('retention-request-log')).toHaveTextContent('30 days');
    expect(screen.getByText('GROVE_METRICS_RETENTION_DAYS')).toBeInTheDocument();
  });

  it('says how to leave demo mode and removes the demo models after confirmation', async () => {
    const user = userEvent.setup();
    await grove.admin.objects.applyAll.mutate({
      objects: [
        {
          apiVersion: 'grove/v1',
          kind: 'Model',
          metadata: { id: 'demo-one', labels: { [DEMO_LABEL]: 'true' } },
          spec: { provider: 'simulated', model: 'demo-one', capabilities: { reasoning: 1, creativity: 1, precision: 1, speed: 1, context: 1 }, contextWindow: 1000, maxOutputTokens: 100, pricing: { inputPer1M: 0, outputPer1M: 0 } },
        },
      ],
    });
    await openSettings();
    expect(screen.getByText('grove demo remove')).toBeInTheDocument();
    await user.click(await screen.findByRole('button', { name: 'Remove the demo models' }));
    const confirm = await screen.findByRole('dialog', { name: 'Remove the demo models?' });
    expect(confirm).toHaveTextContent('demo-one');
    await user.click(within(confirm).getByRole('button', { name: 'Remove them' }));
    expect(await screen.findByText(/Removed demo-one/)).toBeInTheDocument();
    await expect(grove.admin.models.get.query({ id: 'demo-one' })).rejects.toThrow(/demo-one/);
  });
});
