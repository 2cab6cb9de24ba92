import { classifyStreamError, type ErrorContext } from '../classify-error';
import { cutOff } from '../content';
import type { SseTranslator } from '../http/sse-stream';
import type { ChatDelta } from '../types';
import { convertGeminiUsage, geminiToolCallId, type GeminiResponse } from './parse-gemini-response';
import { mapGeminiFinishReason } from './map-gemini-finish-reason';

/**
 * Gemini SSE chunks → ChatDeltas. Function calls arrive whole, so each becomes one complete
 * tool_call delta with a made-up id. usageMetadata is a running total on every chunk: the last
 * one wins. Gemini sends no end marker; `finish()` is called when the body ends.
 */
export class GeminiStreamTranslator implements SseTranslator {
  private finishReason: string | undefined;
  private blocked = false;
  private toolCalls = 0;
  private usage: GeminiResponse['usageMetadata'];

  constructor(private readonly context: ErrorContext) {}

  /** Appends the deltas of one chunk to `into`. */
  translate(data: string, into: ChatDelta[]): void {
    const chunk = JSON.parse(data) as GeminiResponse & { error?: unknown };
    if (chunk.error) throw classifyStreamError(this.context, chunk);
    if (chunk.usageMetadata) this.usage = chunk.usageMetadata;
    const candidate = chunk.candidates?.[0];
    if (!candidate && chunk.promptFeedback?.blockReason !== undefined) this.blocked = true;
    if (candidate?.finishReason) this.finishReason = candidate.finishReason;
    for (const part of candidate?.content?.parts ?? []) {
      if (part.functionCall) {
        const index = this.toolCalls++;
        into.push({
          type: 'tool_call',
          index,
          id: geminiToolCallId(index),
          name: part.functionCall.name ?? '',
          arguments: JSON.stringify(part.functionCall.args ?? {}),
        });
      } else if (part.text) {
        into.push({ type: part.thought ? 'reasoning' : 'text', text: part.text });
      }
    }
  }

  /** The body ended: appends the finish and the usage; with no finish reason (Gemini sends no end marker) the stream was cut off. */
  finish(into: ChatDelta[]): void {
    if (!this.blocked && this.finishReason === undefined) throw cutOff(this.context, 'stream ended without a finish reason');
    const finishReason = this.blocked ? 'content_filter' : mapGeminiFinishReason(this.finishReason, this.toolCalls > 0);
    into.push({ type: 'finish', finishReason }, { type: 'usage', usage: convertGeminiUsage(this.usage) });
  }
}
