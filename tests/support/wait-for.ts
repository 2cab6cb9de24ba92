/**
 * Resolves once `check` holds (it may be async), checking again on each turn of the event loop's
 * timers (every `everyMs`); rejects after `timeoutMs`, naming `what`. For a state that no event
 * announces to the test: a row written, a peer's snapshot reloaded. Where an event exists, await it.
 */
export async function waitFor(check: () => boolean | Promise<boolean>, { timeoutMs = 10_000, everyMs = 10, what = 'condition' }: { timeoutMs?: number; everyMs?: number; what?: string } = {}): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
