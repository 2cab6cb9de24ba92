import { availableParallelism, loadavg } from 'node:os';
import type { Page } from 'playwright-core';
import { axeViolations } from './support/axe';
import { traceCpu } from './support/main-thread-cpu';
import { setScheme } from './support/scheme';
import type { E2EContext, E2ETest } from './models.e2e';

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

const TIMEOUT = 20_000;
const DEMO_MODELS = ['sim-swift', 'sim-sage', 'sim-flaky'];

/**
 * Traffic to the demo models by name (after the wizard a real model serves, so Grove's own demo
 * traffic has stopped): a few requests a second, sim-flaky's upstream failing half of its calls
 * until its circuit opens. Runs until stopped.
 */
function sendDemoTraffic(baseUrl: string, adminKey: string): () => Promise<void> {
  let running = true;
  const loop = async (model: string, pauseMs: number) => {
    while (running) {
      await fetch(`${baseUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model, messages: [{ role: 'user', content: 'Hello from the monitoring e2e' }], max_tokens: 40 }),
      }).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  };
  // sim-flaky's circuit opens on its error rate only with 20 calls in the breaker's 30 s window
  // (server/gateway/health.ts). One loop (a call, its fallback's when it fails, a pause) makes
  // about 20–30 a window: on a busy CI machine the circuit once did not open in 2.5 minutes.
  const loops = [...DEMO_MODELS.map((model, index) => loop(model, 150 + index * 100)), loop('sim-flaky', 200)];
  return async () => {
    running = false;
    await Promise.all(loops);
  };
}

/** A chart panel: a region named by its heading (the live charts' own region is "Live"). */
const section = (page: Page, title: string) => page.getByRole('region', { name: title, exact: true });

/** The main thread's long tasks (> 50 ms) over `ms`. */
function longTasks(page: Page, ms: number) {
  return page.evaluate(
    (duration) =>
      new Promise<{ count: number; totalMs: number; longestMs: number }>((resolve) => {
        const durations: number[] = [];
        const observer = new PerformanceObserver((list) => durations.push(...list.getEntries().map((entry) => entry.duration)));
        observer.observe({ type: 'longtask' });
        setTimeout(() => {
          observer.disconnect();
          resolve({ count: durations.length, totalMs: Math.round(durations.reduce((sum, value) => sum + value, 0)), longestMs: Math.round(Math.max(0, ...durations)) });
        }, duration);
      }),
    ms,
  );
}

/** Every URL the console's router goes to, recorded in the page (the Decisions page, from another branch, may not be there to stay on). */
async function recordRouterUrls(page: Page): Promise<() => Promise<string[]>> {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { groveVisited: string[] }).groveVisited = seen;
    for (const method of ['pushState', 'replaceState'] as const) {
      const original = history[method].bind(history);
      history[method] = (data: unknown, unused: string, url?: string | URL | null) => {
        if (url) seen.push(new URL(url, location.href).href);
        original(data, unused, url);
      };
    }
  });
  return () => page.evaluate(() => (window as unknown as { groveVisited?: string[] }).groveVisited ?? []);
}

let stopTraffic: (() => Promise<void>) | null = null;

/** The Monitoring page; runs after wizard.e2e.ts (logged in, a real model registered). */
export const tests: E2ETest[] = [
  {
    name: 'monitoring: live charts move, the heatmap and the failover timeline render (light and dark, axe)',
    async run({ page, baseUrl, adminKey, screenshot }: E2EContext) {
      stopTraffic = sendDemoTraffic(baseUrl, adminKey);
      await page.goto(`${baseUrl}/monitoring?range=15m`);
      await setScheme(page, 'light');
      await page.getByRole('heading', { name: 'Monitoring', level: 2 }).waitFor({ timeout: TIMEOUT });
      // the live chart: a line per model, moving
      const live = section(page, 'Live latency p95 per model');
      await live.getByRole('img', { name: /sim-swift p95: latest \d/ }).waitFor({ timeout: TIMEOUT });
      const before = await live.locator('div[role="img"]').getAttribute('aria-label');
      await page.waitForFunction((text) => [...document.querySelectorAll('section [role="img"]')].some((element) => element.getAttribute('aria-label')?.startsWith('Live latency') && element.getAttribute('aria-label') !== text), before, { timeout: TIMEOUT });
      // the history: rollups of the minutes just served
      await section(page, 'Latency distribution').getByRole('img', { name: /requests; most took/ }).waitFor({ timeout: 90_000 });
      // sim-flaky fails half its calls: its circuit opens within the breaker's window
      const timeline = section(page, 'Failover timeline');
      await timeline.getByRole('img', { name: /sim-flaky: (circuit open|degraded)/ }).waitFor({ timeout: 60_000 });
      const description = await timeline.locator('div[role="img"]').getAttribute('aria-label');
      console.log(`    timeline: ${description}`);
      await page.waitForTimeout(1_500);
      await screenshot('monitoring-1-fleet-light');
      const violations = await axeViolations(page, 'monitoring, light');

      await page.getByRole('combobox', { name: 'Model' }).click();
      await page.getByRole('option', { name: 'sim-sage' }).click();
      await section(page, 'Live latency').getByRole('img', { name: /p99: latest/ }).waitFor({ timeout: TIMEOUT });
      check(page.url().includes('model=sim-sage'), `the URL does not carry the model: ${page.url()}`);
      await page.waitForTimeout(1_500);
      await screenshot('monitoring-2-model-light');

      await setScheme(page, 'dark');
      await page.waitForTimeout(1_500);
      await screenshot('monitoring-3-model-dark');
      violations.push(...(await axeViolations(page, 'monitoring, dark')));
      await setScheme(page, 'light');
      check(violations.length === 0, `axe-core found violations:\n      ${violations.join('\n      ')}`);
    },
  },
  {
    name: 'monitoring: a time in a chart\'s table, followed by keyboard, opens that moment\'s decisions',
    async run({ page, baseUrl, screenshot }: E2EContext) {
      const visited = await recordRouterUrls(page);
      // by keyboard: the chart's moments, from its table view
      await page.goto(`${baseUrl}/monitoring?range=15m&model=sim-swift`);
      const latency = section(page, 'Latency');
      await latency.locator('div[role="img"]').waitFor({ timeout: TIMEOUT });
      await latency.getByRole('switch', { name: 'View as table' }).focus();
      await page.keyboard.press('Space');
      const row = latency.getByRole('link', { name: /^Decisions from \d\d:\d\d for 1 minutes$/ }).first();
      await row.waitFor({ timeout: TIMEOUT });
      await screenshot('monitoring-4-table');
      await row.focus();
      await page.keyboard.press('Enter');
      await page.waitForTimeout(500);
      const followed = (await visited()).find((url) => url.includes('/decisions?'));
      check(followed !== undefined && new URL(followed).searchParams.get('model') === 'sim-swift', `Enter on a table time did not open its decisions; visited ${(await visited()).join(', ')}`);
    },
  },
  {
    name: 'monitoring: clicking a point of a chart opens that moment\'s decisions',
    async run({ page, baseUrl, screenshot }: E2EContext) {
      // a custom range does not move: the chart's points and its table stay the same while the test reads them
      const to = Date.now();
      await page.goto(`${baseUrl}/monitoring?model=sim-swift&from=${new Date(to - 15 * 60_000).toISOString()}&to=${new Date(to).toISOString()}`);
      const latency = section(page, 'Latency');
      const chart = latency.locator('div[role="img"]');
      await chart.waitFor({ timeout: TIMEOUT });
      // the chart's newest point with data, by its table: the link a click on it must follow
      await latency.getByRole('switch', { name: 'View as table' }).check();
      const rows = latency.locator('tbody tr');
      await rows.first().waitFor({ timeout: TIMEOUT });
      let expected: { href: string; minute: string } | undefined;
      for (const row of await rows.all()) {
        const cells = await row.locator('td').allInnerTexts();
        if (cells.slice(1).every((cell) => cell.trim() === 'no data')) continue;
        const link = row.getByRole('link', { name: /^Decisions from (\d\d:\d\d) / });
        expected = { href: (await link.getAttribute('href'))!, minute: /(\d\d:\d\d)/.exec((await link.getAttribute('aria-label')) ?? (await link.innerText()))![1]! };
        break;
      }
      check(expected !== undefined, 'the Latency chart of sim-swift has no point with data');
      await latency.getByRole('switch', { name: 'View as table' }).uncheck();
      await chart.locator('svg').waitFor({ timeout: TIMEOUT });

      // the rightmost point drawn: ECharts draws each point's symbol as a path placed by its transform (SVG renderer)
      const point = await chart.evaluate((element) => {
        const symbols = [...element.querySelectorAll('svg path[transform^="matrix("]')].map((path) => path.getAttribute('transform')!.match(/matrix\([^,]+,[^,]+,[^,]+,[^,]+,([^,]+),([^)]+)\)/)).filter((match) => match !== null);
        const at = symbols.map((match) => ({ x: Number(match[1]), y: Number(match[2]) }));
        return at.length ? at.reduce((right, candidate) => (candidate.x > right.x ? candidate : right)) : null;
      });
      check(point !== null, 'the Latency chart drew no point to click');
      await chart.hover({ position: point });
      await screenshot('monitoring-5-point-hovered');
      await chart.click({ position: point });

      await page.getByRole('heading', { name: 'Decisions', level: 2 }).waitFor({ timeout: TIMEOUT });
      const opened = new URL(page.url());
      check(`${opened.pathname}${opened.search}` === expected.href, `the click opened ${opened.pathname}${opened.search}, not the point's moment ${expected.href}`);
      const range = { from: Date.parse(opened.searchParams.get('from')!), to: Date.parse(opened.searchParams.get('to')!) };
      check(opened.searchParams.get('model') === 'sim-swift' && range.to - range.from === 60_000, `not a minute of sim-swift: ${opened.search}`);
      const table = page.getByRole('table', { name: 'Decisions' });
      await table.locator('tbody tr').first().waitFor({ timeout: TIMEOUT });
      const times = await table.locator('tbody tr td:nth-child(1)').allInnerTexts();
      // the model filter holds a decision that tried sim-swift and ended with no model serving, too
      const rowTexts = await table.locator('tbody tr').allInnerTexts();
      check(times.every((time) => time.includes(`${expected.minute}:`)), `decisions outside ${expected.minute}: ${times.slice(0, 5).join(', ')}`);
      check(rowTexts.every((text) => text.includes('sim-swift')), `decisions without sim-swift: ${rowTexts.filter((text) => !text.includes('sim-swift')).slice(0, 3).join(' | ')}`);
      console.log(`    clicked the point of ${expected.minute}: ${times.length} decisions of sim-swift from that minute`);
      await screenshot('monitoring-6-point-decisions');
    },
  },
  {
    name: 'monitoring: the live page stays smooth while ticks arrive (long tasks, measured)',
    async run({ page, baseUrl }: E2EContext) {
      try {
        await page.goto(`${baseUrl}/monitoring?range=1h`);
        const live = section(page, 'Live latency p95 per model');
        await live.getByRole('img', { name: /sim-swift p95: latest/ }).waitFor({ timeout: TIMEOUT });
        await page.waitForTimeout(3_000);
        const cdp = await page.context().newCDPSession(page);
        const { result: tasks, cpu } = await traceCpu(cdp, () => longTasks(page, 10_000));
        await cdp.detach();
        const panels = await page.evaluate(() => document.querySelectorAll('section').length);
        const load = loadavg()[0]!;
        console.log(`    live monitoring page (${DEMO_MODELS.length} models with traffic, ${panels} panels), 10 s of ticks (load average ${load.toFixed(1)} on ${availableParallelism()} cores): ${tasks.count} long tasks, ${tasks.totalMs} ms in them (longest ${tasks.longestMs} ms)`);
        console.log(`    main thread CPU (from a trace): ${cpu.totalMs} ms; ${cpu.longTasks.count} tasks over 50 ms of CPU, ${cpu.longTasks.totalMs} ms in them; chart updates ${cpu.chartUpdates.count}, mean ${cpu.chartUpdates.meanMs} ms of CPU`);
        console.log(`    smoothness target (under 1,000 ms of 10 s in long tasks): ${tasks.totalMs < 1_000 ? 'met' : 'missed'}`);
        // the target, judged on CPU whatever the load (a task of over 50 ms of CPU is a long task on
        // any machine), and in wall time when the machine is not oversubscribed: 677 ms of long
        // tasks were measured at a load average of 7.6 on 2 cores (docs/performance.md, "Console")
        check(cpu.longTasks.totalMs < 1_000, `the live monitoring page spent ${cpu.longTasks.totalMs} ms of CPU in tasks over 50 ms in 10 s`);
        if (load <= availableParallelism()) check(tasks.totalMs < 1_000, `the live monitoring page spent ${tasks.totalMs} ms of 10 s in long tasks`);
        else console.log(`    (long tasks in wall time not judged: load average ${load.toFixed(1)} on ${availableParallelism()} cores)`);
      } finally {
        await stopTraffic?.();
        stopTraffic = null;
      }
    },
  },
];
