import type { ChatRequest } from '../../shared/chat';

/**
 * The adapter contract (types only). Every provider adapter turns one OpenAI-format ChatRequest
 * into one call to its upstream and answers with a ChatResult or a stream of ChatDeltas.
 * Every failure is thrown as an UpstreamError (./errors); the failover loop reads only that.
 */

export type ProviderName = 'anthropic' | 'gemini' | 'openai-compatible' | 'simulated';

export interface SimulationSettings {
  /** Time to first token, drawn from a log-normal distribution fitted to these percentiles. */
  latencyMs: { p50: number; p99: number };
  tokensPerSecond: number;
  /** 0..1: share of calls that fail with a retryable server/overloaded error. */
  errorRate: number;
  /** Same seed, same sequence of latencies, errors and texts. */
  seed?: number;
}

/** One resolved model, as the adapter needs it: secrets already decrypted, defaults applied. */
export interface ModelTarget {
  /** Grove model id (metadata.id), used in errors and logs. */
  id: string;
  provider: ProviderName;
  /** The upstream model name. */
  model: string;
  /** Host root for anthropic and gemini; including /v1 for openai-compatible. */
  baseUrl?: string;
  apiKey?: string;
  /** Per attempt: until the response headers, then as the longest silence between stream chunks. */
  timeoutMs: number;
  maxOutputTokens: number;
  headers?: Record<string, string>;
  simulation?: SimulationSettings;
}

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  /** Always promptTokens + completionTokens. */
  totalTokens: number;
  cachedTokens?: number;
  /** Part of completionTokens (thinking is billed as output). */
  reasoningTokens?: number;
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

export interface ToolCall {
  id: string;
  name: string;
  /** JSON text, as in OpenAI's function.arguments. */
  arguments: string;
}

export interface ChatResult {
  /** The upstream's response id (Grove's own id is given by the caller to the serialiser). */
  id: string;
  /** The upstream's model name or version. */
  model: string;
  /** null when the answer has only tool calls (or was blocked). */
  content: string | null;
  toolCalls: ToolCall[];
  finishReason: FinishReason;
  usage: Usage;
  reasoning?: string;
  /** An OpenAI-compatible upstream's refusal text. */
  refusal?: string;
}

/**
 * Stream events, in this order: text/reasoning/tool_call deltas, then one finish, then (when the
 * upstream reported it) one usage. tool_call deltas with the same index belong to one call; the
 * first one carries id and name, later ones only more arguments text.
 */
export type ChatDelta =
  | { type: 'text'; text: string }
  | { type: 'reasoning'; text: string }
  | { type: 'tool_call'; index: number; id?: string; name?: string; arguments: string }
  | { type: 'finish'; finishReason: FinishReason }
  | { type: 'usage'; usage: Usage };

export interface CallOptions {
  /** The caller's signal (client gone, request deadline). Aborting it closes the upstream connection. */
  signal?: AbortSignal;
}

/** An HTTP request as an adapter sends it (the connection test shows it, with the key redacted). */
export interface UpstreamRequest {
  method: 'POST';
  url: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

export interface ProviderAdapter {
  /** The request `generate` sends, built by the same functions; absent for in-process adapters (simulated). */
  describe?(target: ModelTarget, request: ChatRequest): UpstreamRequest;
  generate(target: ModelTarget, request: ChatRequest, options: CallOptions): Promise<ChatResult>;
  /**
   * The deltas in batches, each never empty: what one read from the upstream carried (a network
   * read often brings several events), so that a stream costs every layer above one step per
   * read rather than one per delta. Stopping the iteration early (break/return) also closes the
   * upstream connection.
   */
  stream(target: ModelTarget, request: ChatRequest, options: CallOptions): AsyncIterable<ChatDelta[]>;
}
