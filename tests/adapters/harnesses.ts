import type { ModelTarget, ProviderName, Usage } from '../../server/adapters/types';
import { startFakeAnthropic, startFakeGemini, startFakeOpenAI, fixtureJson, fixtureText, type FakeUpstream } from '../fakes';

/** What the conformance suite needs to drive one adapter: its fake upstream and the goldens' expected values. */
export interface AdapterHarness {
  provider: ProviderName;
  /** The simulated adapter has no upstream: cases about HTTP do not apply to it. */
  inProcess: boolean;
  start(): Promise<void>;
  stop(): Promise<void>;
  fake(): FakeUpstream;
  target(overrides?: Partial<ModelTarget>): ModelTarget;
  expected?: { text: string; streamText: string; usage: Usage; streamUsage: Usage };
  toolBehavior?: { json: unknown; sse: string };
  expectedTool: { name: string; args: unknown };
  /** The system prompt as the upstream received it. */
  systemOf(body: unknown): string;
  /** The tool result as the upstream received it: the id or name it is matched by, and its content. */
  toolResultOf(body: unknown): { match: string; content: unknown };
}

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function httpHarness(
  provider: ProviderName,
  startFake: () => Promise<FakeUpstream>,
  rest: Omit<AdapterHarness, 'provider' | 'inProcess' | 'start' | 'stop' | 'fake' | 'target'>,
): AdapterHarness {
  let fake: FakeUpstream | undefined;
  return {
    provider,
    inProcess: false,
    async start() {
      fake = await startFake();
    },
    async stop() {
      await fake?.close();
    },
    fake() {
      if (!fake) throw new Error('fake not started');
      return fake;
    },
    target(overrides = {}) {
      return { id: `${provider}-model`, provider, model: 'upstream-model', baseUrl: fake?.url, apiKey: 'test-key', timeoutMs: 5000, maxOutputTokens: 64000, ...overrides };
    },
    ...rest,
  };
}

const geminiStreamText = fixtureText('gemini', 'stream.sse')
  .split(/\r\n\r\n/)
  .filter((event) => event.startsWith('data: '))
  .map((event) => (JSON.parse(event.slice(6)) as Body).candidates[0].content.parts[0].text as string)
  .join('');

export const harnesses: AdapterHarness[] = [
  httpHarness('anthropic', () => startFakeAnthropic(), {
    expected: {
      text: 'Hello! How can I help you today?',
      streamText: 'Hello!',
      usage: { promptTokens: 21, completionTokens: 12, totalTokens: 33 },
      streamUsage: { promptTokens: 25, completionTokens: 15, totalTokens: 40 },
    },
    toolBehavior: { json: fixtureJson('anthropic', 'response-tool-use.json'), sse: fixtureText('anthropic', 'stream-tool-use.sse') },
    expectedTool: { name: 'get_weather', args: { location: 'San Francisco, CA' } },
    systemOf: (body) => {
      const system = (body as Body).system;
      return typeof system === 'string' ? system : (system as { text: string }[]).map((block) => block.text).join('\n');
    },
    toolResultOf: (body) => {
      const block = (body as Body).messages.at(-1).content.find((part: Body) => part.type === 'tool_result');
      return { match: block.tool_use_id, content: block.content };
    },
  }),
  httpHarness('gemini', () => startFakeGemini(), {
    expected: {
      text: (fixtureJson('gemini', 'response.json') as Body).candidates[0].content.parts[0].text,
      streamText: geminiStreamText,
      usage: { promptTokens: 6, completionTokens: 353, totalTokens: 359 },
      streamUsage: { promptTokens: 20, completionTokens: 513, totalTokens: 533, reasoningTokens: 260 },
    },
    toolBehavior: { json: fixtureJson('gemini', 'response-function-call.json'), sse: fixtureText('gemini', 'stream-function-call.sse') },
    expectedTool: { name: 'customDivide', args: { denominator: 2, numerator: 100 } },
    systemOf: (body) => ((body as Body).systemInstruction.parts as { text: string }[]).map((part) => part.text).join('\n'),
    toolResultOf: (body) => {
      const part = (body as Body).contents.at(-1).parts.find((candidate: Body) => candidate.functionResponse);
      return { match: part.functionResponse.name, content: part.functionResponse.response };
    },
  }),
  httpHarness('openai-compatible', () => startFakeOpenAI(), {
    expected: {
      text: 'Hello! How can I assist you today?',
      streamText: 'Hello!',
      usage: { promptTokens: 19, completionTokens: 10, totalTokens: 29 },
      streamUsage: { promptTokens: 19, completionTokens: 2, totalTokens: 21 },
    },
    toolBehavior: { json: fixtureJson('openai', 'response-tool-calls.json'), sse: fixtureText('openai', 'stream-tool-calls.sse') },
    expectedTool: { name: 'get_current_weather', args: { location: 'Boston, MA' } },
    systemOf: (body) => (body as Body).messages.find((message: Body) => message.role === 'system').content,
    toolResultOf: (body) => {
      const message = (body as Body).messages.at(-1);
      return { match: message.tool_call_id, content: message.content };
    },
  }),
  {
    provider: 'simulated',
    inProcess: true,
    start: async () => {},
    stop: async () => {},
    fake() {
      throw new Error('the simulated adapter has no upstream');
    },
    target(overrides = {}) {
      return {
        id: 'simulated-model',
        provider: 'simulated',
        model: 'simulated-1',
        timeoutMs: 5000,
        maxOutputTokens: 4096,
        simulation: { latencyMs: { p50: 5, p99: 20 }, tokensPerSecond: 5000, errorRate: 0, seed: 7 },
        ...overrides,
      };
    },
    expectedTool: { name: 'get_weather', args: {} },
    systemOf: () => '',
    toolResultOf: () => ({ match: '', content: '' }),
  },
];
