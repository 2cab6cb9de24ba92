import type { ChatRequest } from '../../../shared/chat';
import { errorContext } from '../classify-error';
import { HttpAttempt } from '../http/attempt';
import { streamSse } from '../http/sse-stream';
import type { CallOptions, ChatDelta, ChatResult, ModelTarget, ProviderAdapter, UpstreamRequest } from '../types';
import { AnthropicStreamTranslator } from './anthropic-stream-translator';
import { buildAnthropicRequest } from './build-anthropic-request';
import { parseAnthropicResponse } from './parse-anthropic-response';

export const ANTHROPIC_DEFAULT_BASE_URL = 'https://api.anthropic.com';
export const ANTHROPIC_VERSION = '2023-06-01';

function endpoint(target: ModelTarget): string {
  return `${(target.baseUrl ?? ANTHROPIC_DEFAULT_BASE_URL).replace(/\/+$/, '')}/v1/messages`;
}

function headers(target: ModelTarget): Record<string, string> {
  return { 'x-api-key': target.apiKey ?? '', 'anthropic-version': ANTHROPIC_VERSION, ...target.headers };
}

async function generate(target: ModelTarget, request: ChatRequest, options: CallOptions): Promise<ChatResult> {
  // The body is built first: a request it cannot translate must not leave a deadline armed.
  const body = buildAnthropicRequest(target, request, false);
  const attempt = new HttpAttempt(errorContext(target), target.timeoutMs, options.signal);
  const response = await attempt.post(endpoint(target), headers(target), body);
  return parseAnthropicResponse(await attempt.readJson(response), target.model);
}

function stream(target: ModelTarget, request: ChatRequest, options: CallOptions): AsyncGenerator<ChatDelta[]> {
  const context = errorContext(target);
  const body = () => buildAnthropicRequest(target, request, true);
  return streamSse({ context, url: endpoint(target), headers: headers(target), body, timeoutMs: target.timeoutMs, signal: options.signal, translator: new AnthropicStreamTranslator(context) });
}

function describe(target: ModelTarget, request: ChatRequest): UpstreamRequest {
  return { method: 'POST', url: endpoint(target), headers: headers(target), body: buildAnthropicRequest(target, request, false) };
}

export const anthropicAdapter: ProviderAdapter = { describe, generate, stream };
