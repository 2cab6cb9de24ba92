import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { expectNoAxeViolations } from '../e2e/support/axe';
import { describeFocus, expectFocusTrapped, isFocused, startFromTop, tabTo } from '../e2e/support/keyboard';
import { compareScreenshot, VISUAL_RESULTS } from './compare-screenshot';
import { openDeterministicContext } from './deterministic-console';
import type { VisualContext, VisualTest } from './visual-tests';

const TIMEOUT = 15_000;

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

/** Where the focus went after a dialog closed: back on what opened it, or the keyboard user is lost. */
async function expectFocusBackOn(page: Page, opener: Locator, what: string) {
  await page.waitForFunction(() => !document.querySelector('[role="dialog"]'), null, { timeout: TIMEOUT });
  check(await isFocused(opener), `after ${what} the focus is on ${await describeFocus(page)}, not back on what opened the dialog`);
}

/**
 * A page of its own in the deterministic console, for one journey; on a failure, what the page
 * showed is kept as test-results/visual/failure-<journey>.png.
 */
async function withConsole(context: VisualContext, journey: string, signedIn: boolean, steps: (page: Page) => Promise<void>) {
  const browserContext = await openDeterministicContext(context.browser, { adminKey: signedIn ? context.adminKey : undefined });
  try {
    const page = await browserContext.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    try {
      await steps(page);
    } catch (error) {
      mkdirSync(VISUAL_RESULTS, { recursive: true });
      await page.screenshot({ path: join(VISUAL_RESULTS, `failure-${journey}.png`), fullPage: true }).catch(() => {});
      throw error;
    }
    check(pageErrors.length === 0, `errors in the page: ${pageErrors.join('; ')}`);
  } finally {
    await browserContext.close();
  }
}

/**
 * The operator's actions with the keyboard alone: no click anywhere. Each Tab stop must show its
 * focus (tabTo checks), dialogs keep the focus inside, Escape closes them, and the focus returns to
 * what opened them. They run after every screenshot: they change the registry and the keys.
 */
