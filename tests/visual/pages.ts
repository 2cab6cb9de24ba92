import type { Locator, Page } from 'playwright-core';

const TIMEOUT = 15_000;

/**
 * One page (or one state of a page) of the console, seen in the light and the dark scheme. Its
 * baselines are tests/visual/baselines/<name>-light.png and <name>-dark.png; axe-core checks it in
 * both schemes too.
 */
export interface VisualPage {
  /** kebab-case: the baselines' file names */
  name: string;
  /** the URL path opened, signed in with the admin key unless `signedOut` */
  path: string;
  signedOut?: boolean;
  /** after opening: what to do to reach the state (a tab, a dialog, a step), ending when it is shown */
  ready(page: Page): Promise<unknown>;
  /**
   * The viewport only, not the whole page: for a dialog, whose overlay covers the viewport and
   * whose content scrolls inside it (a full-page screenshot shows the page below undimmed).
   */
  viewportOnly?: boolean;
  /**
   * What else still differs from run to run, painted over: list it with the reason it varies.
   * Every <time> element is painted over already: the server's clock wrote those moments.
   */
  mask?(page: Page): Locator[];
}

/** The page's level-2 heading: every console page has one. */
const heading = (page: Page, name: string) => page.getByRole('heading', { name, level: 2, exact: true }).waitFor({ timeout: TIMEOUT });

/** A model page on one of its tabs; the model is seeded (examples/models.yaml), so always there. */
async function modelTab(page: Page, tab: string) {
  await heading(page, 'Claude Sonnet 4.5');
  await page.getByRole('tab', { name: tab }).click();
}

/**
 * The alerts page names the answering instance, whose id is drawn at random when Grove starts:
 * painting over it is not enough, since the line is right-aligned and its width (hex letters are
 * wider or narrower than digits) moves the painted box. Write a fixed id of the same length in its
 * place, then paint over the line as well (its clock is the browser's fixed one, but be sure).
 */
async function alertsShown(page: Page) {
  await page.getByText('Nothing is firing.').waitFor({ timeout: TIMEOUT });
  await page.getByTestId('alerts-as-of').evaluate((element) => {
    element.textContent = (element.textContent ?? '').replace(/instance [0-9a-f]+/, 'instance 000000000000');
  });
}

