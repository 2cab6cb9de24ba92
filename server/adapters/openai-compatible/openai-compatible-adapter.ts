import type { ChatRequest } from '../../../shared/chat';
import { errorContext } from '../classify-error';
import { HttpAttempt } from '../http/attempt';
import { streamSse } from '../http/sse-stream';
import type { CallOptions, ChatDelta, ChatResult, ModelTarget, ProviderAdapter, UpstreamRequest } from '../types';
import { buildOpenAIRequest } from './build-openai-request';
import { OpenAIStreamTranslator } from './openai-stream-translator';
import { parseOpenAIResponse } from './parse-openai-response';

export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

function endpoint(target: ModelTarget): string {
  return `${(target.baseUrl ?? OPENAI_DEFAULT_BASE_URL).replace(/\/+$/, '')}/chat/completions`;
}

function headers(target: ModelTarget): Record<string, string> {
  // Local servers (Ollama, vLLM) often need no key at all.
  return target.apiKey ? { authorization: `Bearer ${target.apiKey}`, ...target.headers } : { ...target.headers };
}

async function generate(target: ModelTarget, request: ChatRequest, options: CallOptions): Promise<ChatResult> {
  const body = buildOpenAIRequest(target, request, false);
  const attempt = new HttpAttempt(errorContext(target), target.timeoutMs, options.signal);
  const response = await attempt.post(endpoint(target), headers(target), body);
  return parseOpenAIResponse(await attempt.readJson(response), target.model);
}

function stream(target: ModelTarget, request: ChatRequest, options: CallOptions): AsyncGenerator<ChatDelta[]> {
  const context = errorContext(target);
  const body = () => buildOpenAIRequest(target, request, true);
  return streamSse({ context, url: endpoint(target), headers: headers(target), body, timeoutMs: target.timeoutMs, signal: options.signal, translator: new OpenAIStreamTranslator(context) });
}

function describe(target: ModelTarget, request: ChatRequest): UpstreamRequest {
  return { method: 'POST', url: endpoint(target), headers: headers(target), body: buildOpenAIRequest(target, request, false) };
}

export const openAICompatibleAdapter: ProviderAdapter = { describe, generate, stream };
