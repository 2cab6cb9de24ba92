import type { FinishReason } from '../types';

/** Compatible servers sometimes send values outside OpenAI's enum (e.g. "eos"); clients accept only the enum. */
export function mapOpenAIFinishReason(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case 'length':
      return 'length';
    case 'tool_calls':
    case 'function_call':
      return 'tool_calls';
    case 'content_filter':
      return 'content_filter';
    default:
      return 'stop';
  }
}
