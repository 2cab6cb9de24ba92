import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OpenAIStreamTranslator, type OpenAIChunk } from '../../server/adapters/openai-compatible/openai-stream-translator';
import type { ChatDelta } from '../../server/adapters/types';
import { fixtureText, splitSseEvents } from '../fakes';

/**
 * The OpenAI stream translator reads the common text chunk without JSON.parse (an anchored pattern
 * of JSON's grammar) and every other chunk in full. These tests hold the two paths to the same
 * deltas, whatever the strings, fields and key order, and check that the shapes real servers send
 * take the fast path.
 */

const context = { provider: 'openai-compatible' as const, modelId: 'translator-model' };

interface Outcome {
  deltas: ChatDelta[];
  closing: ChatDelta[] | undefined;
  error?: unknown;
}

/** Every event through `translate` (fast path where it applies), or through a full parse. */
function run(events: string[], fullParse: boolean): Outcome {
  const translator = new OpenAIStreamTranslator(context);
  const deltas: ChatDelta[] = [];
  try {
    for (const data of events) {
      if (fullParse && data !== '[DONE]') translator.translateChunk(JSON.parse(data) as OpenAIChunk, deltas);
      else translator.translate(data, deltas);
    }
  } catch (error) {
    return { deltas, closing: undefined, error: (error as Error).message };
  }
  const closing: ChatDelta[] = [];
  try {
    translator.finish(closing);
  } catch (error) {
    return { deltas, closing: undefined, error: (error as Error).message };
  }
  return { deltas, closing };
}

const text = fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), fc.constantFrom('', 'Hello', ' world', 'say "hi"\\n', '\u0000\u001f\u2028'));
const delta = fc.oneof(
  text.map((content) => ({ content })),
  text.map((content) => ({ role: 'assistant', content })),
  text.map((content) => ({ content, refusal: null })),
  text.map((reasoning_content) => ({ reasoning_content })),
  text.map((content) => ({ reasoning: 'thinking', content })),
  fc.constant({}),
  fc.constant({ content: null }),
  fc.record({ index: fc.nat(2), id: fc.string(), function: fc.record({ name: fc.string(), arguments: text }) }).map((call) => ({ tool_calls: [call] })),
);
const usage = fc.record({ prompt_tokens: fc.nat(), completion_tokens: fc.nat(), total_tokens: fc.nat() });
/** Any chunk, its fields present or not, mostly in OpenAI's key order, sometimes in another one. */
const anyChunk = fc
  .record(
    {
      id: text,
      object: fc.constantFrom('chat.completion.chunk', 'chat.completion'),
      created: fc.oneof(fc.nat(), fc.constant(-1), fc.constant(1.5)),
      model: text,
      service_tier: text,
      system_fingerprint: fc.option(text, { nil: null }),
      choices: fc.oneof(fc.constant([]), fc.tuple(fc.record({ index: fc.constantFrom(0, 1), delta, logprobs: fc.constant(null), finish_reason: fc.constantFrom(null, null, null, 'stop', 'length', 'tool_calls') }, { requiredKeys: ['index', 'delta', 'finish_reason'] }))),
      usage: fc.option(usage, { nil: null }),
      obfuscation: text,
      error: fc.record({ message: text, type: fc.constantFrom('server_error', 'invalid_request_error') }),
    },
    { requiredKeys: ['id', 'object', 'created', 'model', 'choices'] },
  )
  .chain((value) => fc.oneof({ weight: 4, arbitrary: fc.constant(value) }, { weight: 1, arbitrary: fc.shuffledSubarray(Object.entries(value), { minLength: Object.keys(value).length }).map(Object.fromEntries) }));
/** A text chunk as servers write it: the shape the pattern is for, with or without each optional field. */
const textChunk = fc
  .record({
    id: text,
    created: fc.nat(),
    model: text,
    tier: fc.option(text, { nil: undefined }),
    fingerprint: fc.option(fc.option(text, { nil: null }), { nil: undefined }),
    delta: fc.oneof(text.map((content) => ({ content })), text.map((content) => ({ role: 'assistant', content }))),
    logprobs: fc.boolean(),
    usageNull: fc.boolean(),
    obfuscation: fc.option(text, { nil: undefined }),
  })
  .map(({ id, created, model, tier, fingerprint, delta, logprobs, usageNull, obfuscation }) => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    ...(tier === undefined ? {} : { service_tier: tier }),
    ...(fingerprint === undefined ? {} : { system_fingerprint: fingerprint }),
    choices: [{ index: 0, delta, ...(logprobs ? { logprobs: null } : {}), finish_reason: null }],
    ...(usageNull ? { usage: null } : {}),
    ...(obfuscation === undefined ? {} : { obfuscation }),
  }));
