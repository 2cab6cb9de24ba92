import type { E2ETest } from './models.e2e';
import { axeViolations } from './support/axe';
import { setScheme } from './support/scheme';

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

const TIMEOUT = 15_000;

/** The Decisions page over the demo traffic logged earlier in the run; runs after wizard.e2e.ts (logged in). */
export const tests: E2ETest[] = [
  {
    name: 'decisions: lists the demo traffic, opens one, filters by a link; axe in light and dark',
    async run({ page, baseUrl, screenshot }) {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Decisions' }).click();
      const table = page.getByRole('table', { name: 'Decisions' });
      await table.waitFor({ timeout: TIMEOUT });
      const rows = table.locator('tbody tr');
      check((await rows.count()) >= 5, `expected the demo traffic's decisions, found ${await rows.count()} rows`);
      check((await table.innerText()).includes('demo-traffic'), 'no decision of the demo traffic key in the list');
      const scope = await page.getByTestId('decisions-scope').innerText();
      check(/times in .+ · costs in USD, estimated from list prices/.test(scope), `the scope line lacks zone or currency: ${scope}`);
      await screenshot('decisions-01-list');
      const violations = await axeViolations(page, 'decisions, light');

      await rows.first().getByRole('button', { name: /^Open decision/ }).click();
      const dialog = page.getByRole('dialog', { name: 'Routing decision' });
      await dialog.getByRole('table', { name: 'Candidates' }).waitFor({ timeout: TIMEOUT });
      check(/[?&]id=/.test(page.url()), `opening a decision did not put its id in the URL: ${page.url()}`);
      await screenshot('decisions-02-detail');
      violations.push(...(await axeViolations(page, 'decision dialog, light')));
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached', timeout: TIMEOUT });

      // a link in the documented format opens the page filtered
      const served = (await table.locator('tbody tr td:nth-child(5)').allInnerTexts()).map((text) => text.trim()).find((text) => text !== 'none');
      check(served !== undefined, 'no decision in the list was served by a model');
      const from = new Date(Date.now() - 3_600_000).toISOString();
      await page.goto(`${baseUrl}/decisions?model=${encodeURIComponent(served)}&outcome=ok&from=${encodeURIComponent(from)}`);
      await table.waitFor({ timeout: TIMEOUT });
      // the filter holds every decision the model touched: served by it, or failed over from it
      const touched = await table.locator('tbody tr').evaluateAll((rows) => rows.map((row) => `${row.children[4]!.textContent!.trim()} | ${row.children[5]!.textContent!}`));
      check(touched.length > 0 && touched.every((text) => text.startsWith(`${served} |`) || text.includes(`${served} `)), `the model filter from the link did not hold: ${touched.slice(0, 5).join(', ')}`);
      check((await page.getByRole('combobox', { name: 'Model' }).inputValue()) === served, 'the Model filter does not show the link\'s model');
      await screenshot('decisions-03-filtered');

      await setScheme(page, 'dark');
      await screenshot('decisions-04-filtered-dark');
      violations.push(...(await axeViolations(page, 'decisions, dark')));
      await setScheme(page, 'light');
      check(violations.length === 0, `axe-core found violations:\n      ${violations.join('\n      ')}`);
    },
  },
];
