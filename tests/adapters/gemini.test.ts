import { geminiAdapter } from '../../server/adapters/gemini/gemini-adapter';
import { buildGeminiRequest } from '../../server/adapters/gemini/build-gemini-request';
import type { ChatRequest } from '../../shared/chat';
import { fixtureJson, fixtureText, startFakeGemini, type FakeUpstream } from '../fakes';
import { caught, chat, collect, makeTarget, textOf } from './helpers';

/** Translation to and from the Gemini generateContent API, checked against the wire goldens. */

type Body = Record<string, unknown>;
let fake: FakeUpstream;
beforeAll(async () => {
  fake = await startFakeGemini();
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const target = () => makeTarget('gemini', fake.url, { model: 'gemini-2.0-flash' });
const divide = {
  type: 'function' as const,
  function: {
    name: 'customDivide',
    description: 'Custom divide function',
    parameters: { properties: { denominator: { type: 'number' }, numerator: { type: 'number' } }, type: 'object' },
  },
};
const build = (request: ChatRequest) => buildGeminiRequest(target(), request);

describe('gemini request translation (vs goldens)', () => {
  it('plain request = request.json, to :generateContent with x-goog-api-key', async () => {
    await geminiAdapter.generate(target(), chat([{ role: 'user', content: 'why is the sky blue?' }]), {});
    const request = fake.requests[0];
    expect(request?.body).toEqual(fixtureJson('gemini', 'request.json'));
    expect(request?.url).toBe('/v1beta/models/gemini-2.0-flash:generateContent');
    expect(request?.headers['x-goog-api-key']).toBe('test-key');
  });

  it('max_tokens and temperature = request-stream-max-tokens.json, streamed from :streamGenerateContent?alt=sse', async () => {
    fake.setBehavior({ sse: fixtureText('gemini', 'stream-max-tokens.sse') });
    const deltas = await collect(geminiAdapter.stream(target(), chat([{ role: 'user', content: 'why is the sky blue?' }], { max_tokens: 20, temperature: 0.5, stream: true }), {}));
    expect(fake.requests[0]?.url).toBe('/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse');
    expect(fake.requests[0]?.body).toEqual(fixtureJson('gemini', 'request-stream-max-tokens.json'));
    expect(textOf(deltas)).toBe("The sky is blue because of a phenomenon called **Rayleigh scattering**. Here's a breakdown:");
    expect(deltas.slice(-2)).toEqual([
      { type: 'finish', finishReason: 'length' },
      { type: 'usage', usage: { promptTokens: 6, completionTokens: 20, totalTokens: 26 } },
    ]);
  });

  it('system message and n = request-stream-system-instruction.json', () => {
    const request = chat(
      [
        { role: 'system', content: 'I say high you say low, and then tell me why is the sky blue.' },
        { role: 'user', content: 'high' },
      ],
      { n: 1 },
    );
    expect(build(request)).toEqual(fixtureJson('gemini', 'request-stream-system-instruction.json'));
  });

  it('tools as plain JSON Schema and tool_choice auto = request-toolconfig.json', () => {
    const request = chat([{ role: 'user', content: 'Divide 10 by 2 using the customDivide function, then divide the result by 2 again, then tell me the result' }], {
      tools: [divide],
      tool_choice: 'auto',
    });
    expect(build(request)).toEqual(fixtureJson('gemini', 'request-toolconfig.json'));
  });

  it('⚠ a tool result finds its function name through the made-up call id = request-function-response.json', () => {
    const request = chat(
      [
        { role: 'user', content: 'Divide 10 by 2 using the customDivide function' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_0', type: 'function', function: { name: 'customDivide', arguments: '{"denominator":2,"numerator":10}' } }] },
        { role: 'tool', tool_call_id: 'call_0', content: '42' },
      ],
      { tools: [divide], tool_choice: 'auto' },
    );
    expect(build(request)).toEqual(fixtureJson('gemini', 'request-function-response.json'));
  });

  it('⚠ a later call with the same made-up id wins; object results are sent as they are, text as {output}', () => {
    const call = (name: string) => ({ role: 'assistant' as const, tool_calls: [{ id: 'call_0', type: 'function' as const, function: { name, arguments: '{}' } }] });
    const body = build(
      chat([
        { role: 'user', content: 'go' },
        call('first'),
        { role: 'tool', tool_call_id: 'call_0', content: '{"a":1}' },
        call('second'),
        { role: 'tool', tool_call_id: 'call_0', content: 'plain text' },
      ]),
    );
    const contents = body.contents as { role: string; parts: Body[] }[];
    expect(contents.map((content) => content.role)).toEqual(['user', 'model', 'user', 'model', 'user']);
    expect(contents[2]?.parts).toEqual([{ functionResponse: { name: 'first', response: { a: 1 } } }]);
    expect(contents[4]?.parts).toEqual([{ functionResponse: { name: 'second', response: { output: 'plain text' } } }]);
  });

  it('a tool result with an unknown call id is a bad_request, before any call', async () => {
    const request = chat([
      { role: 'user', content: 'go' },
      { role: 'tool', tool_call_id: 'call_9', content: '1' },
    ]);
    expect(await caught(geminiAdapter.generate(target(), request, {}))).toMatchObject({ kind: 'bad_request', retryable: false });
    expect((await caught(collect(geminiAdapter.stream(target(), request, {})))).kind).toBe('bad_request');
    expect(fake.requests).toHaveLength(0);
  });

  it('⚠ merges consecutive same-role turns; assistant text and calls share one model turn', () => {
    const body = build(
      chat([
        { role: 'user', content: 'one' },
        { role: 'user', content: [{ type: 'text', text: 'two' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } }] },
        { role: 'assistant', content: 'sure', tool_calls: [{ id: 'x', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }] },
        { role: 'assistant', content: null },
        { role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/a.png?x=1' } }, { type: 'image_url', image_url: { url: 'https://example.com/photo' } }] },
      ]),
    );
    expect(body.contents).toEqual([
      { role: 'user', parts: [{ text: 'one' }, { text: 'two' }, { inlineData: { mimeType: 'image/png', data: 'AAAA' } }] },
      { role: 'model', parts: [{ text: 'sure' }, { functionCall: { name: 'f', args: { a: 1 } } }] },
      {
        role: 'user',
        parts: [
          { fileData: { mimeType: 'image/png', fileUri: 'https://example.com/a.png?x=1' } },
          { fileData: { mimeType: 'image/jpeg', fileUri: 'https://example.com/photo' } },
        ],
      },
    ]);
  });

  it('refuses content parts Gemini cannot take (file) with bad_request', () => {
    expect(unsupportedFileError().kind).toBe('bad_request');
  });

  it('maps sampling fields, response_format and tool_choice', () => {
    const base = chat([{ role: 'user', content: 'x' }], {
      max_completion_tokens: 50,
      stop: 'END',
      top_p: 0.5,
      seed: 3,
      presence_penalty: 0.1,
      frequency_penalty: 0.2,
      response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object' } } },
      tools: [divide],
    });
    const body = build(base);
    expect(body.generationConfig).toEqual({
      maxOutputTokens: 50,
      stopSequences: ['END'],
      topP: 0.5,
      seed: 3,
      presencePenalty: 0.1,
      frequencyPenalty: 0.2,
      responseMimeType: 'application/json',
      responseJsonSchema: { type: 'object' },
    });
    expect((build({ ...base, response_format: { type: 'json_object' } }).generationConfig as Body).responseMimeType).toBe('application/json');
    expect(build({ ...base, tool_choice: 'none' }).toolConfig).toEqual({ functionCallingConfig: { mode: 'NONE' } });
    expect(build({ ...base, tool_choice: 'required' }).toolConfig).toEqual({ functionCallingConfig: { mode: 'ANY' } });
    expect(build({ ...base, tool_choice: { type: 'function', function: { name: 'customDivide' } } }).toolConfig).toEqual({
      functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['customDivide'] },
    });
    expect(build({ ...base, tools: [{ type: 'function', function: { name: 'bare' } }] }).tools).toEqual([{ functionDeclarations: [{ name: 'bare' }] }]);
  });
});

function unsupportedFileError() {
  try {
    build(chat([{ role: 'user', content: [{ type: 'file', file: { file_id: 'f' } }] }]));
  } catch (error) {
    return error as { kind: string };
  }
  return { kind: 'none' };
}

describe('gemini response translation', () => {
  it('⚠ STOP with a functionCall part → tool_calls, with a made-up id', async () => {
    fake.setBehavior({ json: fixtureJson('gemini', 'response-function-call.json') });
    const result = await geminiAdapter.generate(target(), chat([{ role: 'user', content: 'what is the result of 100/2' }]), {});
    expect(result).toMatchObject({
      id: 'x9SfaLCQBs7shMIP2Mei0AI',
      model: 'gemini-2.0-flash',
      content: null,
      finishReason: 'tool_calls',
      toolCalls: [{ id: 'call_0', name: 'customDivide', arguments: '{"denominator":2,"numerator":100}' }],
      usage: { promptTokens: 21, completionTokens: 6, totalTokens: 27 },
    });
  });

  it('⚠ thinking tokens count as completion and reasoning tokens; total = prompt + completion (stream with thought signature)', async () => {
    fake.setBehavior({ sse: fixtureText('gemini', 'stream-function-call-thought-signature.sse') });
    const deltas = await collect(geminiAdapter.stream(target(), chat([{ role: 'user', content: 'divide' }]), {}));
    expect(deltas).toEqual([
      { type: 'tool_call', index: 0, id: 'call_0', name: 'customDivide', arguments: '{"denominator":2,"numerator":10}' },
      { type: 'finish', finishReason: 'tool_calls' },
      { type: 'usage', usage: { promptTokens: 81, completionTokens: 199, totalTokens: 280, reasoningTokens: 179 } },
    ]);
  });

  it('thought parts go to reasoning, not content; cached tokens are reported', async () => {
    fake.setBehavior({
      json: {
        candidates: [{ content: { role: 'model', parts: [{ text: 'pondering', thought: true }, { text: 'answer' }] }, finishReason: 'SAFETY' }],
        usageMetadata: { promptTokenCount: 10, cachedContentTokenCount: 4, candidatesTokenCount: 2, thoughtsTokenCount: 3, toolUsePromptTokenCount: 1 },
      },
    });
    const result = await geminiAdapter.generate(target(), chat([{ role: 'user', content: 'x' }]), {});
    expect(result).toMatchObject({ content: 'answer', reasoning: 'pondering', finishReason: 'content_filter', model: 'gemini-2.0-flash' });
    expect(result.usage).toEqual({ promptTokens: 11, completionTokens: 5, totalTokens: 16, cachedTokens: 4, reasoningTokens: 3 });
  });

  it('a blocked prompt (no candidates) → content_filter with null content, in JSON and in a stream', async () => {
    const blocked = fixtureJson('gemini', 'response-prompt-blocked.json');
    fake.setBehavior({ json: blocked });
    const result = await geminiAdapter.generate(target(), chat([{ role: 'user', content: 'x' }]), {});
    expect(result).toMatchObject({ content: null, finishReason: 'content_filter', toolCalls: [] });
    fake.setBehavior({ sse: `data: ${JSON.stringify(blocked)}\r\n\r\n` });
    const deltas = await collect(geminiAdapter.stream(target(), chat([{ role: 'user', content: 'x' }]), {}));
    expect(deltas[0]).toEqual({ type: 'finish', finishReason: 'content_filter' });
  });

  it('429 carries RetryInfo.retryDelay as retryAfterMs', async () => {
    fake.setBehavior({ status: 429 });
    expect(await caught(geminiAdapter.generate(target(), chat([{ role: 'user', content: 'x' }]), {}))).toMatchObject({ kind: 'rate_limit', retryAfterMs: 43_000 });
  });

  it('a stream that ends without a finish reason is a connection error', async () => {
    const firstEvent = fixtureText('gemini', 'stream.sse').split('\r\n\r\n')[0] ?? '';
    fake.setBehavior({ sse: `${firstEvent}\r\n\r\n` });
    const error = await caught(collect(geminiAdapter.stream(target(), chat([{ role: 'user', content: 'x' }]), {})));
    expect(error).toMatchObject({ kind: 'connection', midStream: true });
  });

  it('the streaming endpoint error (bare JSON with an SSE content type) → not_found', async () => {
    fake.setBehavior({ status: 404 });
    const response = await fetch(`${fake.url}/v1beta/models/m:streamGenerateContent?alt=sse`, { method: 'POST', headers: { 'x-goog-api-key': 'k' }, body: '{}' });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    await response.text();
    const error = await caught(collect(geminiAdapter.stream(target(), chat([{ role: 'user', content: 'x' }]), {})));
    expect(error).toMatchObject({ kind: 'not_found', upstreamStatus: 404 });
    expect(error.message).toContain('is not found for API version v1beta');
  });
});
