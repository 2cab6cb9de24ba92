import { performance } from 'node:perf_hooks';
import type { ChatRequest } from '../../shared/chat';
import type { ConnectionTestResult } from '../../shared/connection-test';
import { connectionTestInputSchema } from '../../shared/connection-test';
import type { z } from 'zod';
import { getAdapter, isUpstreamError } from '../adapters';
import { REDACTED, redactSecrets } from '../adapters/redact';
import type { ModelTarget, UpstreamRequest } from '../adapters/types';
import { connectionProblem, noKeyProblem, noMessageProblem, type ConnectionProblem } from './connection-problem';

type Input = z.output<typeof connectionTestInputSchema>;

/** The smallest call that proves the endpoint, the key and the model name: a few tokens each way. */
const TEST_REQUEST: ChatRequest = { model: 'connection-test', messages: [{ role: 'user', content: 'Reply with the single word: ok' }], max_tokens: 16 } as ChatRequest;
const TEST_MAX_OUTPUT_TOKENS = 16;
const AUTH_HEADERS = new Set(['authorization', 'x-api-key', 'x-goog-api-key', 'api-key']);

/**
 * Calls a draft model once through its real adapter (the same request building, HTTP and error
 * classification as traffic), bounded by `timeoutMs` as a whole: the adapter's own deadline covers
 * the wait for headers, and an abort signal covers the rest, so the console never waits forever.
 * Never throws for an upstream failure: the failure is the answer.
 */
export async function testConnection(input: Input, env: Record<string, string | undefined>): Promise<ConnectionTestResult> {
  const apiKey = input.apiKey && 'env' in input.apiKey ? env[input.apiKey.env] || undefined : input.apiKey?.value;
  if (input.apiKey && 'env' in input.apiKey && !apiKey) return failed(0, null, noKeyProblem(input.apiKey.env), `${input.apiKey.env} is not set`, null);

  const target: ModelTarget = {
    id: 'connection-test',
    provider: input.provider,
    model: input.model,
    baseUrl: input.baseUrl?.replace(/\/+$/, ''),
    apiKey,
    timeoutMs: input.timeoutMs,
    maxOutputTokens: TEST_MAX_OUTPUT_TOKENS,
    headers: input.headers,
    // an instant answer: the test checks the setup, not the simulated latency
    simulation: input.provider === 'simulated' ? { latencyMs: { p50: 5, p99: 10 }, tokensPerSecond: 10_000, errorRate: 0 } : undefined,
  };
  const adapter = getAdapter(input.provider);
  const sent = adapter.describe ? redactRequest(adapter.describe(target, TEST_REQUEST), apiKey) : null;
  const startedAt = performance.now();
  const elapsed = () => Math.round(performance.now() - startedAt);
  try {
    const result = await adapter.generate(target, TEST_REQUEST, { signal: AbortSignal.timeout(input.timeoutMs) });
    if (result.content === null && result.toolCalls.length === 0 && !result.refusal) return failed(elapsed(), sent, noMessageProblem(input.provider), 'the answer carried no message', 200);
    return {
      ok: true,
      latencyMs: elapsed(),
      request: sent,
      answer: { text: result.content ?? result.refusal ?? null, model: result.model, finishReason: result.finishReason, usage: { promptTokens: result.usage.promptTokens, completionTokens: result.usage.completionTokens } },
      problem: null,
    };
  } catch (error) {
    if (!isUpstreamError(error)) throw error;
    const message = redactSecrets(error.message, apiKey).replace(/^\S+ connection-test: /, '');
    return failed(elapsed(), sent, connectionProblem(error.kind, input.provider, error.upstreamStatus), message, error.upstreamStatus ?? null);
  }
}

function failed(latencyMs: number, request: ConnectionTestResult['request'], problem: ConnectionProblem, message: string, upstreamStatus: number | null): ConnectionTestResult {
  return { ok: false, latencyMs, request, answer: null, problem: { ...problem, message, upstreamStatus } };
}

/** Credential headers lose their value whole; other headers and the URL lose anything key-shaped (a `?key=` included). */
function redactRequest(request: UpstreamRequest, apiKey: string | undefined): NonNullable<ConnectionTestResult['request']> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (AUTH_HEADERS.has(name.toLowerCase())) headers[name] = value === '' ? '(empty: no key)' : /^Bearer /i.test(value) ? `Bearer ${REDACTED}` : REDACTED;
    else headers[name] = redactSecrets(value, apiKey);
  }
  return { method: request.method, url: redactSecrets(request.url, apiKey), headers, body: JSON.stringify(request.body, null, 2) };
}
