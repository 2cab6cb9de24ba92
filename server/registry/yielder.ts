import { setImmediate } from 'node:timers/promises';

/**
 * For long CPU loops on the serving thread (a 10,000-object apply): `await pause()` once per item
 * gives the event loop a turn whenever `budgetMs` have passed since the last one, so `/v1`
 * requests are answered while the loop runs instead of after it. A request needs two or three
 * turns (its arrival, the upstream's answer, its own answer), each of which may wait out a step and
 * a garbage collection: 4 ms rather than 8 took the worst step of a 10,000-model apply from ~35 to
 * ~25 ms of CPU, for the same apply time (docs/performance.md).
 */
export function eventLoopYielder(budgetMs = 4): () => Promise<void> | undefined {
  let since = performance.now();
  return () => {
    if (performance.now() - since < budgetMs) return undefined;
    return setImmediate().then(() => {
      since = performance.now();
    });
  };
}
