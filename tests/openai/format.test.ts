import { UpstreamError } from '../../server/adapters/errors';
import type { ChatResult } from '../../server/adapters/types';
import fc from 'fast-check';
import { SSE_DONE, chunkEncoder, openAIErrorBody, sseData, toChatCompletion, toChunk, toRoleChunk, upstreamErrorToOpenAI, defaultErrorType } from '../../server/openai';
import type { ChatDelta } from '../../server/adapters/types';
import { fixtureJson, fixtureText } from '../fakes';

/** Grove's answers must have the OpenAI wire shape: compared field by field with the goldens. */

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function sseEvents(name: string): Json[] {
  return fixtureText('openai', name)
    .split('\n\n')
    .filter((event) => event.startsWith('data: {'))
    .map((event) => JSON.parse(event.slice(6)) as Json);
}

/** A golden without the optional fields Grove does not produce. */
function withoutKeys(value: Json, keys: string[]): Json {
  return JSON.parse(JSON.stringify(value, (key, inner: unknown) => (keys.includes(key) ? undefined : inner))) as Json;
}

const optional = ['system_fingerprint', 'service_tier', 'annotations', 'audio_tokens', 'accepted_prediction_tokens', 'rejected_prediction_tokens'];

describe('chat.completion', () => {
  it('equals response.json for the same answer (refusal null always present, token details included)', () => {
    const golden = fixtureJson<Json>('openai', 'response.json');
    const result: ChatResult = {
      id: 'upstream-id',
      model: 'upstream-model',
      content: 'Hello! How can I assist you today?',
      toolCalls: [],
      finishReason: 'stop',
      usage: { promptTokens: 19, completionTokens: 10, totalTokens: 29 },
    };
    const completion = toChatCompletion(result, { id: golden.id, created: golden.created, model: golden.model });
    expect(completion).toEqual(withoutKeys(golden, optional));
    expect(completion.choices[0]?.message).toHaveProperty('refusal', null);
    expect(completion.choices[0]?.message).not.toHaveProperty('tool_calls');
  });

  it('equals response-tool-calls.json for a tool-call answer', () => {
    const golden = fixtureJson<Json>('openai', 'response-tool-calls.json');
    const result: ChatResult = {
      id: 'x',
      model: 'x',
      content: null,
      toolCalls: [{ id: 'call_abc123', name: 'get_current_weather', arguments: '{\n"location": "Boston, MA"\n}' }],
      finishReason: 'tool_calls',
      usage: { promptTokens: 82, completionTokens: 17, totalTokens: 99, cachedTokens: 3, reasoningTokens: 4 },
    };
    const completion = toChatCompletion(result, { id: golden.id, created: golden.created, model: golden.model });
    expect(completion).toEqual({
      ...withoutKeys(golden, optional),
      usage: { ...golden.usage, prompt_tokens_details: { cached_tokens: 3 }, completion_tokens_details: { reasoning_tokens: 4 } },
    });
  });

  it('adds reasoning_content and an upstream refusal when there are some', () => {
    const completion = toChatCompletion(
      { id: 'x', model: 'x', content: null, toolCalls: [], finishReason: 'content_filter', reasoning: 'why', refusal: 'no', usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 } },
      { id: 'chatcmpl-1', created: 1, model: 'm' },
    );
    expect(completion.choices[0]?.message).toEqual({ role: 'assistant', content: null, refusal: 'no', reasoning_content: 'why' });
  });
});

