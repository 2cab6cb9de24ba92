import { StringDecoder } from 'node:string_decoder';
import { createParser } from 'eventsource-parser';
import type { ChatDelta } from '../types';
import type { HttpAttempt, UpstreamResponse } from './attempt';

/** Appends the deltas of one SSE event (its data) to the batch; throws an UpstreamError for an error event. */
export type SseTranslate = (data: string, batch: ChatDelta[]) => void;

/**
 * The deltas of a streaming response, one batch per body read. The SSE events of a read are
 * parsed by eventsource-parser (which accepts \n\n, \r\r and \r\n\r\n) and translated as they are
 * parsed, so a read that carries ten events costs the layers above one step, not ten. When an
 * event fails to translate, the deltas of the events before it are yielded first, then the error
 * is thrown. Each read re-arms the attempt's deadline. Leaving the loop early, or an error, closes
 * the upstream connection.
 */
export async function* readSseDeltas(response: UpstreamResponse, attempt: HttpAttempt, translate: SseTranslate): AsyncGenerator<ChatDelta[]> {
  const reader = response.body[Symbol.asyncIterator]();
  // StringDecoder keeps a character split between reads; it costs a tenth of a streaming TextDecoder
  const decoder = new StringDecoder('utf8');
  let batch: ChatDelta[] = [];
  const parser = createParser({ onEvent: (event) => translate(event.data, batch) });
  let finished = false;
  try {
    for (;;) {
      let chunk: IteratorResult<Buffer>;
      try {
        chunk = await reader.next();
      } catch (error) {
        throw attempt.toUpstreamError(error);
      }
      let failure: unknown = null;
      try {
        // the parser holds a trailing \r back in case \n follows; a final \n releases the last event
        parser.feed(chunk.done ? `${decoder.end()}\n` : decoder.write(chunk.value));
      } catch (error) {
        failure = error;
      }
      // the body was read to its end: nothing to close, even if the consumer stops at this batch
      if (chunk.done) finished = true;
      if (batch.length > 0) {
        const ready = batch;
        batch = [];
        yield ready;
      }
      if (failure) throw failure;
      if (finished) return;
      attempt.rearm();
    }
  } finally {
    if (finished) attempt.done();
    else {
      attempt.close();
      await reader.return?.().catch(() => {});
    }
  }
}