type Chunk = Record<string, unknown> & { choices: { delta: Record<string, unknown> }[] };
/** One change that takes a text chunk out of the pattern's shape (or should): each must be read in full. */
const nearMiss = fc.tuple(
  textChunk,
  fc.constantFrom<(chunk: Chunk) => unknown>(
    (chunk) => ({ ...chunk, choices: [{ ...chunk.choices[0], finish_reason: 'stop' }] }),
    (chunk) => ({ ...chunk, choices: [{ ...chunk.choices[0], index: 1 }] }),
    (chunk) => ({ ...chunk, choices: [{ ...chunk.choices[0], delta: { ...chunk.choices[0]!.delta, reasoning_content: 'why' } }] }),
    (chunk) => ({ ...chunk, choices: [{ ...chunk.choices[0], delta: { ...chunk.choices[0]!.delta, refusal: 'no' } }] }),
    (chunk) => ({ ...chunk, choices: [{ ...chunk.choices[0], delta: { ...chunk.choices[0]!.delta, tool_calls: [{ index: 0, id: 'call_1', function: { name: 'f', arguments: '{}' } }] } }] }),
    (chunk) => ({ ...chunk, choices: [chunk.choices[0], chunk.choices[0]] }),
    (chunk) => ({ ...chunk, usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 } }),
    (chunk) => ({ ...chunk, error: { message: 'overloaded', type: 'server_error' } }),
    (chunk) => ({ ...chunk, object: 'chat.completion' }),
    (chunk) => ({ ...chunk, created: -5 }),
    (chunk) => ({ ...chunk, extra: true }),
    // not JSON at all: a raw control character inside the content string, a number with a leading zero
    (chunk) => JSON.stringify(chunk).replace('"content":"', '"content":"\u0001'),
    (chunk) => JSON.stringify(chunk).replace(/"created":(\d+)/, '"created":0$1'),
  ),
).map(([chunk, change]) => change(chunk as Chunk));
const chunk = fc.oneof(textChunk, nearMiss, anyChunk);

describe('OpenAIStreamTranslator', () => {
  afterEach(() => vi.restoreAllMocks());

  it('gives the same deltas through the text-chunk pattern as through a full parse', () => {
    fc.assert(
      fc.property(fc.array(chunk, { maxLength: 8 }), (chunks) => {
        const events = [...chunks.map((value) => (typeof value === 'string' ? value : JSON.stringify(value))), '[DONE]'];
        expect(run(events, false)).toEqual(run(events, true));
      }),
      { numRuns: 500 },
    );
  });

  it.each([
    ['OpenAI (include_usage)', fixtureText('openai', 'stream-include-usage.sse'), 2],
    ['OpenAI', fixtureText('openai', 'stream.sse'), 2],
    [
      'vLLM',
      ['Hel', 'lo'].map((content) => `data: {"id":"chatcmpl-9f","object":"chat.completion.chunk","created":1718000000,"model":"meta-llama/Llama-3.1-8B-Instruct","choices":[{"index":0,"delta":{"content":${JSON.stringify(content)}},"logprobs":null,"finish_reason":null}]}\n\n`).join(''),
      2,
    ],
    [
      'Ollama',
      ['Hel', 'lo'].map((content) => `data: {"id":"chatcmpl-580","object":"chat.completion.chunk","created":1718000000,"model":"llama3.2","system_fingerprint":"fp_ollama","choices":[{"index":0,"delta":{"role":"assistant","content":${JSON.stringify(content)}},"finish_reason":null}]}\n\n`).join(''),
      2,
    ],
    ['OpenAI with service_tier and obfuscation', `data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-5","service_tier":"default","system_fingerprint":null,"choices":[{"index":0,"delta":{"content":"caf\\u00e9 \\"ok\\""},"logprobs":null,"finish_reason":null}],"obfuscation":"x1"}\n\n`, 1],
  ])('reads the text chunks of %s without JSON.parse (%i of them)', (_name, sse, fastChunks) => {
    const events = splitSseEvents(sse).map((event) => event.replace(/^data: /, '').trimEnd());
    const expected = run(events, true);
    const parse = vi.spyOn(JSON, 'parse');
    const outcome = run(events, false);
    expect(outcome).toEqual(expected);
    // the escaped literal is decoded with one JSON.parse of the string alone, not of the chunk
    const fullParses = parse.mock.calls.filter(([input]) => typeof input === 'string' && input.startsWith('{')).length;
    expect(fullParses).toBe(events.filter((event) => event !== '[DONE]').length - fastChunks);
  });
});
