import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { streamSse } from '../../server/adapters/http/sse-stream';
import { OpenAIStreamTranslator } from '../../server/adapters/openai-compatible/openai-stream-translator';
import type { ChatDelta } from '../../server/adapters/types';
import { UpstreamError } from '../../server/adapters/errors';
import { waitFor } from '../support/wait-for';

/**
 * streamSse (server/adapters/http/sse-stream.ts) against a loopback server that writes the SSE
 * bytes exactly as each test says: one batch per read, the closing deltas joined to the last one,
 * the deltas before a failing event kept, characters split between reads, a last event without
 * its blank line, a body cut off before its end.
 */

const context = { provider: 'openai-compatible' as const, modelId: 'sse-model' };
const textEvent = (text: string) => `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: text }, finish_reason: null }] })}\n\n`;
const stopEvent = `data: ${JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`;
const finish = { type: 'finish', finishReason: 'stop' };

let server: Server;
let url: string;
let write: (response: ServerResponse) => Promise<void>;
/** the batches the current read() has yielded so far: a server that waits for them writes in separate reads */
let yielded: ChatDelta[][] = [];
const yieldedAtLeast = (count: number) => waitFor(() => yielded.length >= count, { timeoutMs: 3000, what: `${count} batches` });

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

/** The batches of one call through the OpenAI translator, and what it threw (if it did). */
async function read(): Promise<{ batches: ChatDelta[][]; error?: unknown }> {
  const stream = streamSse({ context, url, headers: {}, body: () => ({ stream: true }), timeoutMs: 5_000, translator: new OpenAIStreamTranslator(context) });
  const batches: ChatDelta[][] = [];
  yielded = batches;
  try {
    for await (const batch of stream) batches.push(batch);
  } catch (error) {
    return { batches, error };
  }
  return { batches };
}

describe('streamSse', () => {
  it('gives the events of one read as one batch, the closing deltas joined to it when the body has ended', async () => {
    const texts = ['Hel', 'lo', ', ', 'world'];
    write = async (response) => {
      response.end(`${texts.map(textEvent).join('')}${stopEvent}data: [DONE]\n\n`);
    };
    const { batches, error } = await read();
    expect(error).toBeUndefined();
    expect(batches).toEqual([[...texts.map((text) => ({ type: 'text', text })), finish]]);
  });

  it('yields what arrived when it arrived, and the closing deltas when the body ends', async () => {
    write = async (response) => {
      response.write(textEvent('first'));
      await yieldedAtLeast(1);
      response.write(`${textEvent('second')}${stopEvent}`);
      await yieldedAtLeast(2);
      response.end('data: [DONE]\n\n');
    };
    const { batches, error } = await read();
    expect(error).toBeUndefined();
    expect(batches).toEqual([[{ type: 'text', text: 'first' }], [{ type: 'text', text: 'second' }], [finish]]);
  });

  it('throws after the deltas it had when the body ends cut off, marked mid-stream', async () => {
    write = async (response) => {
      response.end(textEvent('half an ans'));
    };
    const { batches, error } = await read();
    expect(batches).toEqual([[{ type: 'text', text: 'half an ans' }]]);
    expect(error).toMatchObject({ kind: 'connection', midStream: true });
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
    expect(error).toMatchObject({ kind: 'server', retryable: true, midStream: true });
  });

  it('keeps a character whose bytes are split between reads', async () => {
    const bytes = Buffer.from(textEvent('grüße 🌲 木'));
    write = async (response) => {
      for (let offset = 0; offset < bytes.length; offset += 5) {
        response.write(bytes.subarray(offset, offset + 5));
        // no batch to wait for (most pieces end inside an event): a pause makes each piece its own read
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      response.end(stopEvent);
    };
    const { batches, error } = await read();
    expect(error).toBeUndefined();
    expect(batches.flat()).toEqual([{ type: 'text', text: 'grüße 🌲 木' }, finish]);
    expect(batches.every((batch) => batch.length > 0)).toBe(true);
  });

  it('delivers a last event whose blank line the body ends without', async () => {
    write = async (response) => {
      response.write(textEvent('first'));
      await yieldedAtLeast(1);
      response.end(stopEvent.slice(0, -1));
    };
    const { batches, error } = await read();
    expect(error).toBeUndefined();
    expect(batches).toEqual([[{ type: 'text', text: 'first' }], [finish]]);
  });
});
