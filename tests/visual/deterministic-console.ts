import type { Browser, BrowserContext } from 'playwright-core';

/**
 * The browser's clock for every visual run: Date.now() and new Date() always answer this moment
 * (timers still run, so polls and transitions work). Everything the console computes from "now"
 * in the browser ("updated 0 s ago", a range's end) is the same in every run.
 */
export const FIXED_NOW = new Date('2026-03-02T14:30:00Z');

/** Small enough to keep the baselines small, wide enough for the desktop layout (navbar shown). */
export const VIEWPORT = { width: 1280, height: 800 };

/**
 * Injected into every page: no CSS transition or animation, no blinking caret, and fonts that a
 * Debian machine has (fonts-dejavu-core, which fontconfig depends on; scripts/visual.mjs installs it
 * if missing) in place of the theme's stack, whose first choices (Inter, system-ui) differ from
 * machine to machine.
 */
const DETERMINISTIC_CSS = `
*, *::before, *::after { transition: none !important; animation: none !important; caret-color: transparent !important; }
:root {
  --mantine-font-family: "DejaVu Sans", sans-serif !important;
  --mantine-font-family-headings: "DejaVu Sans", sans-serif !important;
  --mantine-font-family-monospace: "DejaVu Sans Mono", monospace !important;
}
`;

export interface DeterministicOptions {
  /** kept in localStorage as after an earlier sign-in; without it the console opens at the login */
  adminKey?: string;
}

/**
 * A browser context in which the console looks the same every time: fixed viewport and device
 * scale factor, UTC and en-US (the reporting time zone defaults to the browser's), reduced motion
 * (ECharts then draws without animating), the fixed clock and the CSS above.
 */
export async function openDeterministicContext(browser: Browser, { adminKey }: DeterministicOptions = {}): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: VIEWPORT,
    deviceScaleFactor: 1,
    locale: 'en-US',
    timezoneId: 'UTC',
    reducedMotion: 'reduce',
    colorScheme: 'light',
  });
  await context.clock.setFixedTime(FIXED_NOW);
  await context.addInitScript(
    ({ css, key }) => {
      if (key !== null) window.localStorage.setItem('grove.adminKey', key);
      document.addEventListener('DOMContentLoaded', () => {
        const style = document.createElement('style');
        style.dataset.visualRun = '';
        style.textContent = css;
        document.head.append(style);
      });
    },
    { css: DETERMINISTIC_CSS, key: adminKey ?? null },
  );
  return context;
}
