import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { compareImages, DEFAULT_TOLERANCE, type Tolerance } from './compare-images';

// npm scripts run from the repository root
export const BASELINES = join(process.cwd(), 'tests', 'visual', 'baselines');
export const VISUAL_RESULTS = join(process.cwd(), 'test-results', 'visual');

/** `npm run test:visual -- --update` sets it: baselines are rewritten, on purpose, never in CI. */
export function updatingBaselines(): boolean {
  return process.env.GROVE_VISUAL_UPDATE === '1';
}

export interface ScreenshotOptions {
  /** what still varies from run to run, painted over in one flat colour (say why where it is listed) */
  mask?: Locator[];
  /** the whole scrollable page (default) or only the viewport */
  fullPage?: boolean;
  tolerance?: Partial<Tolerance>;
}

/** What became of the screenshot, and how it compared with the baseline, in words. */
export interface ScreenshotOutcome {
  result: 'matched' | 'created' | 'updated';
  /** e.g. "0 pixels differ", "the size changed from 1280×800 to 1280×1235", "no baseline" */
  comparison: string;
}

// a colour no page uses, so a masked box is never mistaken for the page's own
const MASK_COLOR = '#ff00ff';
const SETTLE_ATTEMPTS = 20;
const SETTLE_PAUSE_MS = 250;

// Settled means no pixel differs past the colour threshold between two screenshots: Chromium
// repaints a shadow's edge a shade lighter now and then (seen on the header's buttons), so neither
// the bytes nor the exact colours of two shots of a still page are always equal.
const STILL: Tolerance = { ...DEFAULT_TOLERANCE, maxDifferentPixels: 0 };

/**
 * The screenshot once the page has stopped changing: two in a row, a moment apart, the same. A page
 * that never settles (a clock, a live figure nobody masked) is a failure of its own, named so,
 * rather than a flaky comparison.
 */
async function settledScreenshot(page: Page, options: ScreenshotOptions): Promise<Buffer> {
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
  const shoot = () => page.screenshot({ fullPage: options.fullPage ?? true, animations: 'disabled', caret: 'hide', mask: options.mask ?? [], maskColor: MASK_COLOR });
  let previous = await shoot();
  for (let attempt = 0; attempt < SETTLE_ATTEMPTS; attempt += 1) {
    await page.waitForTimeout(SETTLE_PAUSE_MS);
    const next = await shoot();
    if (compareImages(previous, next, STILL).same) return next;
    previous = next;
  }
  throw new Error(`the page kept changing for ${(SETTLE_ATTEMPTS * SETTLE_PAUSE_MS) / 1000} s: mask what varies, or wait for what it loads`);
}

/**
 * Compares the page with tests/visual/baselines/<name>.png. Every screenshot is also written to
 * test-results/visual/<name>.png to be looked at; on a difference, <name>-diff.png shows where.
 * With GROVE_VISUAL_UPDATE=1 a missing or different baseline is (re)written instead; one within
 * the tolerance is left as it is, so an update changes only the files that really changed.
 */
export async function compareScreenshot(page: Page, name: string, options: ScreenshotOptions = {}): Promise<ScreenshotOutcome> {
  if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`screenshot names are kebab-case file names, not "${name}"`);
  mkdirSync(VISUAL_RESULTS, { recursive: true });
  const actual = await settledScreenshot(page, options);
  writeFileSync(join(VISUAL_RESULTS, `${name}.png`), actual);

  const baselinePath = join(BASELINES, `${name}.png`);
  const update = updatingBaselines();
  if (!existsSync(baselinePath)) {
    if (!update) throw new Error(`no baseline for "${name}": make it with \`npm run test:visual -- --update\`, look at it, and commit it`);
    mkdirSync(BASELINES, { recursive: true });
    writeFileSync(baselinePath, actual);
    return { result: 'created', comparison: 'no baseline' };
  }
  const comparison = compareImages(readFileSync(baselinePath), actual, { ...DEFAULT_TOLERANCE, ...options.tolerance });
  if (comparison.same) return { result: 'matched', comparison: `${comparison.differentPixels} pixels differ` };
  if (update) {
    writeFileSync(baselinePath, actual);
    return { result: 'updated', comparison: comparison.message };
  }
  if (comparison.reason === 'pixels') writeFileSync(join(VISUAL_RESULTS, `${name}-diff.png`), comparison.diff);
  const diffNote = comparison.reason === 'pixels' ? `, where: test-results/visual/${name}-diff.png` : '';
  throw new Error(`"${name}" differs from its baseline: ${comparison.message} (now: test-results/visual/${name}.png${diffNote}). If the change is meant, update with \`npm run test:visual -- --update\``);
}
