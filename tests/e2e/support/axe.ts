import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { currentScheme, SCHEMES, setScheme, type Scheme } from './scheme';

/**
 * axe-core's violations on what is on screen now, one line each, naming the rule, its impact and
 * the first elements it concerns with axe's own summary of what to fix (empty when none).
 */
export async function axeViolations(page: Page, where: string): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations.map((violation) => {
    const nodes = violation.nodes.slice(0, 3).map((node) => `${node.target.join(' ')} [${node.failureSummary?.split('\n').slice(1, 2).join('').trim() ?? ''}]`);
    return `${where}: ${violation.id} (${violation.impact}) ${violation.help}, at ${nodes.join(' | ')}${violation.nodes.length > 3 ? ` and ${violation.nodes.length - 3} more` : ''}`;
  });
}

/**
 * axe-core on the page as it is, in the light and the dark scheme (contrast differs between them),
 * then back in the scheme it was in. Throws with every violation of both.
 */
export async function expectNoAxeViolations(page: Page, name: string, schemes: readonly Scheme[] = SCHEMES): Promise<void> {
  const before = await currentScheme(page);
  const violations: string[] = [];
  for (const scheme of schemes) {
    await setScheme(page, scheme);
    violations.push(...(await axeViolations(page, `${name} (${scheme})`)));
  }
  await setScheme(page, before);
  if (violations.length > 0) throw new Error(`axe-core found ${violations.length} violation(s):\n      ${violations.join('\n      ')}`);
}
