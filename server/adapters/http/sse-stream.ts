import { StringDecoder } from 'node:string_decoder';
import { createParser } from 'eventsource-parser';
import type { ErrorContext } from '../classify-error';
import { markMidStream } from '../content';
import type { ChatDelta } from '../types';
import { HttpAttempt } from './attempt';

/** A provider's stream format, event by event (each adapter has one, as a class with the stream's state). */
export interface SseTranslator {
  /** Appends the deltas of one event (its data) to the batch; throws an UpstreamError for an error event. */
  translate(data: string, into: ChatDelta[]): void;
  /** The body ended: appends the closing deltas, or throws when the stream was cut off before its end. */
  finish(into: ChatDelta[]): void;
}

/** One streaming call to an upstream that answers with server-sent events, as an adapter describes it. */
export interface SseCall {
  context: ErrorContext;
  url: string;
  headers: Record<string, string>;
  /** Built when the stream starts; it may throw (a request the provider cannot take) before any deadline is armed. */
  body(): unknown;
  /** Per attempt: until the response headers, then as the longest silence between reads. */
  timeoutMs: number;
  signal?: AbortSignal;
  translator: SseTranslator;
}

/**
 * A streaming call, as the adapters' `stream` returns it: the deltas in batches, one per body read.
 * The SSE events of a read are parsed by eventsource-parser (which accepts \n\n, \r\r and \r\n\r\n)
 * and translated as they are parsed, so a read that carries ten events costs the layers above one
 * step, not ten; when the body has already ended, the closing deltas join the last read's batch.
 * When an event fails to translate, the deltas of the events before it are yielded first, then the
 * error is thrown. Any failure is an UpstreamError, `midStream` once a batch went out. Each read
 * re-arms the attempt's deadline. Leaving the loop early, or an error, closes the upstream
 * connection.
 */
export async function* streamSse(call: SseCall): AsyncGenerator<ChatDelta[]> {
  const body = call.body();
  const attempt = new HttpAttempt(call.context, call.timeoutMs, call.signal);
  // StringDecoder keeps a character split between reads; it costs a tenth of a streaming TextDecoder
  const decoder = new StringDecoder('utf8');
  let batch: ChatDelta[] = [];
  const { translator } = call;
  const parser = createParser({ onEvent: (event) => translator.translate(event.data, batch) });
  let reader: AsyncIterator<Buffer> | undefined;
  let started = false;
  let finished = false;
  try {
    const response = await attempt.post(call.url, call.headers, body);
    reader = response.body[Symbol.asyncIterator]();
    for (;;) {
      // a failed read (reset, timeout, abort) is classified by the catch below, like any failure
      const chunk = await reader.next();
      let failure: unknown = null;
      try {
        if (!chunk.done) parser.feed(decoder.write(chunk.value));
        // the body was read to its end (or all of it is here): nothing to close, even if the consumer stops at this batch
        if (chunk.done || response.body.complete) {
          finished = true;
          // the parser holds a trailing \r back in case \n follows; a final \n releases the last event
          parser.feed(`${decoder.end()}\n`);
          translator.finish(batch);
        }
      } catch (error) {
        failure = error;
      }
      if (batch.length > 0) {
        const ready = batch;
        batch = [];
        started = true;
        yield ready;
      }
      if (failure) throw failure;
      if (finished) return;
      attempt.rearm();
    }
  } catch (error) {
    throw markMidStream(attempt.toUpstreamError(error), started);
  } finally {
    if (finished) attempt.done();
    else {
      attempt.close();
      await reader?.return?.().catch(() => {});
    }
  }
}
