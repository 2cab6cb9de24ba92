import type { Registry } from '../../server/registry/registry';

/**
 * Counts how often `registry` reads every object back, whichever way it was asked to (a load, a
 * catch-up, a commit that found a peer's change first): its private `reload` is wrapped until
 * `stop()`.
 */
export function countReads(registry: Registry): { readonly count: number; stop(): void } {
  const target = registry as unknown as { reload(): Promise<void> };
  const reload = target.reload;
  let count = 0;
  target.reload = function (this: unknown) {
    count += 1;
    return reload.call(this);
  };
  return {
    get count() {
      return count;
    },
    stop: () => void (target.reload = reload),
  };
}
