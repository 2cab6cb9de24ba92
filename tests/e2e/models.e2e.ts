import type { Page } from 'playwright-core';

/** What every end-to-end test gets from scripts/e2e.mjs. */
export interface E2EContext {
  page: Page;
  /** the running Grove, e.g. http://127.0.0.1:41234 */
  baseUrl: string;
  adminKey: string;
  /** saves test-results/e2e/<name>.png */
  screenshot(name: string): Promise<void>;
}

export interface E2ETest {
  name: string;
  run(context: E2EContext): Promise<void>;
}

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

const TIMEOUT = 15_000;

/** Login, see the seeded models, open one, deprecate it, see the badge change. In order: each builds on the last. */
export const tests: E2ETest[] = [
  {
    name: 'logs in with the admin key (a wrong key is refused first)',
    async run({ page, baseUrl, adminKey, screenshot }) {
      await page.goto(baseUrl);
      const keyInput = page.getByLabel('Admin API key');
      await keyInput.waitFor({ timeout: TIMEOUT });
      await screenshot('01-login');

      await keyInput.fill('definitely-not-the-key');
      await page.getByRole('button', { name: 'Sign in' }).click();
      const error = page.getByRole('alert').filter({ hasText: 'That key was not accepted' });
      await error.waitFor({ timeout: TIMEOUT });
      await screenshot('02-login-wrong-key');

      await keyInput.fill(adminKey);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('navigation', { name: 'Main' }).waitFor({ timeout: TIMEOUT });
      await page.getByRole('heading', { name: 'Dashboard' }).waitFor({ timeout: TIMEOUT });
      check((await page.evaluate(() => window.localStorage.getItem('grove.adminKey'))) === adminKey, 'the key was not kept in localStorage');
      await screenshot('03-dashboard');
    },
  },
  {
    name: 'sees the seeded models',
    async run({ page, screenshot }) {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Models' }).click();
      const table = page.getByRole('table', { name: 'Models' });
      await table.waitFor({ timeout: TIMEOUT });
      const rows = table.locator('tbody tr');
      const count = await rows.count();
      check(count >= 3, `expected the seeded models, found ${count} rows`);
      const text = await table.innerText();
      check(/Anthropic/.test(text), 'no Anthropic model in the seeded registry');
      check(/Google Gemini/.test(text), 'no Gemini model in the seeded registry');
      check(/simulated/i.test(text), 'no simulated model in the seeded registry');
      await screenshot('04-models');
    },
  },
  {
    name: 'opens a model, deprecates it and sees the badge change',
    async run({ page, screenshot }) {
      const table = page.getByRole('table', { name: 'Models' });
      const activeRow = table.locator('tbody tr').filter({ has: page.locator('[data-lifecycle="active"]') }).first();
      const id = await activeRow.getAttribute('data-model-id');
      check(id !== null, 'no active model to deprecate');
      const link = activeRow.getByRole('link').first();
      const title = (await link.innerText()).trim();
      await link.click();

      await page.getByRole('heading', { name: title, level: 2 }).waitFor({ timeout: TIMEOUT });
      const headerBadge = page.locator('h2 + [data-lifecycle]');
      check((await headerBadge.getAttribute('data-lifecycle')) === 'active', 'the model did not open as active');
      await screenshot('05-model-detail');

      await page.getByRole('button', { name: 'Deprecate' }).click();
      await page.locator('h2 + [data-lifecycle="deprecated"]').waitFor({ timeout: TIMEOUT });
      check((await headerBadge.innerText()).trim().toLowerCase() === 'deprecated', 'the badge does not read Deprecated');
      const toast = page.getByText(`${id} is now deprecated.`);
      await toast.waitFor({ timeout: TIMEOUT });
      // the toast covers neither the header (sign out) nor the page's own actions (Reactivate, Retire)
      const boxes = await Promise.all([toast.boundingBox(), page.locator('header').boundingBox(), page.getByRole('button', { name: 'Reactivate' }).boundingBox(), page.getByRole('button', { name: 'Retire' }).boundingBox()]);
      const [toastBox, ...covered] = boxes;
      const overlaps = (a: NonNullable<(typeof boxes)[number]>, b: NonNullable<(typeof boxes)[number]>) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
      check(toastBox !== null && covered.every((box) => box !== null && !overlaps(toastBox, box)), 'the toast covers the header or the page actions');
      await screenshot('06-model-deprecated');

      await page.getByRole('tab', { name: 'History' }).click();
      await page.getByRole('table', { name: 'Revision history' }).waitFor({ timeout: TIMEOUT });
      await screenshot('07-model-history');

      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Models' }).click();
      const row = page.locator(`tbody tr[data-model-id="${id}"]`);
      await row.locator('[data-lifecycle="deprecated"]').waitFor({ timeout: TIMEOUT });
      await screenshot('08-models-after-deprecate');

      // the same page in the dark scheme, to look at its contrast
      // The console follows the system's scheme (auto) unless one was chosen. Clicking the toggle
      // while its label still read "dark" raced with that: the click could land just after the
      // console had followed into dark, and switch it back to light. So wait for it to follow, and
      // choose dark with the toggle only if it does not.
      await page.emulateMedia({ colorScheme: 'dark' });
      await page
        .waitForFunction(() => document.documentElement.getAttribute('data-mantine-color-scheme') === 'dark', null, { timeout: 3_000 })
        .catch(() => page.getByRole('button', { name: 'Switch to dark theme' }).click());
      await page.getByRole('button', { name: 'Switch to light theme' }).waitFor({ timeout: TIMEOUT });
      await screenshot('09-models-dark');
    },
  },
];

