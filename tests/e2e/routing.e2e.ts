import type { Page } from 'playwright-core';
import type { E2ETest } from './models.e2e';
import { setScheme } from './support/scheme';
import { lookInBothSchemes } from './wizard.e2e';

/**
 * The routing editor, after wizard.e2e.ts registered `e2e-wizard-mini` against the fake upstream:
 * a rule routes the task type `summarize` to it, the dry run shows the unsaved rule matching, the
 * save makes it the policy in force, and a real request with that task type is served by it.
 */
function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

const TIMEOUT = 15_000;
const MODEL_ID = 'e2e-wizard-mini';
const RULE = 'summaries';
const TASK_TYPE = 'summarize';

async function openRouting(page: Page) {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Routing' }).click();
  await page.getByTestId('policy-in-force').waitFor({ timeout: TIMEOUT });
}

/** A decision is written by the batched writer shortly after the answer: asked again until it is. */
async function loggedRule(baseUrl: string, adminKey: string, decisionId: string): Promise<string | null> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const response = await fetch(`${baseUrl}/api/v1/decisions/${encodeURIComponent(decisionId)}`, { headers: { authorization: `Bearer ${adminKey}` } });
    if (response.ok) return ((await response.json()) as { rule: string | null }).rule;
    await response.arrayBuffer();
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`decision ${decisionId} was never written`);
}

export const tests: E2ETest[] = [
  {
    name: 'adds a rule routing a task type to a model, sees it match in a dry run, saves it',
    async run({ page, screenshot }) {
      await setScheme(page, 'light');
      await openRouting(page);
      await lookInBothSchemes(page, screenshot, 'routing-1-rules');

      await page.getByRole('button', { name: 'Add a rule' }).click();
      const name = page.getByRole('textbox', { name: /^Name of rule / });
      await name.fill(RULE);
      await page.getByRole('button', { name: `Add a condition to rule ${RULE}` }).click();
      await page.getByRole('menuitem', { name: 'Task type' }).click();
      const taskType = page.getByRole('combobox', { name: `Task type of rule ${RULE}` });
      await taskType.fill(TASK_TYPE);
      await taskType.press('Enter');
      await page.getByRole('combobox', { name: `Strategy of rule ${RULE}` }).click();
      await page.getByRole('option', { name: 'pinned: the listed models, in order' }).click();
      // before a model is given, the problem is beside the field and Save waits
      await page.getByText('a pinned route must list its models').waitFor({ timeout: TIMEOUT });
      await screenshot('routing-2-rule-with-problem');
      const pinned = page.getByRole('combobox', { name: `Pinned models of rule ${RULE}` });
      await pinned.fill(MODEL_ID);
      await pinned.press('Enter');
      // the suggestions stay open while the field has focus; an operator moves on
      await pinned.press('Escape');
      await page.getByText('a pinned route must list its models').waitFor({ state: 'detached', timeout: TIMEOUT });
      await lookInBothSchemes(page, screenshot, 'routing-3-rule-editor');

      await page.getByRole('tab', { name: 'YAML' }).click();
      const yaml = await page.getByRole('textbox', { name: 'Policy as YAML' }).inputValue();
      check(yaml.includes(`name: ${RULE}`) && yaml.includes(`taskType: ${TASK_TYPE}`) && yaml.includes(`- ${MODEL_ID}`), `the YAML view does not hold the rule:\n${yaml}`);
      await lookInBothSchemes(page, screenshot, 'routing-4-yaml');

      await page.getByRole('tab', { name: 'Dry run' }).click();
      await page.getByRole('textbox', { name: 'Task type' }).fill(TASK_TYPE);
      await page.getByRole('button', { name: 'Dry run with the edited policy' }).click();
      const matched = page.getByTestId('dry-run-rule');
      await matched.waitFor({ timeout: TIMEOUT });
      const matchedText = await matched.innerText();
      check(matchedText.includes(`Matched rule ${RULE}`), `the dry run did not match the unsaved rule: ${matchedText}`);
      const chain = await page.getByTestId('dry-run-chain').innerText();
      check(chain.includes(`1. ${MODEL_ID}`), `the dry run's chain does not start with ${MODEL_ID}: ${chain}`);
      await lookInBothSchemes(page, screenshot, 'routing-5-dry-run');

      await page.getByRole('button', { name: /^Save as revision/ }).click();
      const saved = page.getByTestId('saved-result');
      await saved.waitFor({ timeout: TIMEOUT });
      check((await saved.innerText()).includes('exactly the one you saved'), 'the saved policy did not read back as sent');
      await screenshot('routing-6-saved');
    },
  },
  {
    name: 'a request with that task type is served by the model, its decision naming the rule',
    async run({ page, baseUrl, adminKey, screenshot }) {
      const response = await fetch(`${baseUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: 'Summarize: the cat sat on the mat.' }], grove: { taskType: TASK_TYPE } }),
      });
      const body = await response.text();
      check(response.status === 200, `the request answered ${response.status}: ${body}`);
      const served = response.headers.get('x-grove-model');
      check(served === MODEL_ID, `served by ${served}, not ${MODEL_ID}`);
      const decisionId = response.headers.get('x-grove-decision-id');
      check(decisionId !== null, 'no x-grove-decision-id header');
      const rule = await loggedRule(baseUrl, adminKey, decisionId);
      check(rule === RULE, `the logged decision names rule ${rule}, not ${RULE}`);

      await page.getByRole('tab', { name: 'History' }).click();
      await page.getByRole('table', { name: 'Revision history' }).waitFor({ timeout: TIMEOUT });
      await lookInBothSchemes(page, screenshot, 'routing-7-history');
    },
  },
];
