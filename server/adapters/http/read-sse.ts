import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { HttpAttempt, UpstreamResponse } from './attempt';

/**
 * The SSE events of a streaming response, parsed by eventsource-parser (which accepts \n\n, \r\r
 * and \r\n\r\n). Each body chunk re-arms the attempt's deadline. Leaving the loop early, or an
 * error, closes the upstream connection.
 */
export async function* readSse(response: UpstreamResponse, attempt: HttpAttempt): AsyncGenerator<EventSourceMessage> {
  const reader = response.body[Symbol.asyncIterator]();
  const decoder = new TextDecoder();
  const pending: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => pending.push(event) });
  let finished = false;
  try {
    for (;;) {
      let chunk: IteratorResult<Buffer>;
      try {
        chunk = await reader.next();
      } catch (error) {
        throw attempt.toUpstreamError(error);
      }
      if (chunk.done) {
        // The parser holds a trailing \r back in case \n follows; a final \n releases the last event.
        parser.feed(`${decoder.decode()}\n`);
        finished = true;
        yield* pending.splice(0);
        return;
      }
      attempt.rearm();
      parser.feed(decoder.decode(chunk.value, { stream: true }));
      if (pending.length > 0) yield* pending.splice(0);
    }
  } finally {
    if (finished) attempt.done();
    else {
      attempt.close();
      await reader.return?.().catch(() => {});
    }
  }
}
