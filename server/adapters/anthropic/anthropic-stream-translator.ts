import { classifyStreamError, type ErrorContext } from '../classify-error';
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
export class AnthropicStreamTranslator {
  private usage: AnthropicUsage = {};
  private finishReason: FinishReason | undefined;
  private readonly toolIndexByBlock = new Map<number, number>();
  ended = false;

  constructor(private readonly context: ErrorContext) {}

  translate(data: string): ChatDelta[] {
    const event = JSON.parse(data) as StreamEvent;
    switch (event.type) {
      case 'message_start':
        this.usage = { ...event.message?.usage };
        return [];
      case 'content_block_start': {
        const block = event.content_block;
        if (block?.type !== 'tool_use') return [];
        const index = this.toolIndexByBlock.size;
        this.toolIndexByBlock.set(event.index ?? -1, index);
        return [{ type: 'tool_call', index, id: block.id, name: block.name, arguments: '' }];
      }
      case 'content_block_delta':
        return this.blockDelta(event);
      case 'message_delta':
        this.usage = { ...this.usage, ...event.usage };
        this.finishReason = mapAnthropicFinishReason(event.delta?.stop_reason);
        return [];
      case 'message_stop':
        this.ended = true;
        return [
          { type: 'finish', finishReason: this.finishReason ?? 'stop' },
          { type: 'usage', usage: convertAnthropicUsage(this.usage) },
        ];
      case 'error':
        throw classifyStreamError(this.context, event);
      default:
        // ping, content_block_stop, and event types added later.
        return [];
    }
  }

  private blockDelta(event: StreamEvent): ChatDelta[] {
    const delta = event.delta;
    if (delta?.type === 'text_delta' && delta.text) return [{ type: 'text', text: delta.text }];
    if (delta?.type === 'thinking_delta' && delta.thinking) return [{ type: 'reasoning', text: delta.thinking }];
    if (delta?.type === 'input_json_delta' && delta.partial_json) {
      const index = this.toolIndexByBlock.get(event.index ?? -1);
      if (index !== undefined) return [{ type: 'tool_call', index, arguments: delta.partial_json }];
    }
    return [];
  }
}