async function openWizard(page: Page): Promise<Locator> {
  await page.getByRole('table', { name: 'Models' }).waitFor({ timeout: TIMEOUT });
  await page.getByRole('button', { name: 'Add model' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add a model' });
  await dialog.waitFor({ timeout: TIMEOUT });
  return dialog;
}

/** Step 1 filled with a well-known model (its preset fills step 2), its key read from the environment. */
async function wizardAtStep(page: Page, step: 2 | 3) {
  const dialog = await openWizard(page);
  await dialog.getByRole('combobox', { name: /Upstream model name/ }).fill('claude-haiku-4-5');
  await page.keyboard.press('Escape');
  await dialog.getByRole('button', { name: 'Next' }).click();
  await dialog.getByRole('textbox', { name: /Context window/ }).waitFor({ timeout: TIMEOUT });
  if (step === 3) {
    await dialog.getByRole('button', { name: 'Next' }).click();
    await dialog.getByRole('textbox', { name: 'Model as YAML' }).waitFor({ timeout: TIMEOUT });
  }
}

/** The Routing page on one of its tabs, holding the policy in force (the built-in one: nothing applied). */
async function routingTab(page: Page, tab: string) {
  await page.getByTestId('policy-in-force').waitFor({ timeout: TIMEOUT });
  await page.getByRole('tab', { name: tab }).click();
}

/**
 * Every page of the console, in the deterministic state of scripts/visual.mjs (the seeded registry,
 * no traffic, the fixed clock). A new page is one line here; then `npm run test:visual -- --update`.
 */
export const PAGES: VisualPage[] = [
  { name: 'login', path: '/', signedOut: true, ready: (page) => page.getByLabel('Admin API key').waitFor({ timeout: TIMEOUT }) },
  { name: 'dashboard', path: '/', ready: (page) => heading(page, 'Dashboard') },
  { name: 'models', path: '/models', ready: (page) => page.getByRole('table', { name: 'Models' }).waitFor({ timeout: TIMEOUT }) },
  { name: 'model-overview', path: '/models/claude-sonnet', ready: (page) => modelTab(page, 'Overview') },
  { name: 'model-metrics', path: '/models/claude-sonnet', ready: (page) => modelTab(page, 'Metrics') },
  { name: 'model-decisions', path: '/models/claude-sonnet', ready: (page) => modelTab(page, 'Decisions') },
  { name: 'model-try-it', path: '/models/claude-sonnet', ready: (page) => modelTab(page, 'Try it') },
  { name: 'model-source', path: '/models/claude-sonnet', ready: (page) => modelTab(page, 'YAML / JSON') },
  { name: 'model-history', path: '/models/claude-sonnet', ready: (page) => modelTab(page, 'History') },
  { name: 'wizard-connection', path: '/models', ready: (page) => openWizard(page), viewportOnly: true },
  { name: 'wizard-capabilities', path: '/models', ready: (page) => wizardAtStep(page, 2), viewportOnly: true },
  { name: 'wizard-review', path: '/models', ready: (page) => wizardAtStep(page, 3), viewportOnly: true },
  { name: 'routing-rules', path: '/routing', ready: (page) => routingTab(page, 'Rules') },
  { name: 'routing-yaml', path: '/routing', ready: (page) => routingTab(page, 'YAML') },
  {
    name: 'routing-dry-run',
    path: '/routing',
    ready: async (page) => {
      await routingTab(page, 'Dry run');
      await page.getByRole('button', { name: 'Dry run with the edited policy' }).click();
      await page.getByTestId('dry-run-chain').waitFor({ timeout: TIMEOUT });
    },
  },
  { name: 'routing-history', path: '/routing', ready: (page) => routingTab(page, 'History') },
  { name: 'decisions', path: '/decisions', ready: (page) => page.getByTestId('decisions-scope').waitFor({ timeout: TIMEOUT }) },
  {
    name: 'monitoring',
    path: '/monitoring?range=15m',
    ready: async (page) => {
      await heading(page, 'Monitoring');
      await page.getByRole('img', { name: /^Failover timeline, / }).waitFor({ timeout: TIMEOUT });
    },
    // the preset ranges end at the server's now, not the browser's fixed clock: the charts' time axes
    // and the configuration markers (the seed's revisions, written at start) move from run to run,
    // and the live panels say since when (the server's first tick)
    mask: (page) => [page.locator('[_echarts_instance_]'), page.locator('section[aria-labelledby="live-charts-heading"]')],
  },
  {
    name: 'alerts',
    path: '/alerts',
    ready: alertsShown,
    mask: (page) => [page.getByTestId('alerts-as-of')],
  },
  {
    name: 'alerts-new-rule',
    path: '/alerts',
    mask: (page) => [page.getByTestId('alerts-as-of')],
    ready: async (page) => {
      await alertsShown(page);
      await page.getByRole('button', { name: 'New rule' }).click();
      const form = page.getByRole('form', { name: 'New alert rule' });
      await form.waitFor({ timeout: TIMEOUT });
      // the webhook headers editor with a row in it
      await form.getByRole('textbox', { name: 'Webhook URL' }).fill('https://hooks.example.com/grove');
      await form.getByRole('button', { name: 'Add header' }).click();
      await form.getByRole('textbox', { name: 'Header 1 name' }).fill('Authorization');
      await form.getByLabel('Header 1 value', { exact: true }).fill('Bearer example-token');
    },
  },
  {
    name: 'settings',
    path: '/settings',
    ready: (page) => page.getByRole('table', { name: 'API keys' }).waitFor({ timeout: TIMEOUT }),
    // the bootstrap admin key's id is drawn at random when Grove starts
    mask: (page) => [page.getByRole('table', { name: 'Signed-in key' }).getByRole('row', { name: /Key id/ }).getByRole('cell')],
  },
];
