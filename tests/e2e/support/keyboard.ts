import type { Locator, Page } from 'playwright-core';

/** What has the keyboard focus now, in words for a failure message. */
export function describeFocus(page: Page): Promise<string> {
  return page.evaluate(() => {
    const element = document.activeElement;
    if (!element || element === document.body) return 'nothing (the page itself)';
    const name = element.getAttribute('aria-label') ?? element.textContent?.trim().slice(0, 40) ?? '';
    const label = element.id ? document.querySelector(`label[for="${CSS.escape(element.id)}"]`)?.textContent?.trim() : undefined;
    return `<${element.tagName.toLowerCase()}${element.getAttribute('role') ? ` role=${element.getAttribute('role')}` : ''}> "${label ?? name}"`;
  });
}

/**
 * Puts the keyboard at the top of the page, as after loading it: the next Tab reaches the first
 * stop. Blurring is not enough: the browser resumes from where the focus was. A focused element
 * that is removed leaves the starting point where it stood, here before everything else.
 */
export function startFromTop(page: Page): Promise<void> {
  return page.evaluate(() => {
    const marker = document.createElement('span');
    marker.tabIndex = -1;
    document.body.prepend(marker);
    marker.focus();
    marker.remove();
  });
}

/** Whether the element has the keyboard focus. */
export function isFocused(target: Locator): Promise<boolean> {
  return target.evaluate((element) => element === document.activeElement);
}

/**
 * Fails unless the focused element shows that it is: an outline on it or on the label that stands
 * for it (Mantine's focus ring; a segmented control's radio is hidden behind its label), or, for a
 * text field, a border in the theme's focus colour.
 */
export async function expectFocusVisible(page: Page): Promise<void> {
  const shown = await page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    if (!element || element === document.body) return false;
    // no named functions in here: tsx's esbuild would wrap them in a helper the page does not have
    const labels = element instanceof HTMLInputElement ? [...(element.labels ?? [])] : [];
    for (const candidate of [element, element.nextElementSibling, ...labels]) {
      if (!candidate) continue;
      const style = getComputedStyle(candidate);
      // an outline on a radio hidden under its label shows nothing
      const seen = candidate.getBoundingClientRect().width > 1 && style.opacity !== '0';
      if (seen && style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) return true;
    }
    if (!(element instanceof HTMLInputElement || element instanceof HTMLTextAreaElement)) return false;
    // the focus colour as Mantine's inputs take it: the primary colour, or the error colour on a field with an error
    const probe = document.createElement('span');
    probe.style.color = element.closest('[data-error]') ? 'var(--mantine-color-error)' : 'var(--mantine-primary-color-filled)';
    document.body.append(probe);
    const focusColour = getComputedStyle(probe).color;
    probe.remove();
    // on the field itself, or on the box around it (a multi-select's input sits among its pills)
    for (let box: Element | null = element, level = 0; box && level < 3; box = box.parentElement, level += 1) {
      if (getComputedStyle(box).borderColor === focusColour) return true;
    }
    return false;
  });
  if (!shown) throw new Error(`the keyboard focus is not visible on ${await describeFocus(page)}`);
}

/**
 * Presses Tab (or Shift+Tab) until the target has the focus, checking on the way that every stop
 * shows its focus. Fails when the target is not reached within `maxPresses`: it is out of the tab
 * order, or behind something that traps the focus.
 */
export async function tabTo(page: Page, target: Locator, { maxPresses = 60, backwards = false } = {}): Promise<void> {
  if (await isFocused(target)) return;
  for (let presses = 0; presses < maxPresses; presses += 1) {
    await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
    // past the last stop the focus leaves the page for the browser's own controls, then comes back
    const onPage = await page.evaluate(() => document.activeElement !== null && document.activeElement !== document.body);
    if (onPage) await expectFocusVisible(page);
    if (await isFocused(target)) return;
  }
  throw new Error(`${maxPresses} presses of ${backwards ? 'Shift+Tab' : 'Tab'} did not reach ${target}; the focus is on ${await describeFocus(page)}`);
}

/**
 * Fails unless the focus stays inside the dialog however often Tab is pressed: a modal dialog
 * keeps the keyboard in it until it closes.
 */
export async function expectFocusTrapped(page: Page, dialog: Locator, presses = 12): Promise<void> {
  for (let press = 0; press < presses; press += 1) {
    await page.keyboard.press(press % 3 === 2 ? 'Shift+Tab' : 'Tab');
    const inside = await dialog.evaluate((element) => element.contains(document.activeElement));
    if (!inside) throw new Error(`Tab left the dialog: the focus is on ${await describeFocus(page)}`);
    await expectFocusVisible(page);
  }
}
