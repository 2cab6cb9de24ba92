import type { ChatRequest, ToolChoice } from '../../../shared/chat';
import { errorContext } from '../classify-error';
import type { ModelTarget } from '../types';
import { convertToAnthropicMessages } from './convert-to-anthropic-messages';

/** Anthropic requires max_tokens; when the client gave none we ask for at most this many. */
export const DEFAULT_ANTHROPIC_MAX_TOKENS = 4096;

export function buildAnthropicRequest(target: ModelTarget, request: ChatRequest, stream: boolean): Record<string, unknown> {
  const context = errorContext(target);
  const { system, messages } = convertToAnthropicMessages(request.messages, context);
  const body: Record<string, unknown> = {
    model: target.model,
    max_tokens: request.max_completion_tokens ?? request.max_tokens ?? Math.min(target.maxOutputTokens, DEFAULT_ANTHROPIC_MAX_TOKENS),
    messages,
  };
  if (system !== undefined) body.system = system;
  if (stream) body.stream = true;
  // OpenAI's temperature range is 0-2, Anthropic's 0-1.
  if (request.temperature !== undefined && request.temperature !== null) body.temperature = Math.min(1, Math.max(0, request.temperature));
  // Recent Claude models reject temperature and top_p together; temperature is the one clients mean.
  if (request.top_p !== undefined && request.top_p !== null && body.temperature === undefined) body.top_p = request.top_p;
  if (request.stop !== undefined && request.stop !== null) body.stop_sequences = typeof request.stop === 'string' ? [request.stop] : request.stop;
  if (request.user !== undefined) body.metadata = { user_id: request.user };
  if (request.tools && request.tools.length > 0) {
    body.tools = request.tools.map((tool) => ({
      name: tool.function.name,
      ...(tool.function.description !== undefined ? { description: tool.function.description } : {}),
      input_schema: tool.function.parameters ?? { type: 'object', properties: {} },
    }));
  }
  const toolChoice = convertToolChoice(request.tool_choice, request.parallel_tool_calls);
  if (toolChoice) body.tool_choice = toolChoice;
  return body;
}

function convertToolChoice(choice: ToolChoice | undefined, parallel: boolean | undefined): Record<string, unknown> | undefined {
  let converted: Record<string, unknown> | undefined;
  if (choice === 'auto') converted = { type: 'auto' };
  else if (choice === 'required') converted = { type: 'any' };
  else if (choice === 'none') converted = { type: 'none' };
  else if (choice) converted = { type: 'tool', name: choice.function.name };
  if (parallel === false) converted = { ...(converted ?? { type: 'auto' }), disable_parallel_tool_use: true };
  return converted;
}
