import OpenAI from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureText, startFakeAnthropic, startFakeGemini, startFakeOpenAI, type FakeBehavior, type FakeUpstream } from '../fakes';
import { gatewayModel, hello, startGateway, type FakeProvider, type GatewayHarness } from '../support/gateway';

/** The official SDK, unchanged, against Grove: one model per provider, fakes at the upstream edge. */
interface ProviderCase {
  provider: FakeProvider;
  start?: () => Promise<FakeUpstream>;
  text: RegExp;
  streamText: RegExp;
  tools?: { json: FakeBehavior; sse: FakeBehavior };
  /** the tool the golden (or the simulated model) calls */
  toolName: string;
}

const cases: ProviderCase[] = [
  {
    provider: 'openai-compatible',
    start: startFakeOpenAI,
    text: /^Hello! How can I assist you today\?$/,
    streamText: /^Hello!$/,
    tools: { json: { rawBody: fixtureText('openai', 'response-tool-calls.json') }, sse: { sse: fixtureText('openai', 'stream-tool-calls.sse') } },
    toolName: 'get_current_weather',
  },
  {
    provider: 'anthropic',
    start: startFakeAnthropic,
    text: /^Hello! How can I help you today\?$/,
    streamText: /^Hello!$/,
    tools: { json: { rawBody: fixtureText('anthropic', 'response-tool-use.json') }, sse: { sse: fixtureText('anthropic', 'stream-tool-use.sse') } },
    toolName: 'get_weather',
  },
  {
    provider: 'gemini',
    start: startFakeGemini,
    text: /^The sky is blue/,
    streamText: /^low!/,
    tools: { json: { rawBody: fixtureText('gemini', 'response-function-call.json') }, sse: { sse: fixtureText('gemini', 'stream-function-call.sse') } },
    toolName: 'customDivide',
  },
  { provider: 'simulated', text: /^\[simulated\]/, streamText: /^\[simulated\]/, toolName: 'get_current_weather' },
];

const weatherTool: ChatCompletionTool = {
  type: 'function',
  function: { name: 'get_current_weather', description: 'weather in a city', parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] } },
};

