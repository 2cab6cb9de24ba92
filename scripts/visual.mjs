#!/usr/bin/env node
// The console in a deterministic state, compared with committed screenshots, checked by axe-core
// in both schemes, and driven by keyboard only: `npm run test:visual`. Plain node (not vitest),
// against a Grove process of its own (the seeded registry, no traffic) and Debian's Chromium.
//   npm run test:visual                      compare with tests/visual/baselines/
//   npm run test:visual -- --update          rewrite the baselines that changed (then look at them)
//   npm run test:visual -- dashboard keyboard  only the tests whose names start so
// Prints "visual: N passed, M failed"; exits 1 on any failure. See docs/visual-regression.md.
import { execFileSync, execSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { register } from 'tsx/esm/api';
import { CHROMIUM, CHROMIUM_ARGS, ensureChromium, ensureConsoleBuilt } from './browser-setup.mjs';

const ADMIN_KEY = 'grove-visual-admin-key-0123456789';
const CHROMIUM_VERSION_FILE = join(process.cwd(), 'tests', 'visual', 'baselines', 'chromium-version.txt');

const args = process.argv.slice(2);
const update = args.includes('--update');
const only = args.filter((arg) => !arg.startsWith('--'));
if (update) process.env.GROVE_VISUAL_UPDATE = '1';

/** The baselines' fonts (tests/visual/deterministic-console.ts); fontconfig brings them on Debian, but be sure. */
function ensureFonts() {
  if (execFileSync('fc-list', [':family=DejaVu Sans'], { encoding: 'utf8' }).trim() !== '') return;
  console.log('visual: installing fonts-dejavu-core');
  execSync('apt-get update && apt-get install -y fonts-dejavu-core', { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

/**
 * Another Chromium renders text and shadows a little differently: the baselines say which one
 * made them, so that a failure after a Debian update says so.
 */
function checkChromiumVersion(version) {
  if (update) {
    writeFileSync(CHROMIUM_VERSION_FILE, `${version}\n`);
    return '';
  }
  const made = (() => {
    try {
      return readFileSync(CHROMIUM_VERSION_FILE, 'utf8').trim();
    } catch {
      return '';
    }
  })();
  return made !== '' && made !== version ? `the baselines were made with Chromium ${made}; this is ${version}: if only rendering details differ, update them` : '';
}

// exiting runs the server's kill-on-exit hook (tests/e2e/grove-process.ts)
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(1));

async function main() {
  ensureChromium();
  ensureFonts();
  ensureConsoleBuilt();
  register();
  const { startGroveProcess } = await import('../tests/e2e/grove-process.ts');
  const { VISUAL_RESULTS } = await import('../tests/visual/compare-screenshot.ts');
  const { PAGES } = await import('../tests/visual/pages.ts');
  const { pageTest } = await import('../tests/visual/visual-tests.ts');
  const { tests: keyboardTests } = await import('../tests/visual/keyboard.ts');
  const { chromium } = await import('playwright-core');
  // only this run's screenshots, so nobody looks at a stale one
  rmSync(VISUAL_RESULTS, { recursive: true, force: true });

  // the keyboard tests change the registry (a model registered, keys made): after every page's screenshots
  const all = [...PAGES.map(pageTest), ...keyboardTests];
  const tests = only.length > 0 ? all.filter((test) => only.some((prefix) => test.name.startsWith(prefix))) : all;

  let passed = 0;
  let failed = 0;
  let grove;
  let browser;
  const started = Date.now();
  try {
    // Deterministic: the seeded registry only; no demo traffic, and no provider key from this
    // machine's environment (a key would make a seeded model servable and end demo mode).
    grove = await startGroveProcess({ adminKey: ADMIN_KEY, env: { GROVE_DEMO_TRAFFIC: 'off', ANTHROPIC_API_KEY: '', GEMINI_API_KEY: '', OPENAI_API_KEY: '' } });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    const versionNote = checkChromiumVersion(browser.version());
    console.log(`visual: Grove pid ${grove.pid} at ${grove.url}, Chromium ${browser.version()}${update ? ', updating baselines' : ''}`);
    if (versionNote) console.log(`visual: ${versionNote}`);

    for (const test of tests) {
      const testStarted = Date.now();
      const lines = [];
      try {
        await test.run({ browser, baseUrl: grove.url, adminKey: ADMIN_KEY, log: (line) => lines.push(line) });
        passed += 1;
        console.log(`  ✓ ${test.name} (${Date.now() - testStarted} ms)${lines.length ? `\n    ${lines.join(', ')}` : ''}`);
      } catch (error) {
        failed += 1;
        console.log(`  ✗ ${test.name}\n    ${error instanceof Error ? error.message : String(error)}`);
        if (versionNote) console.log(`    (${versionNote})`);
      }
    }
  } catch (error) {
    failed += 1;
    console.error(`visual: could not run: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await browser?.close().catch(() => {});
    await grove?.stop();
  }
  console.log(`visual: the run took ${((Date.now() - started) / 1000).toFixed(0)} s`);
  console.log(`visual: ${passed} passed, ${failed} failed`);
  process.exitCode = failed > 0 || passed === 0 ? 1 : 0;
}

await main();
