import { anthropicAdapter } from '../../server/adapters/anthropic/anthropic-adapter';
import { buildAnthropicRequest } from '../../server/adapters/anthropic/build-anthropic-request';
import type { ChatRequest } from '../../shared/chat';
import { fixtureJson, fixtureText, startFakeAnthropic, type FakeUpstream } from '../fakes';
import { caught, chat, collect, makeTarget, textOf } from './helpers';

/** Translation to and from the Anthropic Messages API, checked against the wire goldens. */

type Body = Record<string, unknown>;
let fake: FakeUpstream;
beforeAll(async () => {
  fake = await startFakeAnthropic();
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const target = () => makeTarget('anthropic', fake.url, { model: 'claude-sonnet-4-5' });
const weather = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Get the current weather in a given location',
    parameters: {
      type: 'object',
      properties: { location: { type: 'string', description: 'The city and state, e.g. San Francisco, CA' } },
      required: ['location'],
    },
  },
};

async function sent(request: ChatRequest): Promise<Body> {
  await anthropicAdapter.generate(target(), request, {});
  return fake.requests[0]?.body as Body;
}

describe('anthropic request translation (vs goldens)', () => {
  it('plain request with a system prompt = request.json, sent to /v1/messages with the key and version headers', async () => {
    const body = await sent(chat([{ role: 'system', content: 'You are a helpful assistant.' }, { role: 'user', content: 'Hello, Claude' }], { max_tokens: 1024 }));
    expect(body).toEqual(fixtureJson('anthropic', 'request.json'));
    const request = fake.requests[0];
    expect(request?.url).toBe('/v1/messages');
    expect(request?.headers['x-api-key']).toBe('test-key');
    expect(request?.headers['anthropic-version']).toBe('2023-06-01');
  });

  it('content parts, temperature and stop = request-stream.json', () => {
    const request = chat(
      [
        { role: 'developer', content: [{ type: 'text', text: 'You are a helpful assistant.' }] },
        { role: 'user', content: [{ type: 'text', text: 'Hello' }] },
      ],
      { max_completion_tokens: 1024, temperature: 0.7, stop: '\n\nHuman:', stream: true },
    );
    expect(buildAnthropicRequest(target(), request, true)).toEqual(fixtureJson('anthropic', 'request-stream.json'));
  });

  it('tools and tool_choice = request-tools.json', async () => {
    const body = await sent(chat([{ role: 'user', content: 'What is the weather like in San Francisco?' }], { max_tokens: 1024, tools: [weather], tool_choice: 'auto' }));
    expect(body).toEqual(fixtureJson('anthropic', 'request-tools.json'));
  });

  it('assistant tool call + tool result = request-tool-result.json (input is an object, the result a user turn)', async () => {
    const body = await sent(
      chat(
        [
          { role: 'user', content: 'What is the weather like in San Francisco?' },
          {
            role: 'assistant',
            content: "I'll check the current weather in San Francisco for you.",
            tool_calls: [{ id: 'toolu_01A09q90qw90lq917835lq9', type: 'function', function: { name: 'get_weather', arguments: '{"location":"San Francisco, CA"}' } }],
          },
          { role: 'tool', tool_call_id: 'toolu_01A09q90qw90lq917835lq9', content: '15 degrees, partly cloudy' },
        ],
        { max_tokens: 1024, tools: [weather] },
      ),
    );
    expect(body).toEqual(fixtureJson('anthropic', 'request-tool-result.json'));
  });

  it('⚠ supplies max_tokens when the client gives none: maxOutputTokens capped at 4096', () => {
    const request = chat([{ role: 'user', content: 'hi' }]);
    expect(buildAnthropicRequest(makeTarget('anthropic', 'x', { maxOutputTokens: 64000 }), request, false).max_tokens).toBe(4096);
    expect(buildAnthropicRequest(makeTarget('anthropic', 'x', { maxOutputTokens: 1000 }), request, false).max_tokens).toBe(1000);
  });

  it('⚠ clamps temperature to Anthropic range 0-1', () => {
    const body = buildAnthropicRequest(target(), chat([{ role: 'user', content: 'hi' }], { temperature: 1.8, top_p: 0.9 }), false);
    expect(body.temperature).toBe(1);
    // Recent Claude models refuse both at once.
    expect(body.top_p).toBeUndefined();
    expect(buildAnthropicRequest(target(), chat([{ role: 'user', content: 'hi' }], { top_p: 0.9 }), false).top_p).toBe(0.9);
  });

  it('⚠ merges consecutive turns: several tool results become one user turn, and a following user message joins it', () => {
    const body = buildAnthropicRequest(
      target(),
      chat([
        { role: 'user', content: 'Weather in Paris and Rome?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'a', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Paris"}' } },
            { id: 'b', type: 'function', function: { name: 'get_weather', arguments: '' } },
          ],
        },
        { role: 'tool', tool_call_id: 'a', content: 'sunny' },
        { role: 'tool', tool_call_id: 'b', content: [{ type: 'text', text: 'rain' }] },
        { role: 'user', content: 'Thanks' },
      ]),
      false,
    );
    expect(body.messages).toEqual([
      { role: 'user', content: 'Weather in Paris and Rome?' },
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'a', name: 'get_weather', input: { location: 'Paris' } },
          { type: 'tool_use', id: 'b', name: 'get_weather', input: {} },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'a', content: 'sunny' },
          { type: 'tool_result', tool_use_id: 'b', content: 'rain' },
          { type: 'text', text: 'Thanks' },
        ],
      },
    ]);
  });

  it('gathers several system messages into text blocks and drops empty assistant turns', () => {
    const body = buildAnthropicRequest(
      target(),
      chat([
        { role: 'system', content: 'one' },
        { role: 'developer', content: 'two' },
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: '' },
        { role: 'assistant', content: [{ type: 'text', text: 'hello' }] },
      ]),
      false,
    );
    expect(body.system).toEqual([
      { type: 'text', text: 'one' },
      { type: 'text', text: 'two' },
    ]);
    expect(body.messages).toEqual([
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: [{ type: 'text', text: 'hello' }] },
    ]);
  });

  it('maps tool_choice, parallel_tool_calls, user and images', () => {
    const base = chat([
      {
        role: 'user',
        content: [
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
          { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
        ],
      },
    ]);
    const build = (extra: Partial<ChatRequest>) => buildAnthropicRequest(target(), { ...base, tools: [weather], ...extra }, false);
    expect(build({ tool_choice: 'required' }).tool_choice).toEqual({ type: 'any' });
    expect(build({ tool_choice: 'none' }).tool_choice).toEqual({ type: 'none' });
    expect(build({ tool_choice: { type: 'function', function: { name: 'get_weather' } } }).tool_choice).toEqual({ type: 'tool', name: 'get_weather' });
    expect(build({ parallel_tool_calls: false }).tool_choice).toEqual({ type: 'auto', disable_parallel_tool_use: true });
    const body = build({ user: 'user-1', stop: ['END'] });
    expect(body.metadata).toEqual({ user_id: 'user-1' });
    expect(body.stop_sequences).toEqual(['END']);
    expect((body.messages as { content: unknown }[])[0]?.content).toEqual([
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
      { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
    ]);
  });

  it('refuses what it cannot translate with a non-retryable bad_request, before any call', async () => {
    const audio = chat([{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'x', format: 'wav' } }] }]);
    expect(await caught(anthropicAdapter.generate(target(), audio, {}))).toMatchObject({ kind: 'bad_request', retryable: false });
    const badArguments = chat([
      { role: 'user', content: 'hi' },
      { role: 'assistant', tool_calls: [{ id: 'a', type: 'function', function: { name: 'f', arguments: '[1]' } }] },
    ]);
    expect((await caught(collect(anthropicAdapter.stream(target(), badArguments, {})))).kind).toBe('bad_request');
    const notJson = chat([
      { role: 'user', content: 'hi' },
      { role: 'assistant', tool_calls: [{ id: 'a', type: 'function', function: { name: 'f', arguments: '{' } }] },
    ]);
    expect((await caught(anthropicAdapter.generate(target(), notJson, {}))).kind).toBe('bad_request');
    expect(fake.requests).toHaveLength(0);
  });
});

