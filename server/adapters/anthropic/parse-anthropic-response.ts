import { makeUsage } from '../content';
import type { ChatResult, ToolCall, Usage } from '../types';
import { mapAnthropicFinishReason } from './map-anthropic-finish-reason';

export interface AnthropicUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  output_tokens_details?: { thinking_tokens?: number | null } | null;
}

interface AnthropicMessageResponse {
  id?: string;
  model?: string;
  content?: { type: string; text?: string; thinking?: string; id?: string; name?: string; input?: unknown }[];
  stop_reason?: string | null;
  usage?: AnthropicUsage;
}

/** Prompt tokens include the cache reads and writes, so the total matches what is billed. */
export function convertAnthropicUsage(usage: AnthropicUsage | undefined): Usage {
  const cacheRead = usage?.cache_read_input_tokens ?? 0;
  const prompt = (usage?.input_tokens ?? 0) + (usage?.cache_creation_input_tokens ?? 0) + cacheRead;
  return makeUsage(prompt, usage?.output_tokens ?? 0, cacheRead, usage?.output_tokens_details?.thinking_tokens ?? undefined);
}

export function parseAnthropicResponse(body: unknown, fallbackModel: string): ChatResult {
  const message = body as AnthropicMessageResponse;
  let text = '';
  let reasoning = '';
  const toolCalls: ToolCall[] = [];
  for (const block of message.content ?? []) {
    if (block.type === 'text') text += block.text ?? '';
    else if (block.type === 'thinking') reasoning += block.thinking ?? '';
    else if (block.type === 'tool_use') {
      toolCalls.push({ id: block.id ?? `call_${toolCalls.length}`, name: block.name ?? '', arguments: JSON.stringify(block.input ?? {}) });
    }
  }
  const result: ChatResult = {
    id: message.id ?? '',
    model: message.model ?? fallbackModel,
    content: text === '' && toolCalls.length > 0 ? null : text,
    toolCalls,
    finishReason: mapAnthropicFinishReason(message.stop_reason),
    usage: convertAnthropicUsage(message.usage),
  };
  if (reasoning) result.reasoning = reasoning;
  return result;
}
