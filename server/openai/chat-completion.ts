import type { ChatResult, FinishReason, Usage } from '../adapters/types';

/** Grove's own identity for one answer, chosen by the caller (id like `chatcmpl-…`, created in Unix seconds). */
export interface CompletionMeta {
  id: string;
  created: number;
  /** The model name shown to the client: the Grove model id. */
  model: string;
}

export interface OpenAIUsageObject {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number };
  completion_tokens_details: { reasoning_tokens: number };
}

export interface OpenAIToolCallObject {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface ChatCompletionObject {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: {
    index: 0;
    message: {
      role: 'assistant';
      content: string | null;
      /** The OpenAI schema requires this key, null when there is no refusal. */
      refusal: string | null;
      tool_calls?: OpenAIToolCallObject[];
      reasoning_content?: string;
    };
    logprobs: null;
    finish_reason: FinishReason;
  }[];
  usage: OpenAIUsageObject;
}

export function toOpenAIUsage(usage: Usage): OpenAIUsageObject {
  return {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.totalTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedTokens ?? 0 },
    completion_tokens_details: { reasoning_tokens: usage.reasoningTokens ?? 0 },
  };
}

export function toChatCompletion(result: ChatResult, meta: CompletionMeta): ChatCompletionObject {
  const message: ChatCompletionObject['choices'][number]['message'] = {
    role: 'assistant',
    content: result.content,
    refusal: result.refusal ?? null,
  };
  if (result.toolCalls.length > 0) {
    message.tool_calls = result.toolCalls.map((call) => ({
      id: call.id,
      type: 'function',
      function: { name: call.name, arguments: call.arguments },
    }));
  }
  // Not in OpenAI's schema, but the name DeepSeek, vLLM and LangChain read thinking from.
  if (result.reasoning) message.reasoning_content = result.reasoning;
  return {
    id: meta.id,
    object: 'chat.completion',
    created: meta.created,
    model: meta.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: result.finishReason }],
    usage: toOpenAIUsage(result.usage),
  };
}
