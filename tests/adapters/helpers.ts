import type { ChatRequest } from '../../shared/chat';
import { UpstreamError } from '../../server/adapters/errors';
import type { ChatDelta, ModelTarget, ProviderName } from '../../server/adapters/types';

/** Every delta of a stream, its batches joined; the contract forbids an empty batch. */
export async function collect(stream: AsyncIterable<ChatDelta[]>): Promise<ChatDelta[]> {
  const deltas: ChatDelta[] = [];
  for await (const batch of stream) {
    expect(batch.length).toBeGreaterThan(0);
    deltas.push(...batch);
  }
  return deltas;
}

export async function caught(promise: Promise<unknown>): Promise<UpstreamError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(UpstreamError);
    return error as UpstreamError;
  }
  throw new Error('expected an UpstreamError');
}

export function textOf(deltas: ChatDelta[]): string {
  return deltas.map((delta) => (delta.type === 'text' ? delta.text : '')).join('');
}

export function makeTarget(provider: ProviderName, baseUrl: string, overrides: Partial<ModelTarget> = {}): ModelTarget {
  return { id: `${provider}-model`, provider, model: 'upstream-model', baseUrl, apiKey: 'test-key', timeoutMs: 5000, maxOutputTokens: 64000, ...overrides };
}

export function chat(messages: ChatRequest['messages'], extra: Partial<ChatRequest> = {}): ChatRequest {
  return { model: 'grove-model', messages, ...extra };
}
