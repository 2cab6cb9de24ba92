import { TRPCError } from '@trpc/server';

export function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

/**
 * A subscription's events until its key is revoked, then an UNAUTHORIZED error, which the ws
 * adapter sends to the client as the subscription's end. The error does not wait for the
 * subscription's pending event (a stream may be between two upstream chunks): the subscription is
 * told to return beside it, and finishes its own cleanup when that event settles.
 */
export async function* untilRevoked<T>(events: AsyncIterable<T>, revoked: AbortSignal): AsyncGenerator<T, unknown> {
  const iterator = events[Symbol.asyncIterator]();
  let onAbort = () => {};
  const revocation = new Promise<'revoked'>((resolve) => {
    onAbort = () => resolve('revoked');
    if (revoked.aborted) resolve('revoked');
    else revoked.addEventListener('abort', onAbort, { once: true });
  });
  /** the subscription ended by itself (returned or threw): nothing is left to return */
  let ended = false;
  const next = () =>
    iterator.next().then(
      (step) => ((ended = step.done === true), step),
      (error: unknown) => {
        ended = true;
        throw error;
      },
    );
  try {
    while (true) {
      const step = revoked.aborted ? 'revoked' : await Promise.race([next(), revocation]);
      if (step === 'revoked') throw new TRPCError({ code: 'UNAUTHORIZED', message: 'this API key was revoked' });
      if (step.done) return step.value;
      yield step.value;
    }
  } finally {
    revoked.removeEventListener('abort', onAbort);
    if (!ended) {
      const returned = iterator.return?.();
      // revoked mid-event: the subscription returns once that event settles, without holding up the error
      if (revoked.aborted) void returned?.catch(() => {});
      else await returned;
    }
  }
}
