import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpAttempt } from '../../server/adapters/http/attempt';
import { readSseDeltas } from '../../server/adapters/http/read-sse';
import { OpenAIStreamTranslator } from '../../server/adapters/openai-compatible/openai-stream-translator';
import type { ChatDelta } from '../../server/adapters/types';
import { UpstreamError } from '../../server/adapters/errors';

/**
 * readSseDeltas (server/adapters/http/read-sse.ts) against a loopback server that writes the SSE
 * bytes exactly as each test says: one batch per read, the deltas before a failing event kept,
 * characters split between reads, a last event without its blank line.
 */

const context = { provider: 'openai-compatible' as const, modelId: 'sse-model' };
const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));
const textEvent = (text: string) => `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: text }, finish_reason: null }] })}\n\n`;

let server: Server;
let url: string;
let write: (response: ServerResponse) => Promise<void>;

beforeAll(async () => {
  server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      void write(response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** The batches of one call, and what it threw (if it did). */
async function read(): Promise<{ batches: ChatDelta[][]; error?: unknown }> {
  const attempt = new HttpAttempt(context, 5_000, undefined);
  const response = await attempt.post(url, {}, { stream: true });
  const translator = new OpenAIStreamTranslator(context);
  const batches: ChatDelta[][] = [];
  try {
    for await (const batch of readSseDeltas(response, attempt, (data, into) => translator.translate(data, into))) batches.push(batch);
  } catch (error) {
    return { batches, error };
  }
  return { batches };
}

describe('readSseDeltas', () => {
  it('gives the events of one read as one batch', async () => {
    const texts = ['Hel', 'lo', ', ', 'world'];
    write = async (response) => {
      response.end(texts.map(textEvent).join(''));
    };
    const { batches, error } = await read();
    expect(error).toBeUndefined();
    expect(batches).toEqual([texts.map((text) => ({ type: 'text', text }))]);
  });

  it('yields the deltas that came before an error event in the same read, then throws', async () => {
    write = async (response) => {
      response.end(`${textEvent('partial ')}${textEvent('answer')}data: {"error":{"message":"The server had an error","type":"server_error"}}\n\n`);
    };
    const { batches, error } = await read();
    expect(batches).toEqual([
      [
        { type: 'text', text: 'partial ' },
        { type: 'text', text: 'answer' },
      ],
    ]);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ kind: 'server', retryable: true });
  });

  it('keeps a character whose bytes are split between reads', async () => {
    const bytes = Buffer.from(textEvent('grüße 🌲 木'));
    write = async (response) => {
      for (let offset = 0; offset < bytes.length; offset += 5) {
        response.write(bytes.subarray(offset, offset + 5));
        await sleep(1);
      }
      response.end();
    };
    const { batches, error } = await read();
    expect(error).toBeUndefined();
    expect(batches.flat()).toEqual([{ type: 'text', text: 'grüße 🌲 木' }]);
    expect(batches.every((batch) => batch.length > 0)).toBe(true);
  });

  it('delivers a last event whose blank line the body ends without', async () => {
    write = async (response) => {
      response.write(textEvent('first'));
      await sleep(5);
      response.end(textEvent('last').slice(0, -1));
    };
    const { batches, error } = await read();
    expect(error).toBeUndefined();
    expect(batches).toEqual([[{ type: 'text', text: 'first' }], [{ type: 'text', text: 'last' }]]);
  });
});
