import { availableParallelism, loadavg } from 'node:os';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import type { E2ETest } from './models.e2e';
import { axeViolations } from './support/axe';
import { setScheme } from './support/scheme';

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

const TIMEOUT = 15_000;

/** "1,234 requests" in the scope line of the requests-per-second figure. */
async function requestCount(page: Page): Promise<number> {
  const text = await page.getByRole('listitem').filter({ hasText: 'Requests per second' }).innerText();
  const match = /([\d,]+) requests/.exec(text);
  return match ? Number(match[1]!.replace(/,/g, '')) : -1;
}

interface FirstLoad {
  interactiveMs: number;
  domInteractive: number;
  entryKb: number;
  allKb: number;
}

/** One visit in a fresh context (nothing cached, the key saved as after an earlier visit). */
async function firstLoad(page: Page, baseUrl: string, adminKey: string): Promise<FirstLoad> {
  const context = await page.context().browser()!.newContext({ viewport: { width: 1440, height: 900 } });
  try {
    await context.addInitScript((key) => window.localStorage.setItem('grove.adminKey', key), adminKey);
    const fresh = await context.newPage();
    const bodies: Array<Promise<{ url: string; gzip: number }>> = [];
    fresh.on('response', (response) => {
      if (response.url().endsWith('.js')) bodies.push(response.body().then((body) => ({ url: response.url(), gzip: gzipSync(body).length })));
    });
    const started = Date.now();
    await fresh.goto(baseUrl);
    await fresh.getByRole('heading', { name: 'Dashboard' }).waitFor({ timeout: TIMEOUT });
    const interactiveMs = Date.now() - started;
    const domInteractive = await fresh.evaluate(() => Math.round((performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).domInteractive));
    await fresh.waitForLoadState('networkidle');
    await fresh.locator('[data-model-card] svg').first().waitFor({ timeout: TIMEOUT });
    const scripts = await Promise.all(bodies);
    const entry = scripts.filter((script) => /\/index-[^/]+\.js$/.test(script.url));
    check(entry.length === 1, `expected one entry script, saw ${entry.length}`);
    const kb = (list: typeof scripts) => list.reduce((sum, script) => sum + script.gzip, 0) / 1024;
    return { interactiveMs, domInteractive, entryKb: kb(entry), allKb: kb(scripts) };
  } finally {
    await context.close();
  }
}

