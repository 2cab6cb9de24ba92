import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import type { ChatDelta, ChatResult } from '../../server/adapters/types';
import { SSE_DONE, openAIErrorBody, sseData, toChatCompletion, toChunk, toRoleChunk } from '../../server/openai';

/** The official SDK reads what the serialisers write: a loopback server answers with their output. */

const meta = { id: 'chatcmpl-grove1', created: 1_700_000_000, model: 'grove-model' };
const result: ChatResult = {
  id: 'up',
  model: 'up',
  content: null,
  toolCalls: [{ id: 'call_0', name: 'lookup', arguments: '{"q":"x"}' }],
  finishReason: 'tool_calls',
  usage: { promptTokens: 5, completionTokens: 7, totalTokens: 12, cachedTokens: 2, reasoningTokens: 3 },
};
const deltas: ChatDelta[] = [
  { type: 'text', text: 'Hel' },
  { type: 'text', text: 'lo' },
  { type: 'tool_call', index: 0, id: 'call_0', name: 'lookup', arguments: '' },
  { type: 'tool_call', index: 0, arguments: '{"q":"x"}' },
  { type: 'finish', finishReason: 'tool_calls' },
  { type: 'usage', usage: { promptTokens: 5, completionTokens: 7, totalTokens: 12 } },
];

let server: Server;
let client: OpenAI;
beforeAll(async () => {
  server = createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    request.on('end', () => {
      const body = JSON.parse(raw) as { stream?: boolean; model: string };
      if (body.model === 'missing') {
        response.writeHead(404, { 'content-type': 'application/json' });
        return response.end(JSON.stringify(openAIErrorBody(404, 'no such model', 'invalid_request_error', 'model_not_found')));
      }
      if (!body.stream) {
        response.writeHead(200, { 'content-type': 'application/json' });
        return response.end(JSON.stringify(toChatCompletion(result, meta)));
      }
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(sseData(toRoleChunk(meta)));
      for (const delta of deltas) response.write(sseData(toChunk(delta, meta)));
      response.end(SSE_DONE);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  client = new OpenAI({ apiKey: 'k', baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, maxRetries: 0 });
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('the openai SDK reads Grove serialisations', () => {
  it('a chat.completion', async () => {
    const completion = await client.chat.completions.create({ model: 'grove-model', messages: [{ role: 'user', content: 'hi' }] });
    expect(completion.choices[0]?.message.tool_calls?.[0]).toEqual({ id: 'call_0', type: 'function', function: { name: 'lookup', arguments: '{"q":"x"}' } });
    expect(completion.usage?.completion_tokens_details?.reasoning_tokens).toBe(3);
    expect(completion.usage?.prompt_tokens_details?.cached_tokens).toBe(2);
  });

  it('a stream, assembled by the SDK stream helper, with the usage chunk', async () => {
    const stream = client.chat.completions.stream({ model: 'grove-model', messages: [{ role: 'user', content: 'hi' }], stream_options: { include_usage: true } });
    const final = await stream.finalChatCompletion();
    expect(final.choices[0]?.message.content).toBe('Hello');
    expect(final.choices[0]?.message.tool_calls?.[0]?.function).toMatchObject({ name: 'lookup', arguments: '{"q":"x"}' });
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
    expect(final.usage?.total_tokens).toBe(12);
  });

  it('an error body, as an APIError with status and code', async () => {
    const error = await client.chat.completions.create({ model: 'missing', messages: [{ role: 'user', content: 'hi' }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect(error).toMatchObject({ status: 404, code: 'model_not_found', message: expect.stringContaining('no such model') });
  });
});
