import type { ChatRequest } from '../../../shared/chat';
import { UpstreamError } from '../errors';
import type { CallOptions, ChatDelta, ChatResult, ModelTarget, ProviderAdapter, SimulationSettings } from '../types';
import { logNormalSample, seededRandom } from './random';
import { simulatedAnswer } from './simulated-answer';

const defaults: SimulationSettings = { latencyMs: { p50: 300, p99: 1200 }, tokensPerSecond: 50, errorRate: 0 };

// One random sequence per (model, seed): a seeded model replays the same latencies and errors.
const sequences = new Map<string, () => number>();
let calls = 0;

function randomFor(target: ModelTarget): () => number {
  const seed = target.simulation?.seed;
  if (seed === undefined) return Math.random;
  const key = `${target.id}:${seed}`;
  let random = sequences.get(key);
  if (!random) {
    random = seededRandom(seed);
    sequences.set(key, random);
  }
  return random;
}

/** Waits like an upstream would: the caller's abort and the target's deadline end the wait. */
class SimulatedCall {
  private deadline: number;
  readonly context;

  constructor(
    private readonly target: ModelTarget,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.deadline = Date.now() + target.timeoutMs;
    this.context = { provider: 'simulated' as const, modelId: target.id };
  }

  /** As for HTTP streams, the deadline bounds the silence between chunks, not the whole answer. */
  rearm(): void {
    this.deadline = Date.now() + this.target.timeoutMs;
  }

  async sleep(milliseconds: number): Promise<void> {
    const remaining = this.deadline - Date.now();
    const timedOut = milliseconds > remaining;
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        clearTimeout(timer);
        reject(new UpstreamError({ ...this.context, kind: 'aborted', message: `simulated ${this.target.id}: aborted by the caller` }));
      };
      const timer = setTimeout(() => {
        this.signal?.removeEventListener('abort', onAbort);
        resolve();
      }, Math.max(0, Math.min(milliseconds, remaining)));
      if (this.signal?.aborted) onAbort();
      else this.signal?.addEventListener('abort', onAbort, { once: true });
    });
    if (timedOut) {
      throw new UpstreamError({ ...this.context, kind: 'timeout', message: `simulated ${this.target.id}: no answer within ${this.target.timeoutMs} ms` });
    }
  }

  /** Time to first token; then, at the configured error rate, a retryable failure. */
  async begin(random: () => number, settings: SimulationSettings): Promise<void> {
    await this.sleep(logNormalSample(settings.latencyMs.p50, settings.latencyMs.p99, random));
    if (random() < settings.errorRate) {
      const overloaded = random() < 0.5;
      throw new UpstreamError({
        ...this.context,
        kind: overloaded ? 'overloaded' : 'server',
        upstreamStatus: overloaded ? 503 : 500,
        message: `simulated ${this.target.id}: simulated ${overloaded ? 'overload' : 'server error'}`,
      });
    }
  }
}

async function generate(target: ModelTarget, request: ChatRequest, options: CallOptions): Promise<ChatResult> {
  const settings = target.simulation ?? defaults;
  const random = randomFor(target);
  const call = new SimulatedCall(target, options.signal);
  await call.begin(random, settings);
  const answer = simulatedAnswer(target, request, random);
  await call.sleep((answer.usage.completionTokens / Math.max(1, settings.tokensPerSecond)) * 1000);
  calls += 1;
  return {
    id: `sim-${calls}`,
    model: target.model,
    content: answer.toolCalls.length > 0 ? null : answer.tokens.join(''),
    toolCalls: answer.toolCalls,
    finishReason: answer.finishReason,
    usage: answer.usage,
  };
}

async function* stream(target: ModelTarget, request: ChatRequest, options: CallOptions): AsyncGenerator<ChatDelta[]> {
  const settings = target.simulation ?? defaults;
  const random = randomFor(target);
  const call = new SimulatedCall(target, options.signal);
  await call.begin(random, settings);
  const answer = simulatedAnswer(target, request, random);
  if (answer.toolCalls.length > 0) yield answer.toolCalls.map((toolCall, index) => ({ type: 'tool_call', index, id: toolCall.id, name: toolCall.name, arguments: toolCall.arguments }));
  // Timers finer than a few milliseconds are not kept, so fast rates send several tokens per chunk.
  const tokensPerSecond = Math.max(1, settings.tokensPerSecond);
  const perChunk = Math.max(1, Math.ceil(tokensPerSecond / 200));
  for (let index = 0; index < answer.tokens.length; index += perChunk) {
    if (index > 0) {
      call.rearm();
      await call.sleep((perChunk / tokensPerSecond) * 1000);
    }
    yield [{ type: 'text', text: answer.tokens.slice(index, index + perChunk).join('') }];
  }
  yield [
    { type: 'finish', finishReason: answer.finishReason },
    { type: 'usage', usage: answer.usage },
  ];
}

export const simulatedAdapter: ProviderAdapter = { generate, stream };