export const tests: VisualTest[] = [
  {
    name: 'keyboard: signs in, skips to the content, moves between pages',
    run: (context) =>
      withConsole(context, 'sign-in', false, async (page) => {
        await page.goto(context.baseUrl);
        const key = page.getByLabel('Admin API key');
        await key.waitFor({ timeout: TIMEOUT });
        await tabTo(page, key);
        await page.keyboard.type(context.adminKey);
        await page.keyboard.press('Enter');
        await page.getByRole('heading', { name: 'Dashboard', level: 2 }).waitFor({ timeout: TIMEOUT });

        // the first Tab of a page offers the jump past the navigation, visibly
        await startFromTop(page);
        const skip = page.getByRole('link', { name: 'Skip to content' });
        await tabTo(page, skip, { maxPresses: 1 });
        await compareScreenshot(page, 'keyboard-skip-link', { fullPage: false });
        await page.keyboard.press('Enter');
        check(await isFocused(page.locator('#main-content')), `Skip to content left the focus on ${await describeFocus(page)}`);

        const main = page.getByRole('navigation', { name: 'Main' });
        for (const [link, heading] of [
          ['Models', 'Models'],
          ['Settings', 'Settings'],
          ['Dashboard', 'Dashboard'],
        ] as const) {
          await tabTo(page, main.getByRole('link', { name: link }), { backwards: true });
          await page.keyboard.press('Enter');
          await page.getByRole('heading', { name: heading, level: 2 }).waitFor({ timeout: TIMEOUT });
        }
      }),
  },
  {
    name: 'keyboard: opens a model, deprecates it, the retire dialog traps and returns the focus, reactivates',
    run: (context) =>
      withConsole(context, 'lifecycle', true, async (page) => {
        await page.goto(`${context.baseUrl}/models`);
        const table = page.getByRole('table', { name: 'Models' });
        await table.waitFor({ timeout: TIMEOUT });
        await tabTo(page, table.getByRole('link', { name: 'Claude Sonnet 4.5' }));
        await page.keyboard.press('Enter');
        const badge = page.locator('h2 + [data-lifecycle]');
        await page.getByRole('heading', { name: 'Claude Sonnet 4.5', level: 2 }).waitFor({ timeout: TIMEOUT });
        check((await badge.getAttribute('data-lifecycle')) === 'active', 'Claude Sonnet 4.5 did not open as active');

        await tabTo(page, page.getByRole('button', { name: 'Deprecate' }));
        await page.keyboard.press('Enter');
        await page.locator('h2 + [data-lifecycle="deprecated"]').waitFor({ timeout: TIMEOUT });

        // the buttons changed under the focus: find Retire from the top of the page
        await startFromTop(page);
        const retire = page.getByRole('button', { name: 'Retire' });
        await tabTo(page, retire);
        await page.keyboard.press('Enter');
        const dialog = page.getByRole('dialog', { name: 'Retire Claude Sonnet 4.5' });
        await dialog.waitFor({ timeout: TIMEOUT });
        await page.waitForFunction(() => document.querySelector('[role="dialog"]')?.contains(document.activeElement) === true, null, { timeout: TIMEOUT });
        await expectNoAxeViolations(page, 'retire dialog');
        await expectFocusTrapped(page, dialog);
        await page.keyboard.press('Escape');
        await expectFocusBackOn(page, retire, 'Escape');
        check((await badge.getAttribute('data-lifecycle')) === 'deprecated', 'Escape in the retire dialog changed the model');

        await startFromTop(page);
        await tabTo(page, page.getByRole('button', { name: 'Reactivate' }));
        await page.keyboard.press('Enter');
        await page.locator('h2 + [data-lifecycle="active"]').waitFor({ timeout: TIMEOUT });
      }),
  },
  {
    name: 'keyboard: registers a model with the wizard as a draft',
    run: (context) =>
      withConsole(context, 'wizard', true, async (page) => {
        await page.goto(`${context.baseUrl}/models`);
        await page.getByRole('table', { name: 'Models' }).waitFor({ timeout: TIMEOUT });
        const add = page.getByRole('button', { name: 'Add model' });
        await tabTo(page, add);
        await page.keyboard.press('Enter');
        const dialog = page.getByRole('dialog', { name: 'Add a model' });
        await dialog.waitFor({ timeout: TIMEOUT });

        // step 1: the provider by arrow keys, a model name typed, its key left to the environment
        await tabTo(page, dialog.getByRole('textbox', { name: 'Provider' }).or(dialog.getByRole('combobox', { name: 'Provider' })).first());
        await page.keyboard.press('ArrowDown');
        await page.getByRole('option', { name: 'Simulated' }).waitFor({ timeout: TIMEOUT });
        for (let press = 0; press < 8 && !(await page.getByRole('option', { name: 'Simulated', selected: true }).isVisible()); press += 1) await page.keyboard.press('ArrowDown');
        await page.keyboard.press('Enter');
        await tabTo(page, dialog.getByRole('combobox', { name: /Upstream model name/ }), { maxPresses: 3 });
        await page.keyboard.type('keyboard-sim');
        await tabTo(page, dialog.getByRole('button', { name: 'Next' }));
        await page.keyboard.press('Enter');

        // step 2: the default scores, with limits and prices typed in
        const contextWindow = dialog.getByRole('textbox', { name: /Context window/ });
        await contextWindow.waitFor({ timeout: TIMEOUT });
        await startFromTop(page);
        await tabTo(page, contextWindow);
        await page.keyboard.type('32000');
        await tabTo(page, dialog.getByRole('textbox', { name: /Max output tokens/ }), { maxPresses: 3 });
        await page.keyboard.type('4000');
        await tabTo(page, dialog.getByRole('textbox', { name: /Input price/ }), { maxPresses: 3 });
        await page.keyboard.type('1');
        await tabTo(page, dialog.getByRole('textbox', { name: /Output price/ }), { maxPresses: 3 });
        await page.keyboard.type('2');
        await tabTo(page, dialog.getByRole('button', { name: 'Next' }));
        await page.keyboard.press('Enter');

        // step 3: the YAML as reviewed, registered as a draft
        await dialog.getByRole('textbox', { name: 'Model as YAML' }).waitFor({ timeout: TIMEOUT });
        await startFromTop(page);
        // through the YAML: a plain text area, which Tab leaves rather than indents
        await tabTo(page, dialog.getByRole('button', { name: 'Register as draft' }));
        await page.keyboard.press('Enter');
        await dialog.getByTestId('wizard-registered').waitFor({ timeout: TIMEOUT });
        await tabTo(page, dialog.getByRole('button', { name: 'Close', exact: true }));
        await page.keyboard.press('Enter');
        await expectFocusBackOn(page, add, 'closing the wizard');
        await page.locator('tbody tr[data-model-id="keyboard-sim"] [data-lifecycle="draft"]').waitFor({ timeout: TIMEOUT });
      }),
  },
  {
    name: 'keyboard: creates an API key and revokes it, with Escape and Cancel on the way',
    run: (context) =>
      withConsole(context, 'api-keys', true, async (page) => {
        await page.goto(`${context.baseUrl}/settings`);
        const keys = page.getByRole('table', { name: 'API keys' });
        await keys.waitFor({ timeout: TIMEOUT });
        const create = page.getByRole('button', { name: 'Create key' });
        await tabTo(page, create);

        // Escape closes the dialog untouched, and the focus comes back
        await page.keyboard.press('Enter');
        const dialog = page.getByRole('dialog', { name: 'Create an API key' });
        await dialog.waitFor({ timeout: TIMEOUT });
        await expectFocusTrapped(page, dialog);
        await page.keyboard.press('Escape');
        await expectFocusBackOn(page, create, 'Escape');

        await page.keyboard.press('Enter');
        await dialog.waitFor({ timeout: TIMEOUT });
        const name = dialog.getByRole('textbox', { name: /Name/ });
        await page.waitForFunction(() => document.activeElement?.tagName === 'INPUT', null, { timeout: TIMEOUT });
        if (!(await isFocused(name))) await tabTo(page, name);
        await page.keyboard.type('keyboard-invoker');
        await page.keyboard.press('Enter');
        const done = dialog.getByRole('button', { name: 'Done' });
        await dialog.getByTestId('created-key').waitFor({ timeout: TIMEOUT });
        await tabTo(page, done);
        await page.keyboard.press('Enter');
        await expectFocusBackOn(page, create, 'Done');

        const revoke = page.getByRole('button', { name: 'Revoke keyboard-invoker' });
        await tabTo(page, revoke);
        await page.keyboard.press('Enter');
        const confirm = page.getByRole('dialog', { name: 'Revoke this key?' });
        await confirm.waitFor({ timeout: TIMEOUT });
        await tabTo(page, confirm.getByRole('button', { name: 'Cancel' }));
        await page.keyboard.press('Enter');
        await expectFocusBackOn(page, revoke, 'Cancel');

        await page.keyboard.press('Enter');
        await confirm.waitFor({ timeout: TIMEOUT });
        await tabTo(page, confirm.getByRole('button', { name: 'Revoke key' }));
        await page.keyboard.press('Enter');
        await keys.locator('tr', { hasText: 'keyboard-invoker' }).getByText(/^revoked /).waitFor({ timeout: TIMEOUT });
      }),
  },
];
