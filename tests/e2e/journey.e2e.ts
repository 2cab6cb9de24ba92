import OpenAI from 'openai';
import type { Page } from 'playwright-core';
import type { FakeUpstream } from '../fakes/fake-upstream';
import { startFakeWebhook, type FakeWebhook } from '../fakes/fake-webhook';
import type { E2EContext, E2ETest } from './models.e2e';

/**
 * The operator's journey of issue 16, end to end, after routing.e2e.ts saved the rule `summaries`
 * (task type `summarize` → the wizard's model `e2e-wizard-mini`, served by the fake upstream):
 * give the rule a fallback and put an alert on the model's circuit, through the console; see the
 * rule's traffic on the live chart and in the decisions list; break the upstream (the network edge:
 * it resets every connection) and see the failover, the circuit open on the timeline, the alert
 * fire and its webhook arrive; fix it and see the alert resolve.
 */
export interface JourneyContext extends E2EContext {
  /** the fake OpenAI-compatible upstream the wizard's model calls */
  upstream: FakeUpstream;
}

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

const TIMEOUT = 20_000;
const MODEL_ID = 'e2e-wizard-mini';
const FALLBACK = 'sim-swift';
const RULE = 'summaries';
const ALERT = 'journey-mini-circuit';

let receiver: FakeWebhook | null = null;

/**
 * An application's call: the OpenAI SDK, the task type in Grove's header. Who served it, or the
 * error's status with what Grove said and its decision's chain (so that a failure explains itself).
 */
async function summarize(baseUrl: string, key: string): Promise<{ model: string | null; status: number | string }> {
  const openai = new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey: key, maxRetries: 0, timeout: TIMEOUT, defaultHeaders: { 'x-grove-task-type': 'summarize' } });
  try {
    const completion = await openai.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'Summarize: the operator watched the fleet.' }] });
    return { model: completion.model, status: 200 };
  } catch (error) {
    if (!(error instanceof OpenAI.APIError) || error.status === undefined) throw error;
    const decisionId = error.headers?.get('x-grove-decision-id');
    const decision = decisionId ? await fetch(`${baseUrl}/api/v1/decisions/${decisionId}`, { headers: { authorization: `Bearer ${key}` } }).then((response) => response.text()).catch(() => '') : '';
    return { model: null, status: `${error.status}: ${error.message}; decision ${decisionId ?? 'none'} ${decision.slice(0, 1_500)}` };
  }
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = TIMEOUT): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function circuitOf(baseUrl: string, adminKey: string, modelId: string): Promise<string> {
  const response = await fetch(`${baseUrl}/api/v1/health/models`, { headers: { authorization: `Bearer ${adminKey}` } });
  const { items } = (await response.json()) as { items: Array<{ modelId: string; circuit: string }> };
  return items.find((item) => item.modelId === modelId)?.circuit ?? 'unknown';
}

const webhooks = (state: 'firing' | 'resolved') => (receiver?.received ?? []).filter((post) => {
  const body = post.body as { alert?: string; state?: string; test?: boolean };
  return body.alert === ALERT && body.state === state && !body.test;
});

async function navigate(page: Page, label: string) {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label }).click();
  await page.getByRole('heading', { name: label, level: 2 }).waitFor({ timeout: TIMEOUT });
}

