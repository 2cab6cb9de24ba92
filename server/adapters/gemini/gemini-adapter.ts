import type { ChatRequest } from '../../../shared/chat';
import { errorContext } from '../classify-error';
import { HttpAttempt } from '../http/attempt';
import { streamSse } from '../http/sse-stream';
import type { CallOptions, ChatDelta, ChatResult, ModelTarget, ProviderAdapter, UpstreamRequest } from '../types';
import { buildGeminiRequest } from './build-gemini-request';
import { GeminiStreamTranslator } from './gemini-stream-translator';
import { parseGeminiResponse } from './parse-gemini-response';

export const GEMINI_DEFAULT_BASE_URL = 'https://generativelanguage.googleapis.com';

function endpoint(target: ModelTarget, method: 'generateContent' | 'streamGenerateContent?alt=sse'): string {
  const base = (target.baseUrl ?? GEMINI_DEFAULT_BASE_URL).replace(/\/+$/, '');
  return `${base}/v1beta/models/${encodeURIComponent(target.model)}:${method}`;
}

function headers(target: ModelTarget): Record<string, string> {
  return { 'x-goog-api-key': target.apiKey ?? '', ...target.headers };
}

async function generate(target: ModelTarget, request: ChatRequest, options: CallOptions): Promise<ChatResult> {
  // The body is built first: a request it cannot translate must not leave a deadline armed.
  const body = buildGeminiRequest(target, request);
  const attempt = new HttpAttempt(errorContext(target), target.timeoutMs, options.signal);
  const response = await attempt.post(endpoint(target, 'generateContent'), headers(target), body);
  return parseGeminiResponse(await attempt.readJson(response), target.model);
}

function stream(target: ModelTarget, request: ChatRequest, options: CallOptions): AsyncGenerator<ChatDelta[]> {
  const context = errorContext(target);
  const body = () => buildGeminiRequest(target, request);
  return streamSse({ context, url: endpoint(target, 'streamGenerateContent?alt=sse'), headers: headers(target), body, timeoutMs: target.timeoutMs, signal: options.signal, translator: new GeminiStreamTranslator(context) });
}

function describe(target: ModelTarget, request: ChatRequest): UpstreamRequest {
  return { method: 'POST', url: endpoint(target, 'generateContent'), headers: headers(target), body: buildGeminiRequest(target, request) };
}

export const geminiAdapter: ProviderAdapter = { describe, generate, stream };
