import { setTimeout as rest } from 'node:timers/promises';

/** how long a long loop runs before it gives the event loop a turn */
const BUDGET_MS = 4;
/**
 * How long that turn lasts at least: the loop then waits for I/O instead of polling it once. Twice
 * the budget: on two cores shared with the database writing the apply, the rest is what lets the
 * serving thread (and the database, and the callers) get a core (2 ms until 2026-12-07; see
 * docs/performance.md).
 */
const REST_MS = 8;

/**
 * For long CPU loops on the serving thread (a 10,000-object apply): `await pause()` once per item
 * gives the event loop a turn whenever `budgetMs` have passed since the last one, so `/v1`
 * requests are answered while the loop runs instead of after it. A request needs two or three
 * turns (its arrival, the upstream's answer, its own answer), each of which may wait out a step and
 * a garbage collection. The turn is a rest of REST_MS, not a `setImmediate`: during it the event
 * loop waits for I/O, so a request that arrives (or an upstream that answers) is served at once,
 * and the other processes on the host (the database writing the apply, the upstream) get the CPU;
 * a 10,000-model apply takes 5–7 s instead of 2–4 s, far within its 30 s target.
 */
export function eventLoopYielder(budgetMs = BUDGET_MS): () => Promise<void> | undefined {
  let since = performance.now();
  return () => {
    if (performance.now() - since < budgetMs) return undefined;
    return rest(REST_MS).then(() => {
      since = performance.now();
    });
  };
}
