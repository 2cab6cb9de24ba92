import { makeUsage } from '../content';
import type { ChatResult, ToolCall, Usage } from '../types';
import { mapGeminiFinishReason } from './map-gemini-finish-reason';

export interface GeminiUsageMetadata {
  promptTokenCount?: number;
  candidatesTokenCount?: number;
  thoughtsTokenCount?: number;
  cachedContentTokenCount?: number;
  toolUsePromptTokenCount?: number;
}

export interface GeminiPartResponse {
  text?: string;
  thought?: boolean;
  functionCall?: { name?: string; args?: unknown };
}

export interface GeminiResponse {
  candidates?: { content?: { parts?: GeminiPartResponse[] }; finishReason?: string }[];
  promptFeedback?: { blockReason?: string };
  usageMetadata?: GeminiUsageMetadata;
  modelVersion?: string;
  responseId?: string;
}

/** Thinking tokens are billed as output: they count in completionTokens and are reported as reasoningTokens. */
export function convertGeminiUsage(usage: GeminiUsageMetadata | undefined): Usage {
  const thoughts = usage?.thoughtsTokenCount ?? 0;
  return makeUsage(
    (usage?.promptTokenCount ?? 0) + (usage?.toolUsePromptTokenCount ?? 0),
    (usage?.candidatesTokenCount ?? 0) + thoughts,
    usage?.cachedContentTokenCount,
    thoughts,
  );
}

/** Grove's made-up ids for Gemini's id-less function calls, numbered within one answer. */
export function geminiToolCallId(index: number): string {
  return `call_${index}`;
}

export function parseGeminiResponse(body: unknown, fallbackModel: string): ChatResult {
  const response = body as GeminiResponse;
  const candidate = response.candidates?.[0];
  let text = '';
  let reasoning = '';
  const toolCalls: ToolCall[] = [];
  for (const part of candidate?.content?.parts ?? []) {
    if (part.functionCall) {
      toolCalls.push({ id: geminiToolCallId(toolCalls.length), name: part.functionCall.name ?? '', arguments: JSON.stringify(part.functionCall.args ?? {}) });
    } else if (typeof part.text === 'string') {
      if (part.thought) reasoning += part.text;
      else text += part.text;
    }
  }
  // A blocked prompt comes back with no candidates at all, only promptFeedback.blockReason.
  const blocked = !candidate && response.promptFeedback?.blockReason !== undefined;
  const result: ChatResult = {
    id: response.responseId ?? '',
    model: response.modelVersion ?? fallbackModel,
    content: blocked || (text === '' && toolCalls.length > 0) ? null : text,
    toolCalls,
    finishReason: blocked ? 'content_filter' : mapGeminiFinishReason(candidate?.finishReason, toolCalls.length > 0),
    usage: convertGeminiUsage(response.usageMetadata),
  };
  if (reasoning) result.reasoning = reasoning;
  return result;
}
