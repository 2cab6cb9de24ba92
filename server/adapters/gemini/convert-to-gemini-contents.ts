import type { ChatMessage, ContentPart } from '../../../shared/chat';
import type { ErrorContext } from '../classify-error';
import { badRequest, contentText, parseDataUrl, parseToolArguments, unsupportedPart } from '../content';

export type GeminiPart = Record<string, unknown>;
export interface GeminiContent {
  role: 'user' | 'model';
  parts: GeminiPart[];
}
export interface GeminiPrompt {
  contents: GeminiContent[];
  systemInstruction?: { role: 'user'; parts: { text: string }[] };
}

/**
 * Gemini has no tool-call ids: the ids a client sends back are the ones Grove made up, so a tool
 * result finds its function name through the earlier assistant tool call with that id. Tool
 * results travel in user turns (as the official SDK sends them), and consecutive same-role turns
 * are merged, because Gemini wants them to alternate.
 */
export function convertToGeminiContents(messages: ChatMessage[], context: ErrorContext): GeminiPrompt {
  const system: { text: string }[] = [];
  const contents: GeminiContent[] = [];
  const toolNameById = new Map<string, string>();

  for (const message of messages) {
    switch (message.role) {
      case 'system':
      case 'developer':
        system.push({ text: contentText(message.content) });
        break;
      case 'user':
        push(contents, {
          role: 'user',
          parts: typeof message.content === 'string' ? [{ text: message.content }] : message.content.map((part) => userPart(part, context)),
        });
        break;
      case 'assistant': {
        const parts: GeminiPart[] = [];
        const text = contentText(message.content);
        if (text) parts.push({ text });
        for (const call of message.tool_calls ?? []) {
          toolNameById.set(call.id, call.function.name);
          parts.push({ functionCall: { name: call.function.name, args: parseToolArguments(call.function.arguments, context) } });
        }
        if (parts.length > 0) push(contents, { role: 'model', parts });
        break;
      }
      case 'tool': {
        const name = toolNameById.get(message.tool_call_id);
        if (name === undefined) throw badRequest(context, `tool_call_id "${message.tool_call_id}" matches no earlier tool call`);
        push(contents, { role: 'user', parts: [{ functionResponse: { name, response: toolResponse(contentText(message.content)) } }] });
        break;
      }
    }
  }
  const prompt: GeminiPrompt = { contents };
  if (system.length > 0) prompt.systemInstruction = { role: 'user', parts: system };
  return prompt;
}

/** Gemini wants an object: a JSON object result is sent as is, anything else as {output}. */
function toolResponse(content: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(content);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
    return { output: value };
  } catch {
    return { output: content };
  }
}

function userPart(part: ContentPart, context: ErrorContext): GeminiPart {
  if (part.type === 'text') return { text: part.text };
  if (part.type === 'image_url') {
    const dataUrl = parseDataUrl(part.image_url.url);
    if (dataUrl) return { inlineData: { mimeType: dataUrl.mediaType, data: dataUrl.data } };
    return { fileData: { mimeType: guessImageType(part.image_url.url), fileUri: part.image_url.url } };
  }
  throw unsupportedPart(context, part);
}

function guessImageType(url: string): string {
  const extension = /\.(png|gif|webp|jpe?g)(?:$|\?)/i.exec(url)?.[1]?.toLowerCase();
  if (extension === 'png' || extension === 'gif' || extension === 'webp') return `image/${extension}`;
  return 'image/jpeg';
}

function push(contents: GeminiContent[], content: GeminiContent): void {
  const last = contents.at(-1);
  if (last && last.role === content.role) last.parts.push(...content.parts);
  else contents.push(content);
}
