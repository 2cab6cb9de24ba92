import type { ChatRequest } from '../../../shared/chat';
import { markMidStream } from '../content';
import { UpstreamError } from '../errors';
import { HttpAttempt } from '../http/attempt';
import { readSseDeltas } from '../http/read-sse';
import type { CallOptions, ChatDelta, ChatResult, ModelTarget, ProviderAdapter } from '../types';
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
  const attempt = new HttpAttempt({ provider: 'openai-compatible', modelId: target.id }, target.timeoutMs, options.signal);
  const response = await attempt.post(endpoint(target), headers(target), body);
  return parseOpenAIResponse(await attempt.readJson(response), target.model);
}

async function* stream(target: ModelTarget, request: ChatRequest, options: CallOptions): AsyncGenerator<ChatDelta[]> {
  const context = { provider: 'openai-compatible' as const, modelId: target.id };
  const body = buildOpenAIRequest(target, request, true);
  const attempt = new HttpAttempt(context, target.timeoutMs, options.signal);
  const translator = new OpenAIStreamTranslator(context);
  let started = false;
  try {
    const response = await attempt.post(endpoint(target), headers(target), body);
    for await (const batch of readSseDeltas(response, attempt, (data, into) => translator.translate(data, into))) {
      started = true;
      yield batch;
    }
    // Some compatible servers never send [DONE]; a finish_reason is proof enough of a whole answer.
    const closing = translator.closing();
    if (!closing) throw new UpstreamError({ ...context, kind: 'connection', message: `openai-compatible ${target.id}: stream ended without a finish_reason` });
    yield closing;
  } catch (error) {
    throw markMidStream(attempt.toUpstreamError(error), started);
  } finally {
    attempt.close();
  }
}

export const openAICompatibleAdapter: ProviderAdapter = { generate, stream };
