import type { ChatRequest } from '../../../shared/chat';
import { contentText, makeUsage } from '../content';
import type { FinishReason, ModelTarget, ToolCall, Usage } from '../types';

export const SIMULATED_PREFIX = '[simulated]';

const words = ('this answer comes from a simulated model that Grove runs in process for demos and load tests ' +
  'it has no knowledge and says nothing of substance while tokens arrive at the configured rate').split(' ');

export interface SimulatedAnswer {
  /** The text, one token per element; empty when the answer is a tool call. */
  tokens: string[];
  toolCalls: ToolCall[];
  finishReason: FinishReason;
  usage: Usage;
}

/**
 * What the simulated model says. With tools on offer it calls the first (or the named) tool,
 * unless the last message is already a tool result: that gives a tool round trip to test with.
 */
export function simulatedAnswer(target: ModelTarget, request: ChatRequest, random: () => number): SimulatedAnswer {
  const promptChars = request.messages.reduce((sum, message) => sum + contentText(message.content).length, 0);
  const promptTokens = Math.max(1, Math.ceil(promptChars / 4));
  const last = request.messages.at(-1);
  const choice = request.tool_choice;
  const tool = typeof choice === 'object' ? request.tools?.find((t) => t.function.name === choice.function.name) : request.tools?.[0];
  if (tool && choice !== 'none' && last?.role !== 'tool') {
    const toolCalls = [{ id: `call_sim_${Math.floor(random() * 1e9).toString(36)}`, name: tool.function.name, arguments: '{}' }];
    return { tokens: [], toolCalls, finishReason: 'tool_calls', usage: makeUsage(promptTokens, 8) };
  }
  const limit = request.max_completion_tokens ?? request.max_tokens ?? target.maxOutputTokens;
  const wanted = 16 + Math.floor(random() * 48);
  const count = Math.max(1, Math.min(wanted, limit));
  const tokens = [SIMULATED_PREFIX];
  for (let index = 1; index < count; index += 1) tokens.push(` ${words[(index - 1) % words.length]}`);
  return { tokens, toolCalls: [], finishReason: count < wanted ? 'length' : 'stop', usage: makeUsage(promptTokens, count) };
}