describe('the openai SDK against Grove', () => {
  let gateway: GatewayHarness;
  let client: OpenAI;
  const fakes = new Map<FakeProvider, FakeUpstream>();
  const modelId = (provider: FakeProvider) => `sdk-${provider}`;

  beforeAll(async () => {
    for (const row of cases) if (row.start) fakes.set(row.provider, await row.start());
    gateway = await startGateway({ objects: cases.map((row) => gatewayModel(modelId(row.provider), row.provider, fakes.get(row.provider)?.url)) });
    client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: gateway.invokeKey, maxRetries: 0, timeout: 10_000 });
  });
  afterAll(async () => {
    await gateway?.close();
    for (const fake of fakes.values()) await fake.close();
  });

  it('lists the models it may call, auto first', async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids[0]).toBe('auto');
    expect(ids).toEqual(expect.arrayContaining(cases.map((row) => modelId(row.provider))));
    const one = await client.models.retrieve(modelId('anthropic'));
    expect(one).toMatchObject({ id: modelId('anthropic'), object: 'model', owned_by: 'anthropic' });
  });

  it('ends a raw stream with the cost as an SSE comment, then [DONE]', async () => {
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${gateway.invokeKey}` },
      body: JSON.stringify({ model: modelId('openai-compatible'), messages: hello, stream: true, stream_options: { include_usage: true } }),
    });
    const text = await response.text();
    const usageEvent = text.split('\n\n').find((event) => event.includes('"usage":{'))!;
    const usage = (JSON.parse(usageEvent.slice('data: '.length)) as { usage: { prompt_tokens: number; completion_tokens: number } }).usage;
    const cost = /^: grove cost_usd=([0-9.e-]+)$/m.exec(text)?.[1];
    expect(Number(cost)).toBeCloseTo((usage.prompt_tokens * 2 + usage.completion_tokens * 8) / 1_000_000, 12);
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  describe.each(cases)('$provider', (row) => {
    const model = modelId(row.provider);

    it('answers JSON with content, usage, finish_reason and the x-grove headers (cost = usage × pricing)', async () => {
      fakes.get(row.provider)?.setBehavior({});
      const { data, response } = await client.chat.completions.create({ model, messages: hello }).withResponse();
      expect(data.object).toBe('chat.completion');
      expect(data.model).toBe(model);
      expect(data.choices[0]!.message.content).toMatch(row.text);
      expect(data.choices[0]!.finish_reason).toBe('stop');
      const usage = data.usage!;
      expect(usage.prompt_tokens).toBeGreaterThan(0);
      expect(usage.total_tokens).toBe(usage.prompt_tokens + usage.completion_tokens);
      expect(response.headers.get('x-grove-model')).toBe(model);
      expect(response.headers.get('x-grove-decision-id')).toBe(data.id);
      expect(response.headers.get('x-grove-attempts')).toBe('1');
      // pricing 2 / 8 USD per 1M tokens
      const expected = (usage.prompt_tokens * 2 + usage.completion_tokens * 8) / 1_000_000;
      expect(Number(response.headers.get('x-grove-cost-usd'))).toBeCloseTo(expected, 12);
      expect(expected).toBeGreaterThan(0);
    });

    it.each([false, true])('streams deltas (include_usage: %s)', async (includeUsage) => {
      fakes.get(row.provider)?.setBehavior({});
      const { data: stream, response } = await client.chat.completions
        .create({ model, messages: hello, stream: true, ...(includeUsage ? { stream_options: { include_usage: true } } : {}) })
        .withResponse();
      expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
      expect(response.headers.get('x-grove-model')).toBe(model);
      expect(response.headers.get('x-grove-attempts')).toBe('1');
      let text = '';
      let finish: string | null = null;
      const usages: unknown[] = [];
      let chunks = 0;
      for await (const chunk of stream) {
        chunks += 1;
        expect(chunk.object).toBe('chat.completion.chunk');
        expect(chunk.id).toBe(response.headers.get('x-grove-decision-id'));
        text += chunk.choices[0]?.delta.content ?? '';
        finish = chunk.choices[0]?.finish_reason ?? finish;
        if (chunk.usage) usages.push(chunk.usage);
      }
      expect(chunks).toBeGreaterThan(2);
      expect(text).toMatch(row.streamText);
      expect(finish).toBe('stop');
      if (includeUsage) {
        expect(usages).toHaveLength(1);
        expect(usages[0]).toMatchObject({ prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number) });
      } else expect(usages).toHaveLength(0);
    });

    it('round-trips a tool call (JSON and stream)', async () => {
      const fake = fakes.get(row.provider);
      fake?.setBehavior(row.tools?.json ?? {});
      const first = await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'Weather in Boston?' }], tools: [weatherTool] });
      const call = first.choices[0]!.message.tool_calls?.[0];
      expect(first.choices[0]!.finish_reason).toBe('tool_calls');
      expect(call?.type).toBe('function');
      const functionCall = (call as { function: { name: string; arguments: string } }).function;
      expect(functionCall.name).toBe(row.toolName);
      expect(() => JSON.parse(functionCall.arguments) as unknown).not.toThrow();

      fake?.setBehavior(row.tools?.sse ?? {});
      const stream = await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'Weather in Boston?' }], tools: [weatherTool], stream: true });
      let name = '';
      let args = '';
      let finish: string | null = null;
      for await (const chunk of stream) {
        for (const delta of chunk.choices[0]?.delta.tool_calls ?? []) {
          name += delta.function?.name ?? '';
          args += delta.function?.arguments ?? '';
        }
        finish = chunk.choices[0]?.finish_reason ?? finish;
      }
      expect(name).toBe(functionCall.name);
      expect(() => JSON.parse(args) as unknown).not.toThrow();
      expect(finish).toBe('tool_calls');

      fake?.setBehavior({});
      const followUp: ChatCompletionMessageParam[] = [
        { role: 'user', content: 'Weather in Boston?' },
        { role: 'assistant', content: null, tool_calls: [call!] },
        { role: 'tool', tool_call_id: call!.id, content: 'sunny-22-degrees' },
      ];
      const second = await client.chat.completions.create({ model, messages: followUp, tools: [weatherTool] });
      expect(second.choices[0]!.finish_reason).toBe('stop');
      expect(second.choices[0]!.message.content).toBeTruthy();
      if (fake) expect(JSON.stringify(fake.requests.at(-1)!.body)).toContain('sunny-22-degrees');
    });
  });
});
