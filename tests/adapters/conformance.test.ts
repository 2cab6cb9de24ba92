import { createServer } from 'node:net';
import type { ChatRequest } from '../../shared/chat';
import { getAdapter } from '../../server/adapters';
import type { ChatDelta, ModelTarget, Usage } from '../../server/adapters/types';
import { harnesses } from './harnesses';
import { caught, collect, textOf } from './helpers';

/**
 * One suite, every adapter (hono runtime-tests style). Cases that need an HTTP upstream are
 * skipped for the in-process simulated adapter, which is put through its own equivalents.
 */

const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Get the current weather in a given location',
    parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
  },
};

const hello: ChatRequest = {
  model: 'grove-model',
  messages: [
    { role: 'system', content: 'You are a helpful assistant.' },
    { role: 'user', content: 'Hello' },
  ],
};

const toolRoundTrip: ChatRequest = {
  model: 'grove-model',
  tools: [weatherTool],
  messages: [
    { role: 'user', content: 'What is the weather in Paris?' },
    { role: 'assistant', content: null, tool_calls: [{ id: 'call_0', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Paris"}' } }] },
    { role: 'tool', tool_call_id: 'call_0', content: '{"temperature":15}' },
  ],
};

function expectUsageConsistent(usage: Usage): void {
  expect(usage.totalTokens).toBe(usage.promptTokens + usage.completionTokens);
  expect(usage.promptTokens).toBeGreaterThan(0);
  expect(usage.completionTokens).toBeGreaterThan(0);
}

/** A port nobody listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 1;
}

const errorCases = [
  { status: 400, kind: 'bad_request', retryable: false },
  { status: 401, kind: 'auth', retryable: false },
  { status: 403, kind: 'auth', retryable: false },
  { status: 404, kind: 'not_found', retryable: false },
  { status: 413, kind: 'bad_request', retryable: false },
  { status: 429, kind: 'rate_limit', retryable: true },
  { status: 500, kind: 'server', retryable: true },
  { status: 503, kind: 'overloaded', retryable: true },
  { status: 529, kind: 'overloaded', retryable: true },
] as const;

describe.each(harnesses)('$provider adapter conformance', (harness) => {
  const adapter = getAdapter(harness.provider);
  const http = !harness.inProcess;
  const fakeOnly = (name: string, test: () => Promise<void>) =>
    http ? it(name, test) : it.skip(`${name} [not applicable: in-process adapter, no HTTP upstream]`, test);
  const simulatedOnly = (name: string, test: () => Promise<void>) =>
    http ? it.skip(`${name} [simulated only: HTTP adapters have their own case above]`, test) : it(name, test);

  beforeAll(() => harness.start());
  afterAll(() => harness.stop());
  beforeEach(() => {
    if (http) harness.fake().reset();
  });

  it('answers a text request', async () => {
    const result = await adapter.generate(harness.target(), hello, {});
    expect(result.finishReason).toBe('stop');
    expect(result.toolCalls).toEqual([]);
    if (harness.expected) {
      expect(result.content).toBe(harness.expected.text);
      expect(result.usage).toEqual(harness.expected.usage);
    } else {
      expect(result.content).toMatch(/^\[simulated\]/);
    }
    expectUsageConsistent(result.usage);
  });

  it('streams text deltas, then one finish, then usage', async () => {
    const deltas = await collect(adapter.stream(harness.target(), { ...hello, stream: true }, {}));
    const tail = deltas.slice(-2);
    expect(tail[0]).toEqual({ type: 'finish', finishReason: 'stop' });
    expect(tail[1]?.type).toBe('usage');
    expect(deltas.filter((delta) => delta.type === 'finish')).toHaveLength(1);
    const usage = (tail[1] as { usage: Usage }).usage;
    expectUsageConsistent(usage);
    if (harness.expected) {
      expect(textOf(deltas)).toBe(harness.expected.streamText);
      expect(usage).toEqual(harness.expected.streamUsage);
    } else {
      expect(textOf(deltas)).toMatch(/^\[simulated\]/);
      expect(deltas.filter((delta) => delta.type === 'text').length).toBeGreaterThan(1);
    }
  });

  fakeOnly('sends the system prompt where the protocol wants it', async () => {
    await adapter.generate(harness.target(), hello, {});
    expect(harness.systemOf(harness.fake().requests[0]?.body)).toBe('You are a helpful assistant.');
  });

  it('returns a tool call (generate)', async () => {
    if (http && harness.toolBehavior) harness.fake().setBehavior({ json: harness.toolBehavior.json });
    const result = await adapter.generate(harness.target(), { ...hello, tools: [weatherTool] }, {});
    expect(result.finishReason).toBe('tool_calls');
    expect(result.toolCalls).toHaveLength(1);
    const [call] = result.toolCalls;
    expect(call?.id).toBeTruthy();
    expect(call?.name).toBe(harness.expectedTool.name);
    expect(JSON.parse(call?.arguments ?? '')).toEqual(harness.expectedTool.args);
  });

  it('streams a tool call whose deltas assemble into the call', async () => {
    if (http && harness.toolBehavior) harness.fake().setBehavior({ sse: harness.toolBehavior.sse });
    const deltas = await collect(adapter.stream(harness.target(), { ...hello, tools: [weatherTool], stream: true }, {}));
    const calls = deltas.filter((delta) => delta.type === 'tool_call');
    expect(calls[0]).toMatchObject({ index: 0, name: harness.expectedTool.name });
    expect(calls[0]?.id).toBeTruthy();
    const argumentsText = calls.map((delta) => delta.arguments).join('');
    expect(JSON.parse(argumentsText)).toEqual(harness.expectedTool.args);
    expect(deltas.find((delta) => delta.type === 'finish')).toEqual({ type: 'finish', finishReason: 'tool_calls' });
  });

  it('sends a tool result back, matched to its call', async () => {
    const result = await adapter.generate(harness.target(), toolRoundTrip, {});
    expect(result.finishReason).toBe('stop');
    if (!http) return expect(result.content).toMatch(/^\[simulated\]/);
    const sent = harness.toolResultOf(harness.fake().requests[0]?.body);
    expect(['call_0', 'get_weather']).toContain(sent.match);
    expect(typeof sent.content === 'string' ? JSON.parse(sent.content) : sent.content).toEqual({ temperature: 15 });
  });

  describe.each(errorCases)('HTTP $status', ({ status, kind, retryable }) => {
    fakeOnly(`→ ${kind}, retryable ${retryable} (generate and stream)`, async () => {
      harness.fake().setBehavior({ status, retryAfter: status === 429 ? '7' : undefined });
      const error = await caught(adapter.generate(harness.target(), hello, {}));
      expect(error).toMatchObject({ kind, retryable, upstreamStatus: status, provider: harness.provider, midStream: false });
      if (status === 429) expect(error.retryAfterMs).toBe(7000);
      const streamError = await caught(collect(adapter.stream(harness.target(), { ...hello, stream: true }, {})));
      expect(streamError).toMatchObject({ kind, retryable, midStream: false });
    });
  });

  simulatedOnly('fails with a retryable server or overloaded error at errorRate 1 (stands in for HTTP statuses, which an in-process adapter has none of)', async () => {
    const target = harness.target({ simulation: { latencyMs: { p50: 1, p99: 2 }, tokensPerSecond: 1000, errorRate: 1 } });
    for (let index = 0; index < 4; index += 1) {
      const error = await caught(adapter.generate(target, hello, {}));
      expect(['server', 'overloaded']).toContain(error.kind);
      expect(error.retryable).toBe(true);
      const streamError = await caught(collect(adapter.stream(target, hello, {})));
      expect(streamError.retryable).toBe(true);
      expect(streamError.midStream).toBe(false);
    }
  });

  fakeOnly('ends a stream that failed after its first delta with a mid-stream error (simulated errors come before the first token)', async () => {
    harness.fake().setBehavior({ midStreamError: true });
    const deltas: ChatDelta[] = [];
    const error = await caught(
      (async () => {
        for await (const batch of adapter.stream(harness.target(), { ...hello, stream: true }, {})) deltas.push(...batch);
      })(),
    );
    expect(textOf(deltas).length).toBeGreaterThan(0);
    expect(error.midStream).toBe(true);
    expect(['overloaded', 'server']).toContain(error.kind);
  });

  fakeOnly('aborts through the signal and closes the upstream connection (generate)', async () => {
    const fake = harness.fake();
    fake.setBehavior({ hang: true });
    const controller = new AbortController();
    const pending = caught(adapter.generate(harness.target(), hello, { signal: controller.signal }));
    await vi.waitFor(() => expect(fake.requests).toHaveLength(1));
    const closed = fake.waitForAbort();
    controller.abort();
    const error = await pending;
    expect(error).toMatchObject({ kind: 'aborted', retryable: false });
    await closed;
  });

  fakeOnly('aborts a stream in flight and closes the upstream connection', async () => {
    const fake = harness.fake();
    fake.setBehavior({ chunkDelayMs: 300 });
    const controller = new AbortController();
    const closed = fake.waitForAbort();
    const error = await caught(
      (async () => {
        for await (const batch of adapter.stream(harness.target(), { ...hello, stream: true }, { signal: controller.signal })) {
          if (batch.some((delta) => delta.type === 'text')) controller.abort();
        }
      })(),
    );
    expect(error.kind).toBe('aborted');
    expect(error.midStream).toBe(true);
    await closed;
  });

  fakeOnly('closes the upstream connection when the consumer stops reading', async () => {
    const fake = harness.fake();
    fake.setBehavior({ chunkDelayMs: 300 });
    const closed = fake.waitForAbort();
    for await (const batch of adapter.stream(harness.target(), { ...hello, stream: true }, {})) {
      if (batch.some((delta) => delta.type === 'text')) break;
    }
    await closed;
  });

  simulatedOnly('aborts through the signal while waiting for the first token (no connection to close in process)', async () => {
    const target = harness.target({ simulation: { latencyMs: { p50: 5000, p99: 6000 }, tokensPerSecond: 100, errorRate: 0 } });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    const started = Date.now();
    const error = await caught(adapter.generate(target, hello, { signal: controller.signal }));
    expect(error.kind).toBe('aborted');
    expect(Date.now() - started).toBeLessThan(1000);
    const already = new AbortController();
    already.abort();
    expect((await caught(collect(adapter.stream(target, hello, { signal: already.signal })))).kind).toBe('aborted');
  });

  it('times out after target.timeoutMs with a retryable timeout (504)', async () => {
    let target: ModelTarget;
    if (http) {
      harness.fake().setBehavior({ hang: true });
      target = harness.target({ timeoutMs: 100 });
    } else {
      target = harness.target({ timeoutMs: 100, simulation: { latencyMs: { p50: 5000, p99: 6000 }, tokensPerSecond: 100, errorRate: 0 } });
    }
    const closed = http ? harness.fake().waitForAbort() : Promise.resolve();
    const error = await caught(adapter.generate(target, hello, {}));
    expect(error).toMatchObject({ kind: 'timeout', retryable: true, status: 504 });
    await closed;
  });

  fakeOnly('times out a stream that goes silent', async () => {
    harness.fake().setBehavior({ hangAfterEvents: 2 });
    const error = await caught(collect(adapter.stream(harness.target({ timeoutMs: 150 }), { ...hello, stream: true }, {})));
    expect(error).toMatchObject({ kind: 'timeout', retryable: true });
  });

  fakeOnly('reports a refused connection as a retryable connection error (502)', async () => {
    const target = harness.target({ baseUrl: `http://127.0.0.1:${await closedPort()}${harness.provider === 'openai-compatible' ? '/v1' : ''}` });
    const error = await caught(adapter.generate(target, hello, {}));
    expect(error).toMatchObject({ kind: 'connection', retryable: true, status: 502 });
  });

  fakeOnly('reports a connection reset, before the headers and mid-stream', async () => {
    harness.fake().setBehavior({ reset: 'before-headers' });
    expect((await caught(adapter.generate(harness.target(), hello, {}))).kind).toBe('connection');
    harness.fake().setBehavior({ reset: 'mid-stream' });
    const error = await caught(collect(adapter.stream(harness.target(), { ...hello, stream: true }, {})));
    expect(error.kind).toBe('connection');
    expect(error.retryable).toBe(true);
  });
});
