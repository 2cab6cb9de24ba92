import { startFakeWebhook } from '../fakes/fake-webhook';
import type { E2ETest } from './models.e2e';
import { axeViolations } from './support/axe';
import { setScheme } from './support/scheme';

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

const TIMEOUT = 15_000;
const HOOK_SECRET = 'Bearer e2e-hook-secret';

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + TIMEOUT;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * An alert rule created through the form with its webhook pointed at a receiver on loopback and
 * an Authorization header typed in the form: the Test button's POST arrives with it, then the rule fires (cost per hour of all models >= $0 holds at
 * once) and its real webhook arrives; deleted after confirmation, it resolves. Runs after decisions.e2e.ts.
 */
export const tests: E2ETest[] = [
  {
    name: 'alerts: creates a rule with a tested webhook and a header, sees it fire and its webhook arrive, deletes it; axe in light and dark',
    async run({ page, screenshot }) {
      const receiver = await startFakeWebhook();
      try {
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Alerts' }).click();
        await page.getByRole('heading', { name: 'Alerts', level: 2 }).waitFor({ timeout: TIMEOUT });
        await page.getByText('Nothing is firing.').waitFor({ timeout: TIMEOUT });
        await screenshot('alerts-01-empty');
        const violations = await axeViolations(page, 'alerts, light');

        await page.getByRole('button', { name: 'New rule' }).click();
        const form = page.getByRole('form', { name: 'New alert rule' });
        await form.getByRole('textbox', { name: /^Id/ }).fill('e2e-spend');
        await form.getByRole('combobox', { name: 'Metric' }).click();
        await page.getByRole('option', { name: 'cost per hour (USD/h)' }).click();
        await form.getByRole('combobox', { name: 'Comparator' }).click();
        await page.getByRole('option', { name: '>=' }).click();
        await form.getByRole('textbox', { name: 'Threshold (USD/h)' }).fill('0');
        await form.getByRole('textbox', { name: 'Webhook URL' }).fill(receiver.url);
        // a header with a secret, typed in the form: the receiver must get it on the test and on the real alert
        await form.getByRole('button', { name: 'Add header' }).click();
        await form.getByRole('textbox', { name: 'Header 1 name' }).fill('Authorization');
        await form.getByLabel('Header 1 value', { exact: true }).fill(HOOK_SECRET);
        await form.getByRole('button', { name: 'Test webhook' }).click();
        await form.getByText(/^The target answered HTTP 200 in \d+ ms\.$/).waitFor({ timeout: TIMEOUT });
        check(receiver.received.length === 1 && (receiver.received[0]!.body as { test?: boolean }).test === true, 'the receiver did not get the test POST');
        check(receiver.received[0]!.headers.authorization === HOOK_SECRET, `the test POST came without the header set in the form: ${JSON.stringify(receiver.received[0]!.headers)}`);
        await screenshot('alerts-02-form-tested');
        violations.push(...(await axeViolations(page, 'alert form, light')));
        await setScheme(page, 'dark');
        await screenshot('alerts-03-form-tested-dark');
        violations.push(...(await axeViolations(page, 'alert form, dark')));
        await setScheme(page, 'light');

        await form.getByRole('button', { name: 'Create rule' }).click();
        await form.waitFor({ state: 'detached', timeout: TIMEOUT });
        await page.getByRole('table', { name: 'Alert rules' }).getByText('cost per hour of all models >= $0/h over 60 s').waitFor({ timeout: TIMEOUT });
        // the "Rule saved" toast, closed: axe-core would read its text mid-fade as too faint
        await page.getByRole('button', { name: 'Close notification' }).click();
        await page.getByText('Rule saved').waitFor({ state: 'detached', timeout: TIMEOUT });

        // it fires within the evaluator's next second, and its webhook tells the receiver
        const firing = page.getByTestId('firing-e2e-spend');
        await firing.waitFor({ timeout: TIMEOUT });
        await until(() => receiver.received.some((post) => (post.body as { state?: string; test?: boolean }).state === 'firing' && !(post.body as { test?: boolean }).test), 'the firing webhook');
        const fired = receiver.received.find((post) => (post.body as { state?: string; test?: boolean }).state === 'firing' && !(post.body as { test?: boolean }).test)!;
        check(fired.headers.authorization === HOOK_SECRET, `the firing webhook came without the header set in the form: ${JSON.stringify(fired.headers)}`);
        const chartHref = await firing.getByRole('link', { name: /^Chart of e2e-spend/ }).getAttribute('href');
        check(chartHref !== null && /^\/monitoring\?from=[^&]+&to=/.test(chartHref), `the chart link is not in the Monitoring format: ${chartHref}`);
        await page.getByRole('table', { name: 'Recent alerts' }).getByText('still firing').waitFor({ timeout: TIMEOUT });
        await screenshot('alerts-04-firing');
        violations.push(...(await axeViolations(page, 'alerts firing, light')));
        await setScheme(page, 'dark');
        await screenshot('alerts-05-firing-dark');
        violations.push(...(await axeViolations(page, 'alerts firing, dark')));
        await setScheme(page, 'light');

        await page.getByRole('button', { name: 'Delete e2e-spend' }).click();
        const confirm = page.getByRole('dialog', { name: 'Delete alert rule e2e-spend?' });
        await confirm.waitFor({ timeout: TIMEOUT });
        await screenshot('alerts-06-delete-confirm');
        await confirm.getByRole('button', { name: 'Delete' }).click();
        await until(() => receiver.received.some((post) => (post.body as { state?: string }).state === 'resolved'), 'the resolved webhook');
        await firing.waitFor({ state: 'detached', timeout: TIMEOUT });
        // the resolve reaches the page with its next poll of alerts.list
        await page.getByRole('table', { name: 'Recent alerts' }).getByText('still firing').waitFor({ state: 'detached', timeout: TIMEOUT });
        await screenshot('alerts-07-resolved');
        check(violations.length === 0, `axe-core found violations:\n      ${violations.join('\n      ')}`);
      } finally {
        await receiver.close();
      }
    },
  },
];
