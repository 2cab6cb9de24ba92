import { anthropicAdapter } from './anthropic/anthropic-adapter';
import { geminiAdapter } from './gemini/gemini-adapter';
import { openAICompatibleAdapter } from './openai-compatible/openai-compatible-adapter';
import { simulatedAdapter } from './simulated/simulated-adapter';
import type { ProviderAdapter, ProviderName } from './types';

export const adapters: Readonly<Record<ProviderName, ProviderAdapter>> = {
  anthropic: anthropicAdapter,
  gemini: geminiAdapter,
  'openai-compatible': openAICompatibleAdapter,
  simulated: simulatedAdapter,
};

export function getAdapter(provider: ProviderName): ProviderAdapter {
  return adapters[provider];
}

export { UpstreamError, isRetryable, isUpstreamError, type UpstreamErrorKind } from './errors';
export type * from './types';
