import { classifyStreamError, type ErrorContext } from '../classify-error';
import { cutOff } from '../content';
import type { SseTranslator } from '../http/sse-stream';
import type { ChatDelta } from '../types';
import { convertOpenAIUsage, type OpenAIUsage } from './parse-openai-response';
import { mapOpenAIFinishReason } from './map-openai-finish-reason';

export interface OpenAIChunk {
  error?: unknown;
  choices?: {
    delta?: {
      content?: string | null;
      reasoning_content?: string | null;
      reasoning?: string | null;
      tool_calls?: { index?: number; id?: string; function?: { name?: string; arguments?: string } }[];
    };
    finish_reason?: string | null;
  }[];
  usage?: OpenAIUsage | null;
}

/** A JSON string literal, by JSON's own grammar. */
const STRING = String.raw`"(?:[^"\\\u0000-\u001f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"`;

/**
 * The chunk that nearly every token of an OpenAI, vLLM or Ollama stream arrives in: the envelope
 * and one choice whose delta holds only content (a role at most), no finish, no usage, written as
 * compact JSON in that key order. An anchored pattern of JSON's grammar recognises it and reads its
 * content without JSON.parse, at about a seventh of the cost; any other text is parsed in full.
 * Whatever the pattern accepts is valid JSON whose full parse gives the same delta (the tests hold
 * the two paths to that).
 */
const TEXT_CHUNK = new RegExp(
  String.raw`^\{"id":${STRING},"object":"chat\.completion\.chunk","created":(?:0|[1-9]\d*),"model":${STRING},(?:"service_tier":${STRING},)?(?:"system_fingerprint":(?:${STRING}|null),)?` +
    String.raw`"choices":\[\{"index":0,"delta":\{(?:"role":"assistant",)?"content":(${STRING})\}(?:,"logprobs":null)?,"finish_reason":null\}\](?:,"usage":null)?(?:,"obfuscation":${STRING})?\}$`,
);

/**
 * OpenAI chunks → ChatDeltas. The finish is held back until the stream ends, so that the usage
 * chunk (which comes after it) and the finish always reach the caller in the contract's order.
 */
export class OpenAIStreamTranslator implements SseTranslator {
  private finishDelta: ChatDelta | undefined;
  private usage: ChatDelta | undefined;
  private done = false;

  constructor(private readonly context: ErrorContext) {}

  /** Appends the deltas of one chunk to `into`; whatever follows [DONE] is read and ignored. */
  translate(data: string, into: ChatDelta[]): void {
    if (this.done) return;
    if (data === '[DONE]') {
      this.done = true;
      return;
    }
    const literal = TEXT_CHUNK.exec(data)?.[1];
    if (literal === undefined) return this.translateChunk(JSON.parse(data) as OpenAIChunk, into);
    // a literal without escapes is its own text
    const text = literal.includes('\\') ? (JSON.parse(literal) as string) : literal.slice(1, -1);
    if (text) into.push({ type: 'text', text });
  }

  /** One chunk, parsed. */
  translateChunk(chunk: OpenAIChunk, into: ChatDelta[]): void {
    if (chunk.error) throw classifyStreamError(this.context, chunk);
    if (chunk.usage) this.usage = { type: 'usage', usage: convertOpenAIUsage(chunk.usage) };
    const choice = chunk.choices?.[0];
    if (!choice) return;
    if (choice.finish_reason) this.finishDelta = { type: 'finish', finishReason: mapOpenAIFinishReason(choice.finish_reason) };
    const delta = choice.delta;
    if (!delta) return;
    const reasoning = delta.reasoning_content ?? delta.reasoning;
    if (reasoning) into.push({ type: 'reasoning', text: reasoning });
    if (delta.content) into.push({ type: 'text', text: delta.content });
    for (const call of delta.tool_calls ?? []) {
      const toolDelta: ChatDelta = { type: 'tool_call', index: call.index ?? 0, arguments: call.function?.arguments ?? '' };
      if (call.id) toolDelta.id = call.id;
      if (call.function?.name) toolDelta.name = call.function.name;
      into.push(toolDelta);
    }
  }

  /**
   * The body ended: appends the finish, then the usage. Some compatible servers never send [DONE];
   * a finish_reason is proof enough of a whole answer, and its absence of a stream cut off.
   */
  finish(into: ChatDelta[]): void {
    if (!this.finishDelta) throw cutOff(this.context, 'stream ended without a finish_reason');
    into.push(this.finishDelta);
    if (this.usage) into.push(this.usage);
  }
}