export const tests: E2ETest[] = [
  {
    name: "journey: a fallback for the rule and an alert on its model's circuit, set in the console",
    async run({ page, screenshot }) {
      receiver = await startFakeWebhook();
      await navigate(page, 'Routing');
      await page.getByTestId('policy-in-force').waitFor({ timeout: TIMEOUT });
      // the routing tests left the page on its History tab
      await page.getByRole('tab', { name: 'Rules' }).click();
      await page.getByRole('button', { name: `Edit rule ${RULE}` }).click();
      const pinned = page.getByRole('combobox', { name: `Pinned models of rule ${RULE}` });
      await pinned.fill(FALLBACK);
      await pinned.press('Enter');
      await pinned.press('Escape');
      await page.getByRole('button', { name: /^Save as revision/ }).click();
      await page.getByTestId('saved-result').waitFor({ timeout: TIMEOUT });

      await navigate(page, 'Alerts');
      await page.getByRole('button', { name: 'New rule' }).click();
      const form = page.getByRole('form', { name: 'New alert rule' });
      await form.getByRole('textbox', { name: /^Id/ }).fill(ALERT);
      await form.getByRole('combobox', { name: 'Metric' }).click();
      await page.getByRole('option', { name: 'open circuits (count)' }).click();
      await form.getByRole('combobox', { name: 'Model' }).click();
      await page.getByRole('option', { name: MODEL_ID, exact: true }).click();
      await form.getByRole('combobox', { name: 'Comparator' }).click();
      await page.getByRole('option', { name: '>=', exact: true }).click();
      await form.getByRole('textbox', { name: 'Threshold (count)' }).fill('1');
      await form.getByRole('textbox', { name: 'Webhook URL' }).fill(receiver.url);
      await screenshot('journey-1-alert-form');
      await form.getByRole('button', { name: 'Create rule' }).click();
      await form.waitFor({ state: 'detached', timeout: TIMEOUT });
      await page.getByRole('table', { name: 'Alert rules' }).getByText(`open circuits of ${MODEL_ID} >= 1`).waitFor({ timeout: TIMEOUT });
    },
  },
  {
    name: 'journey: requests with the task type show on the live chart and in the decisions list with the rule',
    async run({ page, baseUrl, adminKey, screenshot }) {
      for (let index = 0; index < 5; index++) {
        const answer = await summarize(baseUrl, adminKey);
        check(answer.model === MODEL_ID, `a summarize request was served by ${answer.model ?? `nobody (${answer.status})`}, not ${MODEL_ID}`);
      }
      await page.goto(`${baseUrl}/monitoring?model=${MODEL_ID}&range=15m`);
      await page.getByRole('region', { name: 'Live latency', exact: true }).getByRole('img', { name: /p99: latest \d/ }).waitFor({ timeout: TIMEOUT });
      await screenshot('journey-2-monitoring-live');

      await page.goto(`${baseUrl}/decisions?rule=${RULE}`);
      const table = page.getByRole('table', { name: 'Decisions' });
      await table.getByRole('row').filter({ hasText: RULE }).filter({ hasText: MODEL_ID }).first().waitFor({ timeout: TIMEOUT });
      const rows = await table.getByRole('row').count();
      check(rows >= 6, `the decisions list filtered by rule ${RULE} shows ${rows - 1} rows, not at least 5`);
      await screenshot('journey-3-decisions-by-rule');
    },
  },
  {
    name: 'journey: the upstream breaks: requests fail over, the circuit opens on the timeline, the alert fires and its webhook arrives',
    async run({ page, baseUrl, adminKey, screenshot, upstream }: JourneyContext) {
      // the network edge fails: every connection to the model's upstream is reset before it answers
      upstream.setBehavior({ reset: 'before-headers' });
      for (let index = 0; index < 4; index++) {
        const answer = await summarize(baseUrl, adminKey);
        check(answer.model === FALLBACK, `with ${MODEL_ID}'s upstream down, a summarize request was served by ${answer.model ?? `nobody (${answer.status})`}, not its fallback ${FALLBACK}`);
      }
      check((await circuitOf(baseUrl, adminKey, MODEL_ID)) === 'open', `${MODEL_ID}'s circuit did not open after its connections were reset`);

      await page.goto(`${baseUrl}/monitoring?model=${MODEL_ID}&range=15m`);
      const timeline = page.getByRole('region', { name: 'Failover timeline', exact: true });
      await timeline.getByRole('img', { name: new RegExp(`${MODEL_ID}: (circuit open|degraded)`) }).waitFor({ timeout: 30_000 });
      await screenshot('journey-4-timeline-circuit-open');

      await until('the firing webhook', () => (webhooks('firing').length > 0 ? true : undefined));
      await navigate(page, 'Alerts');
      await page.getByTestId(`firing-${ALERT}`).waitFor({ timeout: TIMEOUT });
      await screenshot('journey-5-alert-firing');
    },
  },
  {
    name: 'journey: the upstream is fixed: the model serves again by itself and the alert resolves',
    async run({ page, baseUrl, adminKey, screenshot, upstream }: JourneyContext) {
      upstream.setBehavior({});
      // after the breaker's cooldown one request probes the model; it answers, and the circuit closes
      await until(`${MODEL_ID} to serve again`, async () => ((await summarize(baseUrl, adminKey)).model === MODEL_ID ? true : undefined), 60_000);
      await until('the resolved webhook', () => (webhooks('resolved').length > 0 ? true : undefined));
      await page.getByTestId(`firing-${ALERT}`).waitFor({ state: 'detached', timeout: TIMEOUT });
      await page.getByRole('table', { name: 'Recent alerts' }).getByRole('row').filter({ hasText: ALERT }).first().waitFor({ timeout: TIMEOUT });
      await screenshot('journey-6-alert-resolved');
      const fired = webhooks('firing')[0]!.body as { value: number; threshold: number; model: string };
      check(fired.model === MODEL_ID && fired.value >= fired.threshold, `the firing webhook's body is wrong: ${JSON.stringify(fired)}`);
      await receiver?.close();
      receiver = null;
    },
  },
];