/** The living demo, the dashboard and a model page; runs after models.e2e.ts (logged in). */
export const tests: E2ETest[] = [
  {
    name: 'first load: gzipped JavaScript and time to the dashboard, measured',
    async run({ page, baseUrl, adminKey }) {
      const loads: FirstLoad[] = [];
      for (let round = 0; round < 3; round++) loads.push(await firstLoad(page, baseUrl, adminKey));
      const [first] = loads;
      const entryKb = first!.entryKb;
      console.log(
        `    first load: ${entryKb.toFixed(1)} KB gzipped JS before any chart (1 file); ${first!.allKb.toFixed(1)} KB with ECharts loaded by the dashboard's sparklines; ` +
          `dashboard heading after ${loads.map((load) => `${load.interactiveMs} ms`).join(', ')} in three fresh loads (DOM interactive ${loads.map((load) => load.domInteractive).join(', ')} ms)`,
      );
      check(entryKb <= 400, `the first load sends ${entryKb.toFixed(1)} KB of gzipped JS, over 400 KB`);
      // the 1 s target is what the code allows, judged on the fastest of three loads: one slow load
      // says the shared machine was busy at that moment; three slow ones on a machine that is not
      // oversubscribed say the page is slow
      const fastest = Math.min(...loads.map((load) => load.interactiveMs));
      const load = loadavg()[0]!;
      if (load <= availableParallelism()) check(fastest <= 1_000, `the dashboard took at least ${fastest} ms to appear on loopback (fastest of three), over 1 s`);
      else console.log(`    (1 s target not checked: load average ${load.toFixed(1)} on ${availableParallelism()} cores)`);
    },
  },
  {
    name: 'the dashboard moves in demo mode, and says it is demo traffic',
    async run({ page, baseUrl, screenshot }) {
      await page.goto(baseUrl);
      await setScheme(page, 'light');
      await page.getByTestId('demo-mode-banner').waitFor({ timeout: TIMEOUT });
      check((await page.getByTestId('demo-mode-banner').innerText()).includes('demo traffic Grove sends itself'), 'the banner does not say the traffic is demo traffic');
      await page.locator('[data-figure="Requests per second"]').waitFor({ timeout: TIMEOUT });
      const first = await requestCount(page);
      await page.waitForFunction(
        (before) => {
          const item = [...document.querySelectorAll('[role="listitem"]')].find((element) => element.textContent?.includes('Requests per second'));
          const match = /([\d,]+) requests/.exec(item?.textContent ?? '');
          return match !== null && Number(match[1]!.replace(/,/g, '')) > before;
        },
        first,
        { timeout: 20_000 },
      );
      const second = await requestCount(page);
      console.log(`    demo traffic: ${first} → ${second} requests in the last hour`);
      await page.waitForFunction(() => [...document.querySelectorAll('[data-live-p95]')].some((element) => /\d ms$/.test(element.textContent ?? '')), null, { timeout: 20_000 });
      check((await page.locator('[data-model-card] svg').count()) > 0, 'no sparkline was drawn');
      // smoothness: the main thread's long tasks (> 50 ms) while ten-odd live cards tick for 5 s
      const longTasks = await page.evaluate(
        () =>
          new Promise<{ count: number; totalMs: number }>((resolve) => {
            const durations: number[] = [];
            const observer = new PerformanceObserver((list) => durations.push(...list.getEntries().map((entry) => entry.duration)));
            observer.observe({ type: 'longtask' });
            setTimeout(() => {
              observer.disconnect();
              resolve({ count: durations.length, totalMs: Math.round(durations.reduce((sum, value) => sum + value, 0)) });
            }, 5_000);
          }),
      );
      const cards = await page.locator('[data-model-card]').count();
      console.log(`    live dashboard, ${cards} cards with sparklines, 5 s: ${longTasks.count} long tasks, ${longTasks.totalMs} ms in them`);
      if (loadavg()[0]! <= availableParallelism()) check(longTasks.totalMs < 500, `the live dashboard spent ${longTasks.totalMs} ms of 5 s in long tasks`);
      await screenshot('10-dashboard-demo-light');
      const violations = await axeViolations(page, 'dashboard, light');
      await setScheme(page, 'dark');
      await page.waitForTimeout(1_000);
      await screenshot('11-dashboard-demo-dark');
      violations.push(...(await axeViolations(page, 'dashboard, dark')));
      check(violations.length === 0, `axe-core found violations:\n      ${violations.join('\n      ')}`);
    },
  },
  {
    name: 'a demo model page: metrics charts, a decision, revisions, Try it',
    async run({ page, baseUrl, screenshot }) {
      await page.goto(`${baseUrl}/models/sim-sage`);
      await setScheme(page, 'light');
      await page.getByRole('heading', { name: 'Simulated Sage', level: 2 }).waitFor({ timeout: TIMEOUT });
      await page.getByRole('heading', { name: 'Capability profile' }).waitFor({ timeout: TIMEOUT });
      await screenshot('12-model-overview-light');
      await page.getByRole('tab', { name: 'Metrics' }).click();
      await page.locator('.mantine-SegmentedControl-label', { hasText: /^15m$/ }).click();
      await page.locator('section svg').first().waitFor({ timeout: TIMEOUT });
      await page.waitForTimeout(1_500);
      await screenshot('13-model-metrics-light');
      const violations = await axeViolations(page, 'model metrics, light');
      const latency = page.locator('section').filter({ has: page.getByRole('heading', { name: 'Latency', exact: true }) });
      // by keyboard: every control of a chart panel works without a mouse
      await latency.getByRole('switch', { name: 'View as table' }).focus();
      await page.keyboard.press('Space');
      await latency.getByRole('table').waitFor({ timeout: TIMEOUT });
      await screenshot('14-model-metrics-table');
      await page.keyboard.press('Space');
      await setScheme(page, 'dark');
      await page.waitForTimeout(1_000);
      await screenshot('15-model-metrics-dark');
      violations.push(...(await axeViolations(page, 'model metrics, dark')));
      await setScheme(page, 'light');

      await page.getByRole('tab', { name: 'Decisions' }).click();
      const decisions = page.getByRole('table', { name: 'Recent decisions' });
      await decisions.waitFor({ timeout: TIMEOUT });
      await decisions.getByRole('button', { name: /^Open decision/ }).first().click();
      await page.getByRole('dialog', { name: 'Routing decision' }).getByRole('table', { name: 'Candidates' }).waitFor({ timeout: TIMEOUT });
      await screenshot('16-model-decision');
      violations.push(...(await axeViolations(page, 'decision dialog, light')));
      await page.keyboard.press('Escape');

      await page.getByRole('tab', { name: 'Try it' }).click();
      await page.getByRole('button', { name: 'Send to sim-sage' }).click();
      await page.getByTestId('try-it-meta').filter({ hasText: /cost \$/ }).waitFor({ timeout: TIMEOUT });
      await screenshot('17-model-try-it');
      await page.getByRole('tab', { name: 'History' }).click();
      await page.getByRole('table', { name: 'Revision history' }).waitFor({ timeout: TIMEOUT });
      await screenshot('18-model-history');
      check(violations.length === 0, `axe-core found violations:\n      ${violations.join('\n      ')}`);
    },
  },
];
