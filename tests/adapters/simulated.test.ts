import { simulatedAdapter } from '../../server/adapters/simulated/simulated-adapter';
import { logNormalSample, seededRandom } from '../../server/adapters/simulated/random';
import type { ModelTarget, SimulationSettings } from '../../server/adapters/types';
import { chat, collect, textOf } from './helpers';

let nextId = 0;
function target(simulation: Partial<SimulationSettings> = {}, overrides: Partial<ModelTarget> = {}): ModelTarget {
  nextId += 1;
  return {
    id: `sim-${nextId}`,
    provider: 'simulated',
    model: 'simulated-1',
    timeoutMs: 5000,
    maxOutputTokens: 4096,
    simulation: { latencyMs: { p50: 1, p99: 3 }, tokensPerSecond: 10_000, errorRate: 0, ...simulation },
    ...overrides,
  };
}
const hello = chat([{ role: 'user', content: 'Hello there' }]);

async function outcomes(modelTarget: ModelTarget, count: number): Promise<string[]> {
  const seen: string[] = [];
  for (let index = 0; index < count; index += 1) {
    try {
      const result = await simulatedAdapter.generate(modelTarget, hello, {});
      seen.push(`ok:${result.usage.completionTokens}`);
    } catch (error) {
      seen.push(`error:${(error as { kind: string }).kind}`);
    }
  }
  return seen;
}

describe('simulated adapter', () => {
  it('draws latency from a log-normal fitted to p50 and p99', () => {
    const random = seededRandom(42);
    const samples = Array.from({ length: 20_000 }, () => logNormalSample(100, 400, random)).sort((a, b) => a - b);
    expect(samples[10_000]).toBeGreaterThan(92);
    expect(samples[10_000]).toBeLessThan(108);
    expect(samples[19_800]).toBeGreaterThan(340);
    expect(samples[19_800]).toBeLessThan(470);
    expect(logNormalSample(0, 10, random)).toBe(0);
    expect(logNormalSample(50, 50, random)).toBeCloseTo(50, 6);
  });

  it('replays the same latencies, errors and lengths for the same seed', async () => {
    const first = await outcomes(target({ errorRate: 0.5, seed: 11 }), 12);
    const second = await outcomes(target({ errorRate: 0.5, seed: 11 }), 12);
    expect(first).toEqual(second);
    expect(first.some((outcome) => outcome.startsWith('ok'))).toBe(true);
    expect(first.some((outcome) => outcome.startsWith('error'))).toBe(true);
    expect(new Set(first.filter((outcome) => outcome.startsWith('error')))).toEqual(new Set(['error:server', 'error:overloaded']));
  });

  it('is labelled as simulated and honours max_tokens with finish length', async () => {
    const result = await simulatedAdapter.generate(target({ seed: 1 }), { ...hello, max_tokens: 3 }, {});
    expect(result.content?.startsWith('[simulated]')).toBe(true);
    expect(result).toMatchObject({ finishReason: 'length', model: 'simulated-1', usage: { completionTokens: 3, totalTokens: 3 + result.usage.promptTokens } });
  });

  it('sends tokens at the configured rate', async () => {
    const started = Date.now();
    const deltas = await collect(simulatedAdapter.stream(target({ tokensPerSecond: 100, seed: 3 }), { ...hello, max_tokens: 10 }, {}));
    const elapsed = Date.now() - started;
    expect(textOf(deltas).split(' ')).toHaveLength(10);
    // 9 gaps between 10 tokens at 100 tokens/s: about 90 ms.
    expect(elapsed).toBeGreaterThanOrEqual(85);
    expect(elapsed).toBeLessThan(600);
  });

  it('streams a tool call when tools are offered, and answers text once the tool result is in, or with tool_choice none', async () => {
    const tools = [{ type: 'function' as const, function: { name: 'lookup' } }, { type: 'function' as const, function: { name: 'other' } }];
    const named = await simulatedAdapter.generate(target(), { ...hello, tools, tool_choice: { type: 'function', function: { name: 'other' } } }, {});
    expect(named.toolCalls[0]?.name).toBe('other');
    const deltas = await collect(simulatedAdapter.stream(target(), { ...hello, tools }, {}));
    expect(deltas[0]).toMatchObject({ type: 'tool_call', index: 0, name: 'lookup', arguments: '{}' });
    expect(deltas.at(-2)).toEqual({ type: 'finish', finishReason: 'tool_calls' });
    const none = await simulatedAdapter.generate(target(), { ...hello, tools, tool_choice: 'none' }, {});
    expect(none.toolCalls).toEqual([]);
  });

  it('aborts between streamed chunks, and uses defaults without simulation settings', async () => {
    const controller = new AbortController();
    const received: string[] = [];
    await expect(
      (async () => {
        for await (const batch of simulatedAdapter.stream(target({ tokensPerSecond: 20 }), hello, { signal: controller.signal })) {
          for (const delta of batch) {
            if (delta.type !== 'text') continue;
            received.push(delta.text);
            controller.abort();
          }
        }
      })(),
    ).rejects.toMatchObject({ kind: 'aborted' });
    expect(received).toHaveLength(1);
    const result = await simulatedAdapter.generate(target({}, { simulation: undefined }), { ...hello, max_tokens: 1 }, {});
    expect(result.content).toBe('[simulated]');
  });
});