describe('chat.completion.chunk', () => {
  const golden = sseEvents('stream-include-usage.sse');
  const meta = { id: 'chatcmpl-123', created: 1694268190, model: 'gpt-4o-mini' };
  const strip = (chunk: Json) => withoutKeys({ ...chunk, usage: undefined }, ['system_fingerprint', 'refusal']);

  it('role, content, finish and usage chunks equal stream-include-usage.sse', () => {
    expect(toRoleChunk(meta)).toEqual(strip(golden[0]!));
    expect(toChunk({ type: 'text', text: 'Hello' }, meta)).toEqual(strip(golden[1]!));
    expect(toChunk({ type: 'text', text: '!' }, meta)).toEqual(strip(golden[2]!));
    expect(toChunk({ type: 'finish', finishReason: 'stop' }, meta)).toEqual(strip(golden[3]!));
    const usageChunk = toChunk({ type: 'usage', usage: { promptTokens: 19, completionTokens: 2, totalTokens: 21 } }, meta);
    expect(usageChunk.choices).toEqual([]);
    expect(usageChunk).toEqual(withoutKeys(golden[4]!, optional));
  });

  it('tool-call deltas equal stream-tool-calls.sse (id, type and name on the first, arguments after)', () => {
    const tools = sseEvents('stream-tool-calls.sse');
    const first = toChunk({ type: 'tool_call', index: 0, id: 'call_abc123', name: 'get_current_weather', arguments: '' }, meta);
    expect(first.choices[0]?.delta.tool_calls).toEqual(tools[0]!.choices[0].delta.tool_calls);
    expect(toChunk({ type: 'tool_call', index: 0, arguments: '{"location":' }, meta)).toEqual(withoutKeys(tools[1]!, ['system_fingerprint']));
    expect(toChunk({ type: 'finish', finishReason: 'tool_calls' }, meta)).toEqual(withoutKeys(tools[3]!, ['system_fingerprint']));
  });

  it('reasoning goes to reasoning_content; SSE framing ends with [DONE]', () => {
    expect(toChunk({ type: 'reasoning', text: 'hm' }, meta).choices[0]?.delta).toEqual({ reasoning_content: 'hm' });
    expect(sseData({ a: 1 })).toBe('data: {"a":1}\n\n');
    expect(SSE_DONE).toBe('data: [DONE]\n\n');
    expect(fixtureText('openai', 'stream.sse')).toContain(SSE_DONE);
  });
});

describe('chunkEncoder', () => {
  it('writes the role chunk and every delta with the bytes of sseData(toChunk(…)), whatever the text, id and model', () => {
    const text = fc.string({ unit: 'binary' });
    const delta: fc.Arbitrary<ChatDelta> = fc.oneof(
      text.map((value) => ({ type: 'text' as const, text: value })),
      text.map((value) => ({ type: 'reasoning' as const, text: value })),
      fc.record({ index: fc.nat(3), id: fc.option(fc.string(), { nil: undefined }), name: fc.option(fc.string(), { nil: undefined }), arguments: fc.string() }).map((call) => ({ type: 'tool_call' as const, ...call })),
      fc.constantFrom('stop', 'length', 'tool_calls', 'content_filter').map((finishReason) => ({ type: 'finish' as const, finishReason })),
      fc
        .record({ promptTokens: fc.nat(), completionTokens: fc.nat(), cachedTokens: fc.option(fc.nat(), { nil: undefined }), reasoningTokens: fc.option(fc.nat(), { nil: undefined }) })
        .map((usage) => ({ type: 'usage' as const, usage: { ...usage, totalTokens: usage.promptTokens + usage.completionTokens } })),
    ) as fc.Arbitrary<ChatDelta>;
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), fc.nat(), fc.array(delta, { maxLength: 6 }), (id, model, created, deltas) => {
        const meta = { id, model, created };
        const encoder = chunkEncoder(meta);
        expect(encoder.roleEvent).toBe(sseData(toRoleChunk(meta)));
        for (const item of deltas) expect(encoder.encode(item)).toBe(sseData(toChunk(item, meta)));
      }),
    );
  });
});

describe('error bodies', () => {
  it('equal the OpenAI goldens', () => {
    for (const status of [401, 404, 429]) {
      const golden = fixtureJson<Json>('openai', `error-${status}.json`);
      const { message, type, code, param } = golden.error;
      expect(openAIErrorBody(status, message, type, code, param)).toEqual(golden);
    }
  });

  it('default types by status, param and code null', () => {
    expect(openAIErrorBody(400, 'bad')).toEqual({ error: { message: 'bad', type: 'invalid_request_error', param: null, code: null } });
    expect([401, 403, 404, 429, 500, 413].map((status) => defaultErrorType(status))).toEqual([
      'authentication_error',
      'permission_error',
      'not_found_error',
      'rate_limit_error',
      'server_error',
      'invalid_request_error',
    ]);
  });

  it('map an UpstreamError to its status, body and retry-after', () => {
    const rateLimited = new UpstreamError({ kind: 'rate_limit', message: 'anthropic claude: slow down', provider: 'anthropic', modelId: 'claude', upstreamStatus: 429, retryAfterMs: 6500 });
    expect(upstreamErrorToOpenAI(rateLimited)).toEqual({
      status: 429,
      headers: { 'retry-after': '7' },
      body: { error: { message: 'anthropic claude: slow down', type: 'rate_limit_error', param: null, code: 'rate_limit_exceeded' } },
    });
    const timeout = upstreamErrorToOpenAI(new UpstreamError({ kind: 'timeout', message: 't', provider: 'gemini', modelId: 'g' }));
    expect(timeout).toMatchObject({ status: 504, headers: {}, body: { error: { type: 'timeout_error', code: 'upstream_timeout' } } });
  });
});
