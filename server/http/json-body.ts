import { parseChunked } from '@discoveryjs/json-ext';
import { errorCodes, type FastifyInstance, type FastifyRequest } from 'fastify';
import secureJson from 'secure-json-parse';
import { eventLoopYielder } from '../registry/yielder';

/** small enough to parse in a millisecond or two, large enough that a 5 MB body takes ~80 of them */
const SLICE_BYTES = 64 * 1024;

/**
 * JSON bodies under /api, parsed a slice at a time: a 10,000-object apply is a 5 MB body, which
 * JSON.parse (fastify's own parser) reads in one go for 20–40 ms while no other request is served.
 * Here the event loop gets its turn between slices. Limits and errors are fastify's: the body
 * limit, 400 for an empty or invalid body and for a `__proto__` or `constructor.prototype` key.
 */
export function registerJsonBodies(scope: FastifyInstance): void {
  scope.removeContentTypeParser('application/json');
  scope.addContentTypeParser('application/json', { parseAs: 'buffer' }, async (_request: FastifyRequest, body: Buffer) => {
    if (body.length === 0) throw new errorCodes.FST_ERR_CTP_EMPTY_JSON_BODY();
    const pause = eventLoopYielder();
    let value: unknown;
    try {
      value = await parseChunked(async function* () {
        for (let start = 0; start < body.length; start += SLICE_BYTES) {
          yield body.subarray(start, start + SLICE_BYTES);
          await pause();
        }
      });
      // the walk costs a pass over the whole value: only when the text could hold such a key
      if (mayPoisonPrototypes(body)) secureJson.scan(value as object, { protoAction: 'error', constructorAction: 'error' });
    } catch {
      throw new errorCodes.FST_ERR_CTP_INVALID_JSON_BODY();
    }
    return withoutSerialisedCopy(value);
  });
}

/** `\u` escapes may spell either key without its letters showing. */
function mayPoisonPrototypes(body: Buffer): boolean {
  return body.includes('__proto__') || body.includes('constructor') || body.includes('\\u');
}

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
