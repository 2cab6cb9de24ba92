import type { Browser, Page } from 'playwright-core';
import { axeViolations } from '../e2e/support/axe';
import { SCHEMES, setScheme } from '../e2e/support/scheme';
import { compareScreenshot } from './compare-screenshot';
import { openDeterministicContext } from './deterministic-console';
import type { VisualPage } from './pages';

/** What every visual test gets from scripts/visual.mjs. */
export interface VisualContext {
  browser: Browser;
  /** the deterministic Grove, e.g. http://127.0.0.1:41234 */
  baseUrl: string;
  adminKey: string;
  /** one line per screenshot: created, updated or matched, and how it compared */
  log(line: string): void;
}

export interface VisualTest {
  name: string;
  run(context: VisualContext): Promise<void>;
}

/**
 * The moments the server's clock wrote (a model's last change, a revision's, a key's creation):
 * they differ in every run, and the console shows them in <time> elements, so they are masked
 * wherever they are. What the browser computes from its own (fixed) clock stays in the picture.
 */
const serverMoments = (page: Page) => [page.locator('time')];

/**
 * Painting over a moment is not enough: its width moves the painted box and what follows it
 * ("7 Dec" is narrower than "17 Dec", "May" than "Dec"). Write every digit run as zeros (at least
 * two: days and hours) and every month as "Mar" first, so the box is as wide on any date.
 */
const MONTHS = String.raw`\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b`;
async function steadyServerMoments(page: Page) {
  // and again whenever the page renders one anew (a query refetched, a row re-mounted) before the
  // screenshot: a model-history run once caught a revision time re-rendered unnormalised, 8 px narrower.
  // a string, not a function: tsx names the functions it compiles with a helper the page lacks
  await page.evaluate(`(() => {
    const months = new RegExp(${JSON.stringify(MONTHS)}, 'g');
    const steady = () => {
      for (const element of document.querySelectorAll('time')) {
        const text = element.textContent ?? '';
        const next = text.replace(months, 'Mar').replace(/\\d+/g, (digits) => '0'.repeat(Math.max(2, digits.length)));
        // written only when it changes: the observer then sees no change of its own to answer
        if (next !== text) element.textContent = next;
      }
    };
    steady();
    new MutationObserver(steady).observe(document.body, { subtree: true, childList: true, characterData: true });
  })()`);
}

/**
 * A page in each scheme, opened afresh in it (the console starts in the system's scheme): compared
 * with its baseline, then checked by axe-core. Both schemes are always looked at, and every problem
 * of both reported together.
 */
export function pageTest(visualPage: VisualPage): VisualTest {
  return {
    name: `${visualPage.name}: matches its baselines, axe-core finds nothing (light and dark)`,
    async run({ browser, baseUrl, adminKey, log }) {
      const context = await openDeterministicContext(browser, { adminKey: visualPage.signedOut ? undefined : adminKey });
      const problems: string[] = [];
      try {
        const page = await context.newPage();
        const pageErrors: string[] = [];
        page.on('pageerror', (error) => pageErrors.push(error.message));
        for (const scheme of SCHEMES) {
          await page.emulateMedia({ colorScheme: scheme });
          await page.goto(`${baseUrl}${visualPage.path}`);
          await setScheme(page, scheme);
          await visualPage.ready(page);
          await steadyServerMoments(page);
          const name = `${visualPage.name}-${scheme}`;
          try {
            const { result, comparison } = await compareScreenshot(page, name, {
              mask: [...serverMoments(page), ...(visualPage.mask?.(page) ?? [])],
              fullPage: !visualPage.viewportOnly,
            });
            log(`${name}: ${result} (${comparison})`);
          } catch (error) {
            problems.push(error instanceof Error ? error.message : String(error));
          }
          problems.push(...(await axeViolations(page, name)));
        }
        if (pageErrors.length > 0) problems.push(`errors in the page: ${pageErrors.join('; ')}`);
      } finally {
        await context.close();
      }
      if (problems.length > 0) throw new Error(problems.join('\n    '));
    },
  };
}
