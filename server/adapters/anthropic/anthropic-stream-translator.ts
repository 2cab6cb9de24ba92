import { classifyStreamError, type ErrorContext } from '../classify-error';
import { cutOff } from '../content';
import type { SseTranslator } from '../http/sse-stream';
import type { ChatDelta, FinishReason } from '../types';
import { convertAnthropicUsage, type AnthropicUsage } from './parse-anthropic-response';
import { mapAnthropicFinishReason } from './map-anthropic-finish-reason';

interface StreamEvent {
  type?: string;
  index?: number;
  message?: { usage?: AnthropicUsage };
  content_block?: { type?: string; id?: string; name?: string };
  delta?: { type?: string; text?: string; thinking?: string; partial_json?: string; stop_reason?: string | null };
  usage?: AnthropicUsage;
  error?: unknown;
}

/**
 * Anthropic SSE events → ChatDeltas. Tool calls are numbered among tool blocks only (not by the
 * Anthropic block index), as OpenAI numbers tool_calls. message_delta usage is cumulative and may
 * repeat the input counts, so it replaces rather than adds.
 */
export class AnthropicStreamTranslator implements SseTranslator {
  private usage: AnthropicUsage = {};
  private finishReason: FinishReason | undefined;
  private readonly toolIndexByBlock = new Map<number, number>();
  private ended = false;

  constructor(private readonly context: ErrorContext) {}

  /** Appends the deltas of one event to `into`; events after message_stop are read (so the connection can be reused) and ignored. */
  translate(data: string, into: ChatDelta[]): void {
    if (this.ended) return;
    const event = JSON.parse(data) as StreamEvent;
    switch (event.type) {
      case 'message_start':
        this.usage = { ...event.message?.usage };
        return;
      case 'content_block_start': {
        const block = event.content_block;
        if (block?.type !== 'tool_use') return;
        const index = this.toolIndexByBlock.size;
        this.toolIndexByBlock.set(event.index ?? -1, index);
        into.push({ type: 'tool_call', index, id: block.id, name: block.name, arguments: '' });
        return;
      }
      case 'content_block_delta':
        this.blockDelta(event, into);
        return;
      case 'message_delta':
        this.usage = { ...this.usage, ...event.usage };
        this.finishReason = mapAnthropicFinishReason(event.delta?.stop_reason);
        return;
      case 'message_stop':
        this.ended = true;
        into.push({ type: 'finish', finishReason: this.finishReason ?? 'stop' }, { type: 'usage', usage: convertAnthropicUsage(this.usage) });
        return;
      case 'error':
        throw classifyStreamError(this.context, event);
      default:
      // ping, content_block_stop, and event types added later.
    }
  }

  /** The body ended: the finish and usage went out with message_stop; without it the stream was cut off. */
  finish(): void {
    if (!this.ended) throw cutOff(this.context, 'stream ended before message_stop');
  }

  private blockDelta(event: StreamEvent, into: ChatDelta[]): void {
    const delta = event.delta;
    if (delta?.type === 'text_delta' && delta.text) into.push({ type: 'text', text: delta.text });
    else if (delta?.type === 'thinking_delta' && delta.thinking) into.push({ type: 'reasoning', text: delta.thinking });
    else if (delta?.type === 'input_json_delta' && delta.partial_json) {
      const index = this.toolIndexByBlock.get(event.index ?? -1);
      if (index !== undefined) into.push({ type: 'tool_call', index, arguments: delta.partial_json });
    }
  }
}
