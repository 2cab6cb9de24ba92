import type { ChatMessage, ContentPart } from '../../shared/chat';
import type { ErrorContext } from './classify-error';
import { UpstreamError } from './errors';

type AnyContent = ChatMessage['content'];

/** The text of a message's content: a string, or its text parts joined. */
export function contentText(content: AnyContent): string {
  if (content === null || content === undefined) return '';
  if (typeof content === 'string') return content;
  let text = '';
  for (const part of content) if (part.type === 'text') text += part.text;
  return text;
}

export interface DataUrl {
  mediaType: string;
  data: string;
}

export function parseDataUrl(url: string): DataUrl | undefined {
  const match = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  return match ? { mediaType: match[1] ?? '', data: match[2] ?? '' } : undefined;
}

/** Tool-call arguments as an object: Anthropic and Gemini want objects, OpenAI sends JSON text. */
export function parseToolArguments(text: string, context: ErrorContext): Record<string, unknown> {
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw badRequest(context, 'tool call arguments are not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badRequest(context, 'tool call arguments must be a JSON object');
  }
  return value as Record<string, unknown>;
}

export function unsupportedPart(context: ErrorContext, part: ContentPart): UpstreamError {
  return badRequest(context, `content part of type "${part.type}" is not supported by this provider`);
}

/** A stream whose body ended before the provider's end of answer: retryable, like a dropped connection. */
export function cutOff(context: ErrorContext, message: string): UpstreamError {
  return new UpstreamError({
    kind: 'connection',
    message: `${context.provider} ${context.modelId}: ${message}`,
    provider: context.provider,
    modelId: context.modelId,
  });
}

export function badRequest(context: ErrorContext, message: string): UpstreamError {
  return new UpstreamError({
    kind: 'bad_request',
    message: `${context.provider} ${context.modelId}: ${message}`,
    provider: context.provider,
    modelId: context.modelId,
  });
}

/** total is always prompt + completion, whatever the upstream reported. */
export function makeUsage(promptTokens: number, completionTokens: number, cachedTokens?: number, reasoningTokens?: number) {
  return {
    promptTokens,
    completionTokens,
    totalTokens: promptTokens + completionTokens,
    ...(cachedTokens ? { cachedTokens } : {}),
    ...(reasoningTokens ? { reasoningTokens } : {}),
  };
}

/** Errors thrown after the first delta went out can no longer fail over. */
export function markMidStream(error: UpstreamError, started: boolean): UpstreamError {
  error.midStream = started;
  return error;
}
