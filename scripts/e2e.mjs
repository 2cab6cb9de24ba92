#!/usr/bin/env node
// End-to-end run of the console against a real Grove process, driven by Debian's Chromium.
// Plain node (not vitest): `node scripts/e2e.mjs`. Prints "e2e: N passed, M failed"; exits 1 on any failure.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { register } from 'tsx/esm/api';
import { CHROMIUM, CHROMIUM_ARGS, ensureChromium, ensureConsoleBuilt } from './browser-setup.mjs';

const ADMIN_KEY = 'grove-e2e-admin-key-0123456789';
const SCREENSHOTS = join(process.cwd(), 'test-results', 'e2e');

// exiting runs the server's kill-on-exit hook (tests/e2e/grove-process.ts)
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(1));

async function main() {
  ensureChromium();
  ensureConsoleBuilt();
  // only this run's screenshots, so nobody looks at a stale one
  rmSync(SCREENSHOTS, { recursive: true, force: true });
  mkdirSync(SCREENSHOTS, { recursive: true });

  register();
  const { startGroveProcess } = await import('../tests/e2e/grove-process.ts');
  const { tests: modelTests } = await import('../tests/e2e/models.e2e.ts');
  const { tests: dashboardTests } = await import('../tests/e2e/dashboard.e2e.ts');
  const { tests: wizardTests } = await import('../tests/e2e/wizard.e2e.ts');
  const { tests: routingTests } = await import('../tests/e2e/routing.e2e.ts');
  const { tests: decisionsTests } = await import('../tests/e2e/decisions.e2e.ts');
  const { tests: alertsTests } = await import('../tests/e2e/alerts.e2e.ts');
  const { tests: monitoringTests } = await import('../tests/e2e/monitoring.e2e.ts');
  const { tests: monitoringLoadTests } = await import('../tests/e2e/monitoring-load.e2e.ts');
  const { tests: journeyTests } = await import('../tests/e2e/journey.e2e.ts');
  const { startFakeOpenAI } = await import('../tests/fakes/index.ts');
  // the dashboard is seen moving in demo mode, before the wizard registers a real model and ends it;
  // the operator's journey comes last: it builds on the rule the routing tests saved; the
  // monitoring load test runs a Grove of its own and leaves the shared one as it found it
  const tests = [...modelTests, ...dashboardTests, ...wizardTests, ...routingTests, ...decisionsTests, ...alertsTests, ...monitoringTests, ...monitoringLoadTests, ...journeyTests];
  const { chromium } = await import('playwright-core');

  let passed = 0;
  let failed = 0;
  let grove;
  let browser;
  let upstream;
  try {
    // the upstream the wizard registers a model against: the network edge, faked on loopback
    upstream = await startFakeOpenAI();
    // the living demo on: the dashboard is seen moving
    grove = await startGroveProcess({ adminKey: ADMIN_KEY, env: { GROVE_DEMO_TRAFFIC: 'on' } });
    console.log(`e2e: Grove pid ${grove.pid} at ${grove.url}`);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
    });
    // a context of our own: axe-core (@axe-core/playwright) refuses a page of the default one
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'light' });
    const page = await context.newPage();
    const browserErrors = [];
    page.on('pageerror', (error) => browserErrors.push(error.message));
    const screenshot = (name) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true }).then(() => undefined);

    let previousFailed = false;
    for (const test of tests) {
      // each test builds on the one before: after a failure the rest cannot mean anything
      if (previousFailed) {
        failed += 1;
        console.log(`  - ${test.name} (skipped after a failure, counted as failed)`);
        continue;
      }
      const started = Date.now();
      try {
        await test.run({ page, baseUrl: grove.url, adminKey: ADMIN_KEY, screenshot, upstreamUrl: upstream.url, upstream });
        if (browserErrors.length) throw new Error(`errors in the page: ${browserErrors.splice(0).join('; ')}`);
        passed += 1;
        console.log(`  ✓ ${test.name} (${Date.now() - started} ms)`);
      } catch (error) {
        failed += 1;
        previousFailed = true;
        console.log(`  ✗ ${test.name}\n    ${error instanceof Error ? error.message : String(error)}`);
        await screenshot('failure').catch(() => {});
      }
    }
  } catch (error) {
    failed += 1;
    console.error(`e2e: could not run: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await browser?.close().catch(() => {});
    await grove?.stop();
    await upstream?.close();
  }
  console.log(`e2e: ${passed} passed, ${failed} failed`);
  process.exitCode = failed > 0 || passed === 0 ? 1 : 0;
}

await main();
