#!/usr/bin/env node
// End-to-end run of the console against a real Grove process, driven by Debian's Chromium.
// Plain node (not vitest): `node scripts/e2e.mjs`. Prints "e2e: N passed, M failed"; exits 1 on any failure.
import { execFileSync, execSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { register } from 'tsx/esm/api';

const CHROMIUM = '/usr/bin/chromium';
const ADMIN_KEY = 'grove-e2e-admin-key-0123456789';
const SCREENSHOTS = join(process.cwd(), 'test-results', 'e2e');

function ensureChromium() {
  if (existsSync(CHROMIUM)) return;
  console.log('e2e: installing Debian chromium');
  execSync('apt-get update && apt-get install -y chromium', { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

function ensureConsoleBuilt() {
  if (existsSync(join(process.cwd(), 'dist', 'client', 'index.html'))) return;
  console.log('e2e: building the console (npx vite build)');
  execFileSync('npx', ['vite', 'build'], { stdio: 'inherit' });
}

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
  const { tests } = await import('../tests/e2e/models.e2e.ts');
  const { chromium } = await import('playwright-core');

  let passed = 0;
  let failed = 0;
  let grove;
  let browser;
  try {
    grove = await startGroveProcess({ adminKey: ADMIN_KEY });
    console.log(`e2e: Grove pid ${grove.pid} at ${grove.url}`);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, colorScheme: 'light' });
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
        await test.run({ page, baseUrl: grove.url, adminKey: ADMIN_KEY, screenshot });
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
  }
  console.log(`e2e: ${passed} passed, ${failed} failed`);
  process.exitCode = failed > 0 || passed === 0 ? 1 : 0;
}

await main();
