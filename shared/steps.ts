/**
 * A long pure computation written as a generator: each `yield` marks a point where it may stop for
 * a while. Run to its end at once (`finishSteps`), or on a server's serving thread with a turn of
 * the event loop between steps whenever the caller's `pause` says so (`runSteps`): a check over a
 * 10,000-model registry then never holds up the requests being served.
 */
export type Steps<T> = Generator<void, T, void>;

/**
 * How many items a loop handles between two yields: well under a millisecond of work even where an
 * item costs tens of µs (compiling a model, building its event) on a loaded machine. A yield is
 * only a chance to pause; the caller's clock decides whether it does.
 */
export const ITEMS_PER_STEP = 64;

export function finishSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** `pause` returns a promise when the event loop is due a turn, else undefined (server/registry/yielder.ts). */
export async function runSteps<T>(steps: Steps<T>, pause: () => Promise<void> | undefined): Promise<T> {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    const turn = pause();
    if (turn) await turn;
  }
}
