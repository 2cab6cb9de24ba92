import { parseChunked } from '@discoveryjs/json-ext';
import { errorCodes, type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { holdHeapRoom } from '../heap-room';
import { eventLoopYielder } from '../registry/yielder';

/** a 1,000-model apply is about half a megabyte */
const BULK_BODY_BYTES = 1 << 20;

/**
 * JSON bodies under /api, parsed as they arrive, a socket read at a time: a 10,000-object apply is
 * a 5 MB body, which JSON.parse (fastify's own parser) reads in one go for 20–40 ms while no other
 * request is served, after gathering it into one buffer (a copy of 5 MB: 15–65 ms in one block
 * on a busy machine). Here the event loop gets its turn between reads, and what the client has not
 * sent yet waits in the socket. Limits and errors are fastify's own (content-type-parser.js): the
 * body limit, checked on the declared length first; a body whose length differs from the declared
 * one; 400 for an empty or invalid body and for a `__proto__` or `constructor.prototype` key.
 */
export function registerJsonBodies(scope: FastifyInstance): void {
  scope.removeContentTypeParser('application/json');
  scope.addContentTypeParser('application/json', async (request: FastifyRequest, payload: Readable) => {
    const limit = request.routeOptions.bodyLimit ?? scope.initialConfig.bodyLimit!;
    const declared = Number(request.headers['content-length']);
    if (declared > limit) throw new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE();
    const pause = eventLoopYielder();
    let received = 0;
    let poisonable = false;
    // the last bytes read so far, where a key split between reads begins
    let carried = Buffer.alloc(0);
    const reads = async function* () {
      for await (const read of payload as AsyncIterable<Buffer>) {
        received += read.length;
        if (received > limit) throw new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE();
        if (!poisonable) {
          poisonable = mayPoisonPrototypes(read) || (carried.length > 0 && mayPoisonPrototypes(Buffer.concat([carried, read.subarray(0, KEY_SPAN)])));
          carried = Buffer.from(Buffer.concat([carried, read.subarray(-KEY_SPAN)]).subarray(-KEY_SPAN));
        }
        yield read;
        await pause();
      }
      if (!Number.isNaN(declared) && received !== declared) throw new errorCodes.FST_ERR_CTP_INVALID_CONTENT_LENGTH();
      if (received === 0) throw new errorCodes.FST_ERR_CTP_EMPTY_JSON_BODY();
    };
    // a body of megabytes becomes tens of megabytes of objects (server/heap-room.ts)
    const release = declared >= BULK_BODY_BYTES ? holdHeapRoom() : undefined;
    try {
      let value: unknown;
      try {
        value = await parseChunked(reads);
      } catch (error) {
        // what the reads found (the limit, a length that does not match) is said as fastify says it
        if (error instanceof Error && 'code' in error && String(error.code).startsWith('FST_ERR_CTP_')) throw error;
        throw new errorCodes.FST_ERR_CTP_INVALID_JSON_BODY();
      }
      // the walk costs a pass over the whole value: only when the text could hold such a key
      if (poisonable && (await poisoned(value, pause))) throw new errorCodes.FST_ERR_CTP_INVALID_JSON_BODY();
      return withoutSerialisedCopy(value);
    } finally {
      release?.();
    }
  });
}

/**
 * Whether a parsed value holds a `__proto__` key, or a `constructor` key with a `prototype` key in
 * it (what secure-json-parse refuses), in steps. A key split between two reads is not kept as a
 * key: the chunked parser assigns it, which sets the object's prototype, so that is looked for too.
 */
async function poisoned(value: unknown, pause: () => Promise<void> | undefined): Promise<boolean> {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    await pause();
    const next = pending.pop();
    if (!next || typeof next !== 'object') continue;
    if (Array.isArray(next)) {
      pending.push(...next);
      continue;
    }
    if (Object.getPrototypeOf(next) !== Object.prototype || Object.hasOwn(next, '__proto__')) return true;
    const constructor = Object.hasOwn(next, 'constructor') ? (next as { constructor: unknown }).constructor : undefined;
    if (constructor && typeof constructor === 'object' && Object.hasOwn(constructor, 'prototype')) return true;
    pending.push(...Object.values(next));
  }
  return false;
}

/** `\u` escapes may spell either key without its letters showing. */
function mayPoisonPrototypes(text: Buffer): boolean {
  return text.includes('__proto__') || text.includes('constructor') || text.includes('\\u');
}
/** one byte less than the longest text `mayPoisonPrototypes` looks for: what two reads may split */
const KEY_SPAN = 'constructor'.length - 1;

/**
 * A parsed body that serialises to `{}`. trpc-to-openapi, which serves /api, writes the parsed body
 * back out with JSON.stringify into a fetch Request that it builds only to take its abort signal:
 * for a 5 MB apply, tens of ms on the serving thread for nothing. The procedure's input is read
 * from the object itself (spread, so the non-enumerable toJSON is left behind).
 */
export function withoutSerialisedCopy<T>(body: T): T {
  if (body && typeof body === 'object') Object.defineProperty(body, 'toJSON', { value: () => ({}), enumerable: false });
  return body;
}