describe('anthropic response translation', () => {
  it('max_tokens → length', async () => {
    fake.setBehavior({ json: fixtureJson('anthropic', 'response-max-tokens.json') });
    const result = await anthropicAdapter.generate(target(), chat([{ role: 'user', content: 'story' }]), {});
    expect(result).toMatchObject({ content: 'Once upon a time', finishReason: 'length', id: 'msg_01XFDUDYJgAACzvnptvVoYEL', model: 'claude-sonnet-4-5-20250929' });
  });

  it('tool_use blocks → tool calls with JSON text arguments, text kept first', async () => {
    fake.setBehavior({ json: fixtureJson('anthropic', 'response-tool-use.json') });
    const result = await anthropicAdapter.generate(target(), chat([{ role: 'user', content: 'weather' }]), {});
    expect(result.content).toBe("I'll check the current weather in San Francisco for you.");
    expect(result.toolCalls).toEqual([{ id: 'toolu_01A09q90qw90lq917835lq9', name: 'get_weather', arguments: '{"location":"San Francisco, CA"}' }]);
    expect(result.usage).toEqual({ promptTokens: 384, completionTokens: 68, totalTokens: 452 });
  });

  it('counts cache reads and writes in the prompt, cache reads as cached, thinking as reasoning', async () => {
    fake.setBehavior({
      json: {
        id: 'msg_1',
        model: 'claude',
        content: [
          { type: 'thinking', thinking: 'hmm', signature: 's' },
          { type: 'text', text: 'ok' },
        ],
        stop_reason: 'refusal',
        usage: { input_tokens: 10, cache_creation_input_tokens: 20, cache_read_input_tokens: 30, output_tokens: 5 },
      },
    });
    const result = await anthropicAdapter.generate(target(), chat([{ role: 'user', content: 'x' }]), {});
    expect(result.usage).toEqual({ promptTokens: 60, completionTokens: 5, totalTokens: 65, cachedTokens: 30 });
    expect(result.reasoning).toBe('hmm');
    expect(result.finishReason).toBe('content_filter');
  });

  it('⚠ a refusal stream → content_filter, thinking → reasoning deltas, cumulative usage with thinking tokens', async () => {
    fake.setBehavior({ sse: fixtureText('anthropic', 'sdk-fixture-stream-refusal.sse') });
    const deltas = await collect(anthropicAdapter.stream(target(), chat([{ role: 'user', content: 'eclipse?' }]), {}));
    expect(textOf(deltas)).toBe('Hi');
    expect(deltas.filter((delta) => delta.type === 'reasoning').map((delta) => (delta as { text: string }).text).join('')).toMatch(/^Simple educational question/);
    expect(deltas.slice(-2)).toEqual([
      { type: 'finish', finishReason: 'content_filter' },
      { type: 'usage', usage: { promptTokens: 28, completionTokens: 106, totalTokens: 134, reasoningTokens: 67 } },
    ]);
  });

  it('numbers streamed tool calls among tool blocks only, and skips empty argument fragments', async () => {
    fake.setBehavior({ sse: fixtureText('anthropic', 'stream-tool-use.sse') });
    const deltas = await collect(anthropicAdapter.stream(target(), chat([{ role: 'user', content: 'weather' }]), {}));
    expect(deltas.filter((delta) => delta.type === 'tool_call')).toEqual([
      { type: 'tool_call', index: 0, id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', name: 'get_weather', arguments: '' },
      { type: 'tool_call', index: 0, arguments: '{"location":' },
      { type: 'tool_call', index: 0, arguments: ' "San Fra' },
      { type: 'tool_call', index: 0, arguments: 'ncisco, CA"}' },
    ]);
    expect(deltas.at(-1)).toEqual({ type: 'usage', usage: { promptTokens: 472, completionTokens: 89, totalTokens: 561 } });
  });

  it.each([
    ['\\n\\n', '\n\n'],
    ['\\r\\r', '\r\r'],
    ['\\r\\n\\r\\n', '\r\n\r\n'],
  ])('parses SSE separated by %s, with chunks split mid-event', async (_name, separator) => {
    const lineBreak = separator.length === 2 ? separator[0] : '\r\n';
    const text = fixtureText('anthropic', 'stream-thinking.sse').replace(/\n\n/g, '\u0000').replace(/\n/g, lineBreak ?? '\n').replace(/\u0000/g, separator);
    fake.setBehavior({ sse: text, chunkDelayMs: 1 });
    const deltas = await collect(anthropicAdapter.stream(target(), chat([{ role: 'user', content: 'hi' }]), {}));
    expect(deltas).toEqual([
      { type: 'reasoning', text: 'The user greets me; reply briefly.' },
      { type: 'text', text: 'Hi there!' },
      { type: 'finish', finishReason: 'stop' },
      { type: 'usage', usage: { promptTokens: 25, completionTokens: 42, totalTokens: 67 } },
    ]);
  });

  it('a stream cut before message_stop is a retryable connection error', async () => {
    const text = fixtureText('anthropic', 'stream.sse').split('event: message_delta')[0] ?? '';
    fake.setBehavior({ sse: text });
    const error = await caught(collect(anthropicAdapter.stream(target(), chat([{ role: 'user', content: 'hi' }]), {})));
    expect(error).toMatchObject({ kind: 'connection', retryable: true, midStream: true });
  });

  it('a mid-stream overloaded_error before any delta can still fail over (midStream false)', async () => {
    const start = fixtureText('anthropic', 'stream-error.sse').split('event: content_block_start')[0] ?? '';
    fake.setBehavior({ sse: `${start}event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n` });
    const error = await caught(collect(anthropicAdapter.stream(target(), chat([{ role: 'user', content: 'hi' }]), {})));
    expect(error).toMatchObject({ kind: 'overloaded', retryable: true, midStream: false });
  });

  it('forwards retry-after given as an HTTP date, and 529 is reported as 503', async () => {
    fake.setBehavior({ status: 429, retryAfter: new Date(Date.now() + 30_000).toUTCString() });
    const error = await caught(anthropicAdapter.generate(target(), chat([{ role: 'user', content: 'hi' }]), {}));
    expect(error.retryAfterMs).toBeGreaterThan(25_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(30_000);
    expect(error.message).toContain('rate limit');
    fake.setBehavior({ status: 529 });
    expect(await caught(anthropicAdapter.generate(target(), chat([{ role: 'user', content: 'hi' }]), {}))).toMatchObject({ status: 503, upstreamStatus: 529 });
  });

  it('a malformed stream event is a retryable server error', async () => {
    fake.setBehavior({ sse: 'event: message_start\ndata: {"type":\n\n' });
    expect(await caught(collect(anthropicAdapter.stream(target(), chat([{ role: 'user', content: 'hi' }]), {})))).toMatchObject({ kind: 'server', retryable: true });
  });

  it('a 200 answer that is not JSON is a retryable server error; a wrong path is not_found', async () => {
    fake.setBehavior({ rawBody: '{"id": "msg_' });
    expect(await caught(anthropicAdapter.generate(target(), chat([{ role: 'user', content: 'hi' }]), {}))).toMatchObject({ kind: 'server', retryable: true });
    fake.setBehavior({});
    const error = await caught(anthropicAdapter.generate(makeTarget('anthropic', `${fake.url}/broken`), chat([{ role: 'user', content: 'hi' }]), {}));
    expect(error).toMatchObject({ kind: 'not_found', status: 502, upstreamStatus: 404 });
  });
});
