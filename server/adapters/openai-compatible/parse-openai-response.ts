import { makeUsage } from '../content';
import type { ChatResult, ToolCall, Usage } from '../types';
import { mapOpenAIFinishReason } from './map-openai-finish-reason';

export interface OpenAIUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number | null } | null;
  completion_tokens_details?: { reasoning_tokens?: number | null } | null;
}

interface OpenAIResponse {
  id?: string;
  model?: string;
  choices?: {
    message?: {
      content?: string | null;
      refusal?: string | null;
      // DeepSeek, vLLM and Ollama call it reasoning_content; OpenRouter calls it reasoning.
      reasoning_content?: string | null;
      reasoning?: string | null;
      tool_calls?: { id?: string; function?: { name?: string; arguments?: string } }[];
    };
    finish_reason?: string | null;
  }[];
  usage?: OpenAIUsage | null;
}

export function convertOpenAIUsage(usage: OpenAIUsage | null | undefined): Usage {
  return makeUsage(
    usage?.prompt_tokens ?? 0,
    usage?.completion_tokens ?? 0,
    usage?.prompt_tokens_details?.cached_tokens ?? undefined,
    usage?.completion_tokens_details?.reasoning_tokens ?? undefined,
  );
}

export function parseOpenAIResponse(body: unknown, fallbackModel: string): ChatResult {
  const response = body as OpenAIResponse;
  const choice = response.choices?.[0];
  const message = choice?.message;
  const toolCalls: ToolCall[] = (message?.tool_calls ?? []).map((call, index) => ({
    id: call.id ?? `call_${index}`,
    name: call.function?.name ?? '',
    arguments: call.function?.arguments ?? '',
  }));
  const result: ChatResult = {
    id: response.id ?? '',
    model: response.model ?? fallbackModel,
    content: message?.content ?? null,
    toolCalls,
    finishReason: mapOpenAIFinishReason(choice?.finish_reason),
    usage: convertOpenAIUsage(response.usage),
  };
  const reasoning = message?.reasoning_content ?? message?.reasoning;
  if (reasoning) result.reasoning = reasoning;
  if (message?.refusal) result.refusal = message.refusal;
  return result;
}
