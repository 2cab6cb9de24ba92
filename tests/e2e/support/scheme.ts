import type { Page } from 'playwright-core';

export type Scheme = 'light' | 'dark';
export const SCHEMES: readonly Scheme[] = ['light', 'dark'];

/** The colour scheme the console shows now, as Mantine set it on <html>. */
export function currentScheme(page: Page): Promise<Scheme> {
  return page.evaluate(() => (document.documentElement.getAttribute('data-mantine-color-scheme') === 'dark' ? 'dark' : 'light'));
}

/**
 * Shows the console in one scheme. It follows the system's scheme (emulated here) unless the
 * operator chose one with the toggle, which outranks the system's: then the toggle chooses again.
 */
export async function setScheme(page: Page, scheme: Scheme, timeoutMs = 15_000): Promise<void> {
  await page.emulateMedia({ colorScheme: scheme });
  const shown = (wanted: Scheme, timeout: number) =>
    page.waitForFunction((value) => document.documentElement.getAttribute('data-mantine-color-scheme') === value, wanted, { timeout }).then(
      () => true,
      () => false,
    );
  if (await shown(scheme, 2_000)) return;
  await page.getByRole('button', { name: `Switch to ${scheme} theme` }).click();
  if (!(await shown(scheme, timeoutMs))) throw new Error(`the console did not switch to the ${scheme} scheme`);
}
