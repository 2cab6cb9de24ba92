import type { ChatMessage, ContentPart } from '../../../shared/chat';
import type { ErrorContext } from '../classify-error';
import { contentText, parseDataUrl, parseToolArguments, unsupportedPart } from '../content';

export type AnthropicBlock = Record<string, unknown> & { type: string };
export interface AnthropicMessage {
  role: 'user' | 'assistant';
  content: string | AnthropicBlock[];
}
export interface AnthropicPrompt {
  system?: string | { type: 'text'; text: string }[];
  messages: AnthropicMessage[];
}

/**
 * System and developer messages become the top-level `system`; tool results travel in user
 * turns; consecutive turns of one role are merged, because Anthropic wants them to alternate.
 */
export function convertToAnthropicMessages(messages: ChatMessage[], context: ErrorContext): AnthropicPrompt {
  const systemBlocks: { type: 'text'; text: string }[] = [];
  let systemString: string | undefined;
  const converted: AnthropicMessage[] = [];

  for (const message of messages) {
    switch (message.role) {
      case 'system':
      case 'developer':
        if (typeof message.content === 'string') {
          systemString = message.content;
          systemBlocks.push({ type: 'text', text: message.content });
        } else {
          for (const part of message.content) systemBlocks.push({ type: 'text', text: part.text });
        }
        break;
      case 'user':
        push(converted, {
          role: 'user',
          content: typeof message.content === 'string' ? message.content : message.content.map((part) => userBlock(part, context)),
        });
        break;
      case 'assistant': {
        const text = contentText(message.content);
        const toolCalls = message.tool_calls ?? [];
        if (toolCalls.length === 0) {
          // Anthropic rejects empty text blocks; an empty assistant turn carries nothing anyway.
          if (text === '') break;
          push(converted, { role: 'assistant', content: typeof message.content === 'string' ? message.content : [{ type: 'text', text }] });
          break;
        }
        const blocks: AnthropicBlock[] = text ? [{ type: 'text', text }] : [];
        for (const call of toolCalls) {
          blocks.push({ type: 'tool_use', id: call.id, name: call.function.name, input: parseToolArguments(call.function.arguments, context) });
        }
        push(converted, { role: 'assistant', content: blocks });
        break;
      }
      case 'tool':
        push(converted, {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: message.tool_call_id, content: contentText(message.content) }],
        });
        break;
    }
  }

  const prompt: AnthropicPrompt = { messages: converted };
  // One plain-string system message stays a string; anything else becomes a list of text blocks.
  if (systemBlocks.length === 1 && systemString !== undefined) prompt.system = systemString;
  else if (systemBlocks.length > 0) prompt.system = systemBlocks;
  return prompt;
}

function userBlock(part: ContentPart, context: ErrorContext): AnthropicBlock {
  if (part.type === 'text') return { type: 'text', text: part.text };
  if (part.type === 'image_url') {
    const dataUrl = parseDataUrl(part.image_url.url);
    const source = dataUrl
      ? { type: 'base64', media_type: dataUrl.mediaType, data: dataUrl.data }
      : { type: 'url', url: part.image_url.url };
    return { type: 'image', source };
  }
  throw unsupportedPart(context, part);
}

function toBlocks(content: string | AnthropicBlock[]): AnthropicBlock[] {
  return typeof content === 'string' ? [{ type: 'text', text: content }] : content;
}

function push(messages: AnthropicMessage[], message: AnthropicMessage): void {
  const last = messages.at(-1);
  if (last && last.role === message.role) last.content = [...toBlocks(last.content), ...toBlocks(message.content)];
  else messages.push(message);
}
