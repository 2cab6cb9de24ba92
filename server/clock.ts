/**
 * The time of the data plane: epoch milliseconds with a fraction, for the moments a request is
 * timed by. `Date.now()` counts whole milliseconds, so a call to a model on the same host (a
 * local vLLM, the benchmark's upstream) measured 0 or 1 ms, and a p50 read from such samples could
 * be 0. This clock counts from the monotonic `performance.now()`, anchored to the wall clock, and
 * re-anchored when the wall clock is stepped (NTP at boot, an operator's `date -s`), so that its
 * moments still fall in the right minute. Between steps it never goes backwards.
 */
export function preciseClock(wall: () => number = Date.now, monotonic: () => number = () => performance.now()): () => number {
  let anchor = wall() - monotonic();
  let checkedAt = monotonic();
  return () => {
    const now = monotonic();
    if (now - checkedAt >= CHECK_EVERY_MS) {
      checkedAt = now;
      const fresh = wall() - now;
      // Date.now() is rounded down to the millisecond: a difference within that is not a step
      if (Math.abs(fresh - anchor) > STEP_MS) anchor = fresh;
    }
    return anchor + now;
  };
}

const CHECK_EVERY_MS = 1_000;
const STEP_MS = 2;

export const preciseNow = preciseClock();
