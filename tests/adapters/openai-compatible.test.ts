import { openAICompatibleAdapter } from '../../server/adapters/openai-compatible/openai-compatible-adapter';
import { fixtureJson, fixtureText, startFakeOpenAI, type FakeUpstream } from '../fakes';
import { caught, chat, collect, makeTarget, textOf } from './helpers';

/** The OpenAI-compatible adapter: pass-through requests, tolerant parsing of compatible servers' answers. */

type Body = Record<string, unknown>;
let fake: FakeUpstream;
beforeAll(async () => {
  fake = await startFakeOpenAI();
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const target = () => makeTarget('openai-compatible', fake.url, { model: 'gpt-5.4', headers: { 'x-extra': 'yes' } });

describe('openai-compatible request', () => {
  it('request-tools.json goes through unchanged, to {baseUrl}/chat/completions with a Bearer key', async () => {
    const golden = fixtureJson<Body>('openai', 'request-tools.json');
    await openAICompatibleAdapter.generate(target(), { ...golden, model: 'auto' } as never, {});
    const request = fake.requests[0];
    expect(request?.url).toBe('/v1/chat/completions');
    expect(request?.headers.authorization).toBe('Bearer test-key');
    expect(request?.headers['x-extra']).toBe('yes');
    expect(request?.body).toEqual(golden);
  });

  it('passes unknown fields through, drops grove, sets the upstream model, and asks for usage when streaming', async () => {
    const request = chat([{ role: 'user', content: 'hi' }], { grove: { taskType: 'chat' }, top_k: 5, stream: true, stream_options: { include_usage: false } } as never);
    await collect(openAICompatibleAdapter.stream(target(), request, {}));
    expect(fake.requests[0]?.body).toEqual({
      model: 'gpt-5.4',
      messages: [{ role: 'user', content: 'hi' }],
      top_k: 5,
      stream: true,
      stream_options: { include_usage: true },
    });
    await openAICompatibleAdapter.generate(target(), request, {});
    expect(fake.requests[1]?.body).toEqual({ model: 'gpt-5.4', messages: [{ role: 'user', content: 'hi' }], top_k: 5 });
  });

  it('sends no authorization header without a key (local servers), which a keyed upstream answers with auth', async () => {
    const error = await caught(openAICompatibleAdapter.generate(makeTarget('openai-compatible', fake.url, { apiKey: undefined }), chat([{ role: 'user', content: 'x' }]), {}));
    expect(fake.requests[0]?.headers.authorization).toBeUndefined();
    expect(error).toMatchObject({ kind: 'auth', upstreamStatus: 401 });
  });
});

describe('openai-compatible response', () => {
  it('reads tool calls, null content, cached and reasoning token details', async () => {
    const golden = fixtureJson<Body>('openai', 'response-tool-calls.json');
    fake.setBehavior({
      json: { ...golden, usage: { prompt_tokens: 82, completion_tokens: 17, total_tokens: 99, prompt_tokens_details: { cached_tokens: 64 }, completion_tokens_details: { reasoning_tokens: 5 } } },
    });
    const result = await openAICompatibleAdapter.generate(target(), chat([{ role: 'user', content: 'x' }]), {});
    expect(result).toEqual({
      id: 'chatcmpl-abc123',
      model: 'gpt-4o-mini',
      content: null,
      toolCalls: [{ id: 'call_abc123', name: 'get_current_weather', arguments: '{\n"location": "Boston, MA"\n}' }],
      finishReason: 'tool_calls',
      usage: { promptTokens: 82, completionTokens: 17, totalTokens: 99, cachedTokens: 64, reasoningTokens: 5 },
    });
  });

  it('keeps reasoning_content and refusal; maps finish reasons outside the enum to stop', async () => {
    fake.setBehavior({
      json: { id: 'x', choices: [{ message: { content: 'hi', reasoning_content: 'think', refusal: 'no' }, finish_reason: 'eos' }], usage: null },
    });
    const result = await openAICompatibleAdapter.generate(target(), chat([{ role: 'user', content: 'x' }]), {});
    expect(result).toMatchObject({ model: 'gpt-5.4', content: 'hi', reasoning: 'think', refusal: 'no', finishReason: 'stop' });
    expect(result.usage).toEqual({ promptTokens: 0, completionTokens: 0, totalTokens: 0 });
    fake.setBehavior({ json: { choices: [{ message: { content: 'x' }, finish_reason: 'length' }] } });
    expect((await openAICompatibleAdapter.generate(target(), chat([{ role: 'user', content: 'x' }]), {})).finishReason).toBe('length');
    fake.setBehavior({ json: { choices: [{ message: { content: null, tool_calls: [{ function: { name: 'f' } }] }, finish_reason: 'function_call' }] } });
    expect(await openAICompatibleAdapter.generate(target(), chat([{ role: 'user', content: 'x' }]), {})).toMatchObject({
      finishReason: 'tool_calls',
      toolCalls: [{ id: 'call_0', name: 'f', arguments: '' }],
    });
    fake.setBehavior({ json: { choices: [{ message: { content: '' }, finish_reason: 'content_filter' }] } });
    expect((await openAICompatibleAdapter.generate(target(), chat([{ role: 'user', content: 'x' }]), {})).finishReason).toBe('content_filter');
  });

  it('streams tool-call deltas as OpenAI numbers them (stream-tool-calls.sse)', async () => {
    fake.setBehavior({ sse: fixtureText('openai', 'stream-tool-calls.sse') });
    const deltas = await collect(openAICompatibleAdapter.stream(target(), chat([{ role: 'user', content: 'x' }]), {}));
    expect(deltas).toEqual([
      { type: 'tool_call', index: 0, id: 'call_abc123', name: 'get_current_weather', arguments: '' },
      { type: 'tool_call', index: 0, arguments: '{"location":' },
      { type: 'tool_call', index: 0, arguments: ' "Boston, MA"}' },
      { type: 'finish', finishReason: 'tool_calls' },
    ]);
  });

  it('streams reasoning deltas; accepts a stream without [DONE] when a finish_reason came', async () => {
    fake.setBehavior({
      sse:
        'data: {"choices":[{"delta":{"role":"assistant","reasoning":"hm"}}]}\n\n' +
        'data: {"choices":[{"delta":{"content":"ok"}}]}\n\n' +
        'data: {"choices":[{"delta":{},"finish_reason":"stop"}]}\n\n',
    });
    const deltas = await collect(openAICompatibleAdapter.stream(target(), chat([{ role: 'user', content: 'x' }]), {}));
    expect(deltas).toEqual([
      { type: 'reasoning', text: 'hm' },
      { type: 'text', text: 'ok' },
      { type: 'finish', finishReason: 'stop' },
    ]);
  });

  it('a stream cut before any finish_reason is a connection error; events after [DONE] are ignored', async () => {
    fake.setBehavior({ sse: 'data: {"choices":[{"delta":{"content":"par"}}]}\n\n' });
    expect(await caught(collect(openAICompatibleAdapter.stream(target(), chat([{ role: 'user', content: 'x' }]), {})))).toMatchObject({ kind: 'connection', midStream: true });
    fake.setBehavior({ sse: `${fixtureText('openai', 'stream.sse')}data: {"choices":[{"delta":{"content":"late"}}]}\n\n` });
    const deltas = await collect(openAICompatibleAdapter.stream(target(), chat([{ role: 'user', content: 'x' }]), {}));
    expect(textOf(deltas)).toBe('Hello');
  });

  it('a mid-stream error object before any delta keeps midStream false, with its kind from the code', async () => {
    fake.setBehavior({ sse: 'data: {"error":{"message":"slow down","type":"requests","param":null,"code":"rate_limit_exceeded"}}\n\n' });
    const error = await caught(collect(openAICompatibleAdapter.stream(target(), chat([{ role: 'user', content: 'x' }]), {})));
    expect(error).toMatchObject({ kind: 'rate_limit', midStream: false, retryable: true });
    expect(error.message).toContain('slow down');
  });

  it('a 400 with code content_filter → content_filter, not retryable', async () => {
    fake.setBehavior({ status: 400, errorBody: { error: { message: 'flagged', type: 'invalid_request_error', param: null, code: 'content_filter' } } });
    expect(await caught(openAICompatibleAdapter.generate(target(), chat([{ role: 'user', content: 'x' }]), {}))).toMatchObject({
      kind: 'content_filter',
      retryable: false,
      status: 400,
    });
  });
});

describe('fake upstream controls', () => {
  it('queued behaviors apply once each, in order, then the standing behavior', async () => {
    fake.setBehavior({ json: { choices: [{ message: { content: 'standing' }, finish_reason: 'stop' }] } });
    fake.queueBehaviors({ status: 503 }, { status: 429, retryAfter: '1' });
    const request = chat([{ role: 'user', content: 'x' }]);
    expect((await caught(openAICompatibleAdapter.generate(target(), request, {}))).kind).toBe('overloaded');
    expect(await caught(openAICompatibleAdapter.generate(target(), request, {}))).toMatchObject({ kind: 'rate_limit', retryAfterMs: 1000 });
    expect((await openAICompatibleAdapter.generate(target(), request, {})).content).toBe('standing');
  });

  it('serves GET /v1/models from the golden and 404s unknown paths', async () => {
    const models = (await (await fetch(`${fake.url}/models`)).json()) as { object: string };
    expect(models.object).toBe('list');
    expect((await fetch(`${fake.url}/nothing`, { method: 'POST' })).status).toBe(404);
  });
});
